"""A loopback SMTP server that accepts everything and counts each message by its Message-ID, so a
message lost or delivered twice by the outbox shows in the soak's summary. Runs in soak.py's process
(aiosmtpd's Controller: its own thread and event loop); every message is also logged to a JSON-lines file."""

import json
import threading
import time
from collections import Counter
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self, log_path):
        self.counts: Counter[str] = Counter()
        self.recipients = 0
        self._lock = threading.Lock()
        self._log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed by SmtpSink.stop()

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.content)
        message_id = (headers.get("Message-ID") or "").strip()
        with self._lock:
            self.counts[message_id] += 1
            self.recipients += len(envelope.rcpt_tos)
            self._log.write(
                json.dumps(
                    {
                        "t": time.time(),
                        "message_id": message_id,
                        "to": envelope.rcpt_tos,
                        "subject": headers.get("Subject", ""),
                    }
                )
                + "\n"
            )
            self._log.flush()
        return "250 Message accepted for delivery"

    def snapshot(self) -> Counter:
        with self._lock:
            return Counter(self.counts)

    def close(self):
        self._log.close()


class SmtpSink:
    def __init__(self, port: int, log_path):
        self.handler = CountingHandler(log_path)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()
        self.handler.close()

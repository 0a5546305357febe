"""Test helpers for mail and the task worker: a real SMTP server, real worker processes.

A pytest plugin (root conftest.py: pytest_plugins), so its fixtures are available to every test.
"""

import asyncio
import email
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.test import override_settings

OUTBOX_MAILER = {"BACKEND": "bphub.outbox.backends.OutboxEmailBackend"}
DEADLINE_SECONDS = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float = DEADLINE_SECONDS, what: str = "condition"):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}.")
        time.sleep(0.05)


class _Collector:
    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.server.mail_seen.set()
        if self.server.holding.is_set():
            with self.server.lock:
                self.server.held += 1
        while self.server.holding.is_set():
            # Hold the sender between MAIL FROM and DATA (a worker "in the middle of sending").
            await asyncio.sleep(0.02)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.server.lock:
            self.server.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that keeps every message it accepts.

    stop() makes it unreachable (connection refused); start() brings it back on the same port.
    hold() makes it stall senders after MAIL FROM until release(); mail_seen is set when one arrives
    and `held` counts the senders stalled so far.
    """

    def __init__(self):
        self.port = free_port()
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        self.holding = threading.Event()
        self.mail_seen = threading.Event()
        self.controller = None
        self.started = False
        self.held = 0

    def start(self) -> None:
        for attempt in range(5):
            self.controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port, ready_timeout=10)
            try:
                self.controller.start()
                self.started = True
                return
            except OSError:
                # Another process (an xdist worker) took the free port first: the first start may
                # take another one; a restart must come back on the same port, so it only retries.
                self.controller = None
                if attempt == 4:
                    raise
                if not self.started:
                    self.port = free_port()
                time.sleep(0.2)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def hold(self) -> None:
        self.mail_seen.clear()
        self.held = 0  # senders that arrived while holding (each stalled until release)
        self.holding.set()

    def release(self) -> None:
        self.holding.clear()

    def message_ids(self) -> list[str]:
        with self.lock:
            return [message["Message-ID"] for message in self.messages]

    @property
    def mailer(self) -> dict:
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
        }


@pytest.fixture
def smtp_server():
    """A running SMTP server; the outbox's "delivery" mailer points at it, "default" at the outbox."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    server = SmtpServer()
    server.start()
    try:
        with override_settings(MAILERS={"default": OUTBOX_MAILER, "delivery": server.mailer}):
            yield server
    finally:
        server.release()
        server.stop()


def database_url_for_subprocess() -> str:
    """The URL of the test database this test runs on, for a worker process to use."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if connection.is_in_memory_db() or name.startswith("file:"):
            pytest.skip(
                "Worker processes cannot see an in-memory SQLite test database; "
                "run with BPHUB_TEST_SQLITE_FILE=/tmp/bphub-test.sqlite3 (or on PostgreSQL)."
            )
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    pytest.skip(f"No worker-process tests on {connection.vendor}.")


class WorkerProcesses:
    """Starts `manage.py worker` processes on the test database and the test SMTP server."""

    def __init__(self, *, smtp: SmtpServer, log_dir: Path):
        self.smtp = smtp
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []
        self.database_url = database_url_for_subprocess()

    def start(self, *args: str, heartbeat: int = 1, stale_after: int = 2, **env: str) -> subprocess.Popen:
        log = open(self.log_dir / f"worker-{len(self.processes)}.log", "wb")  # the child keeps its own copy
        process_env = {
            **os.environ,
            "BPHUB_ENV": "test",
            "DATABASE_URL": self.database_url,
            "DB_CONN_MAX_AGE": "0",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp.port),
            "TASK_WORKER_HEARTBEAT_SECONDS": str(heartbeat),
            "TASK_WORKER_STALE_AFTER_SECONDS": str(stale_after),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        process_env.pop("BPHUB_TEST_SQLITE_FILE", None)
        process = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "worker", "--interval", "0.1", *args],
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
        )
        log.close()
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')}" for path in sorted(self.log_dir.glob("worker-*.log"))
        )

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)


_RESTORE_AUDIT_TRIGGERS = pytest.StashKey()


@pytest.fixture
def audit_triggers_paused_for_flush(request, django_db_setup, django_db_blocker):
    """Let pytest-django empty the tables after a transactional test, on PostgreSQL too.

    The audit log's triggers (bphub/core/migrations/0002) refuse TRUNCATE on PostgreSQL (and
    DELETE of rows on SQLite), which is how transactional_db cleans up. They are paused for the
    test and put back by pytest_runtest_teardown below, after that flush. (Same as e2e/conftest.py.)
    """
    from importlib import import_module

    vendor = connection.vendor
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        elif vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")

    paused_in = connection.settings_dict["NAME"]

    def restore():
        if connection.settings_dict["NAME"] != paused_in:
            return  # after the last test the test database is already gone, triggers and all
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
            elif vendor == "sqlite":
                for statement in import_module("bphub.core.migrations.0002_audit_append_only").SQLITE:
                    cursor.execute(statement)

    request.node.stash[_RESTORE_AUDIT_TRIGGERS] = restore


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        restore = item.stash.get(_RESTORE_AUDIT_TRIGGERS, None)
        if restore is not None:
            del item.stash[_RESTORE_AUDIT_TRIGGERS]
            restore()


@pytest.fixture
def worker_processes(audit_triggers_paused_for_flush, smtp_server, transactional_db, tmp_path):
    """Start real worker processes with `.start(...)`; every one is killed at the end of the test."""
    workers = WorkerProcesses(smtp=smtp_server, log_dir=tmp_path)
    try:
        yield workers
    finally:
        workers.stop_all()

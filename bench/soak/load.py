"""The soak's traffic: bounded client threads over http.client, 127.0.0.1 only, one connection per
request (gunicorn's sync workers close it after each response anyway). Every request is recorded as
(kind, start, end, status or error); nothing here retries, so a failure shows as it happened."""

import http.client
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

REFRESH = re.compile(r'http-equiv="refresh" content="(\d+); url=([^"]+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE = "__Host-csrftoken"
USER_AGENT = "bphub-bench"  # the sessions were made for this user agent (bench_session)


@dataclass
class Record:
    kind: str
    start: float  # time.monotonic()
    end: float
    status: int | None  # None: no HTTP answer (connection refused or reset, timeout)
    error: str = ""
    ok: bool = True


@dataclass
class Recorder:
    records: list[Record] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, record: Record) -> Record:
        with self.lock:
            self.records.append(record)
        return record


class Client:
    def __init__(self, port: int, timeout: float = 60.0):
        self.port = port
        self.timeout = timeout

    def request(self, method, path, *, cookie=None, token=None, body=None, headers=None):
        """(status, headers dict lower-case, body bytes); raises OSError/HTTPException without an answer."""
        sent = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", "User-Agent": USER_AGENT}
        if cookie:
            sent["Cookie"] = cookie
        if token:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            answer = {}
            for name, value in response.getheaders():
                answer.setdefault(name.lower(), []).append(value)
            return response.status, answer, data
        finally:
            connection.close()


def timed(recorder: Recorder, kind: str, call, expect=(200,)) -> tuple[Record, object]:
    """Run call() -> (status, headers, body); record it. Returns the record and call's result (or None)."""
    start = time.monotonic()
    try:
        result = call()
    except (OSError, http.client.HTTPException) as error:
        return recorder.add(
            Record(kind, start, time.monotonic(), None, f"{type(error).__name__}: {error}", False)
        ), None
    status = result[0]
    ok = status in expect
    return recorder.add(Record(kind, start, time.monotonic(), status, "" if ok else f"HTTP {status}", ok)), result


def browse_loop(
    client: Client, recorder: Recorder, targets: list[tuple], stop: threading.Event, think: float, seed: int
):
    """One simulated client: weighted random pick of (kind, path, cookie, token, weight), think, repeat."""
    rng = random.Random(seed)
    weights = [t[4] for t in targets]
    while not stop.is_set():
        kind, path, cookie, token, _weight = rng.choices(targets, weights)[0]
        timed(recorder, kind, lambda p=path, c=cookie, t=token: client.request("GET", p, cookie=c, token=t))
        stop.wait(rng.uniform(0.5, 1.5) * think)


def pack_once(client: Client, recorder: Recorder, path: str, cookie: str, timeout: float = 180.0) -> Record:
    """The pre-briefing PDF as a browser gets it: 202 "being prepared", follow the page's refresh
    (every second) until the PDF comes. One record "pack_pdf" for the whole wait; each GET is also
    recorded as "pack_poll"."""
    start = time.monotonic()
    target = path
    retried = ""
    while True:
        record, result = timed(
            recorder, "pack_poll", lambda t=target: client.request("GET", t, cookie=cookie), expect=(200, 202)
        )
        if result is None:
            return recorder.add(Record("pack_pdf", start, time.monotonic(), None, record.error, False))
        status, headers, body = result
        kind = (headers.get("content-type") or [""])[0]
        if kind == "application/pdf" and body.startswith(b"%PDF"):
            return recorder.add(Record("pack_pdf", start, time.monotonic(), status, retried, not retried))
        page = body.decode(errors="replace")
        found = REFRESH.search(page) if kind.startswith("text/html") else None
        if not found and not retried and CSRF_INPUT.search(page):
            # The render failed: press "Try again" as the reader would (a failure all the same).
            retried = "the render had failed; asked again"
            csrf = next((c.split(";", 1)[0] for c in headers.get("set-cookie", []) if c.startswith(CSRF_COOKIE)), "")
            try:
                answer = client.request(
                    "POST",
                    path,
                    cookie=f"{cookie}; {csrf}" if csrf else cookie,
                    body=urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF_INPUT.search(page)[1]}),
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Origin": f"https://127.0.0.1:{client.port}",
                    },
                )
                target = (answer[1].get("location") or [path])[0]
            except (OSError, http.client.HTTPException) as error:
                return recorder.add(Record("pack_pdf", start, time.monotonic(), None, f"retry: {error}", False))
            target = urllib.parse.urlsplit(target)._replace(scheme="", netloc="").geturl() or path
            continue
        if not found or time.monotonic() - start > timeout:
            error = f"HTTP {status}, {kind}, " + (
                "no refresh on the page" if not found else f"no PDF after {timeout} s"
            )
            return recorder.add(Record("pack_pdf", start, time.monotonic(), status, error, False))
        time.sleep(int(found.group(1)))
        target = found.group(2).replace("&amp;", "&")


def invite_once(client: Client, recorder: Recorder, cookie: str, n: int, run_tag: str) -> Record:
    """An RSO admin invites an RSO staff member through the web form: GET (CSRF token), POST -> 302.
    The invitation's email goes through the outbox (queued in the same transaction)."""
    record, result = timed(recorder, "invite_form", lambda: client.request("GET", "/invitations/new/", cookie=cookie))
    if result is None or not record.ok:
        return record
    status, headers, body = result
    token = CSRF_INPUT.search(body.decode(errors="replace"))
    csrf_cookie = next(
        (c.split(";", 1)[0] for c in headers.get("set-cookie", []) if c.startswith(CSRF_COOKIE + "=")), ""
    )
    if not token or not csrf_cookie:
        return recorder.add(Record("invite_post", record.start, time.monotonic(), status, "no CSRF token", False))
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "email": f"soak-{run_tag}-{n}@soak.invalid",
            "full_name": f"Soak Invitee {n}",
            "role": "rso_staff",
            "member": "",
            "agency": "",
        }
    )
    origin = f"https://127.0.0.1:{client.port}"
    return timed(
        recorder,
        "invite_post",
        lambda: client.request(
            "POST",
            "/invitations/new/",
            cookie=f"{cookie}; {csrf_cookie}",
            body=form.encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + "/invitations/new/",
            },
        ),
        expect=(302, 303),
    )[0]


def every(stop: threading.Event, period: float, first: float, action):
    """Call action(n) at first, first + period, ... (seconds from now) until stop is set."""
    started = time.monotonic()
    n = 0
    while not stop.wait(max(0.0, started + first + n * period - time.monotonic())):
        action(n)
        # Slots missed while the action ran (a long pack wait) are skipped, not fired in a burst.
        n = max(n + 1, int((time.monotonic() - started - first) // period) + 1)

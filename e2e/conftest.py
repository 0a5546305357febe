"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium is not downloaded by Playwright (no downloads here): the tests use /usr/bin/chromium
(`apt-get install chromium`, which .ci/run does). Without it the tests are skipped on a laptop,
but fail in CI (CI=true), so a green CI never hides a browser that was not there.
"""

import os
import time
from pathlib import Path

import pytest

from e2e.accessibility import AccessibilityCheck, CheckedBrowser, axe_script, install

CHROMIUM = os.environ.get("BPHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "a long test passphrase"
_RUNNING: dict = {"check": None}  # the running test's AccessibilityCheck


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright():
    """Playwright's sync API keeps an asyncio event loop in this thread; Django then refuses ORM
    calls from the test body ("You cannot call this from an async context"). Allowed here, for the
    browser tests only (pytest-django runs them one after another, this package's fixtures around
    them), so the rest of the suite keeps Django's guard."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium to run the browser tests"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, pytest.MonkeyPatch.context() as patch:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        # Every page a test opens is checked by axe before the test acts on it (e2e/accessibility.py).
        install(patch, lambda: _RUNNING["check"])
        yield CheckedBrowser(browser, lambda: _RUNNING["check"])
        browser.close()


@pytest.fixture(scope="package")
def _axe_source():
    return axe_script()


@pytest.fixture(autouse=True)
def accessibility(_axe_source):
    """axe-core on every page this test opens; the violations fail the test (pytest_runtest_call)."""
    check = AccessibilityCheck(script=_axe_source)
    _RUNNING["check"] = check
    yield check
    _RUNNING["check"] = None
    check.script = None
    for context in check.contexts:  # contexts a test opened and left open end with it
        try:
            context.close()
        except Exception:  # noqa: BLE001 - closed already
            pass


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a test that passed, check the pages it ends on; then fail it on any axe violation
    (a test that failed already shows them in its output)."""
    check = item.funcargs.get("accessibility")
    try:
        result = yield
    except BaseException:
        # The test failed on its own: axe's findings so far still show, in its captured output.
        if check is not None and check.violations:
            print(check.report())
        raise
    if check is not None and check.script is not None:
        check.check_open_pages()
        check.script = None  # done: closing the contexts at teardown checks nothing again
        if check.violations:
            raise AssertionError(check.report())
    return result


@pytest.fixture
def server(audit_triggers_paused_for_flush, transactional_db, live_server):
    """The live server's base URL, with a database the server thread and the test both see.

    Live-server tests run in transactions of their own, emptied by a flush after each test; the
    append-only audit log's triggers would refuse that flush, so they are paused for the test
    (audit_triggers_paused_for_flush, from bphub/outbox/testing.py, a plugin of the root conftest).
    """
    return live_server.url


# Chromium logs a blocked resource to the console; the DOM event also catches what it may not log.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.effectiveDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    yield context
    context.close()


class ConsoleLog:
    """Every console message and page error, to find Content Security Policy violations."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", lambda message: self.messages.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))

    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m or "Content-Security-Policy" in m]


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_log = ConsoleLog(page)
    yield page
    page.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def totp_code(secret: str, *, not_before_period: int | None = None, max_wait: float = 35.0) -> tuple[str, int]:
    """The current TOTP code and its 30-second period.

    A code works once (allauth remembers a used code in the cache for its period), so a second
    login passes `not_before_period` to wait, at most `max_wait` seconds, for a fresh period.
    """
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    deadline = time.monotonic() + max_wait
    while True:
        period = int(time.time()) // 30
        if not_before_period is None or period > not_before_period:
            # Too close to the end of a period the code may expire in flight: take the next one.
            if 30 - time.time() % 30 >= 2:
                return format_hotp_value(hotp_value(secret, period)), period
        if time.monotonic() > deadline:
            raise AssertionError("no fresh TOTP period came within the wait")
        time.sleep(0.25)

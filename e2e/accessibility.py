"""axe-core (from npm, e2e/package.json) run on every page the browser tests open: WCAG 2.2 AA.

How every page is reached without the tests asking for it: the Playwright actions a test takes on a
page (goto, click, press, check, select_option, reload, close, ...) are wrapped for the browser
tests (`install`): before the action, axe checks the document the page shows, if that document
has not been checked yet. So a page is checked once it is there and before the test leaves it; an
htmx swap marks the document for checking again; the pages a test ends on are checked when it
ends, and a context's pages before it closes. Violations are collected per test and fail it with
one readable list (conftest.py).

(Checking in a route handler while the navigation waits would be simpler, but a sync call from a
route handler blocks until the navigation itself times out.)
"""

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (2.2 added AA criteria only).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Marks the document for a new check after an htmx swap (an init script of every watched context).
RECHECK_AFTER_SWAPS = 'document.addEventListener("htmx:afterSettle", () => { window.__axeChecked = false; });'

RUN_AXE = """
async (tags) => {
  if (window.__axeChecked || document.contentType !== "text/html" || !document.body) return "skip";
  if (typeof window.axe !== "object") return "inject";
  window.__axeChecked = true;
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((node) => node.target.join(" ")),
    html: v.nodes.slice(0, 1).map((node) => node.html.slice(0, 160)),
  }));
}
"""


@dataclass
class Violation:
    url: str
    id: str
    impact: str
    help: str
    targets: list[str]
    html: list[str]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:6]) + (f" (+{len(self.targets) - 6} more)" if len(self.targets) > 6 else "")
        sample = f"\n      e.g. {self.html[0]}" if self.html else ""
        return f"  {self.url}  [{self.id}, {self.impact}] {self.help}: {shown}{sample}"


@dataclass
class AccessibilityCheck:
    """What axe found during one test, and the contexts opened during it."""

    script: str | None
    violations: list[Violation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages_checked: int = 0
    contexts: list = field(default_factory=list)
    seen: set = field(default_factory=set)  # documents checked: address and length of their body

    def check(self, page) -> None:
        """Run axe on the document `page` shows now, unless checked already (or blank, or not HTML)."""
        if self.script is None or page.is_closed() or not page.url.startswith("http"):
            return
        url = page.url
        try:
            # A document seen already in this test, unchanged (the home page between two items), is not checked again.
            seen = page.evaluate("() => location.href + ' ' + (document.body ? document.body.innerHTML.length : 0)")
            if seen in self.seen:
                return
            found = page.evaluate(RUN_AXE, WCAG_TAGS)
            if found == "inject":
                page.evaluate(self.script)
                found = page.evaluate(RUN_AXE, WCAG_TAGS)
        except Exception as error:  # noqa: BLE001 - a page closed or navigated meanwhile: say so, go on
            self.errors.append(f"  {url}: not checked ({type(error).__name__}: {str(error).splitlines()[0]})")
            return
        if found == "skip":
            return
        self.seen.add(seen)
        self.pages_checked += 1
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        for item in found:
            violation = Violation(url=f"/{path}", **item)
            if not any(v.url == violation.url and v.id == violation.id for v in self.violations):
                self.violations.append(violation)

    def watch(self, context) -> None:
        """Check a context's pages before it closes; recheck a document after an htmx swap."""
        context.add_init_script(RECHECK_AFTER_SWAPS)
        self.contexts.append(context)
        close = context.close

        def check_then_close(*args, **kwargs):
            for page in list(context.pages):
                self.check(page)
            return close(*args, **kwargs)

        context.close = check_then_close

    def check_open_pages(self) -> None:
        for context in self.contexts:
            try:
                pages = list(context.pages)
            except Exception:  # noqa: BLE001 - a closed context has no pages
                continue
            for page in pages:
                self.check(page)

    def report(self) -> str:
        lines = [f"axe-core found {len(self.violations)} WCAG 2.2 AA violations ({self.pages_checked} pages checked):"]
        lines += [str(v) for v in self.violations]
        return "\n".join(lines)


def axe_script() -> str | None:
    """axe-core's source, or None when `npm ci --prefix e2e` has not been run (then CI fails)."""
    if AXE_SCRIPT.exists():
        return AXE_SCRIPT.read_text(encoding="utf-8")
    if os.environ.get("CI"):
        raise RuntimeError(f"{AXE_SCRIPT} is missing: run `npm ci --prefix e2e` before the browser tests")
    return None


class CheckedBrowser:
    """The browser, whose every new context is watched by the current test's AccessibilityCheck."""

    def __init__(self, browser, current):
        self._browser = browser
        self._current = current  # a callable returning the running test's AccessibilityCheck (or None)

    def new_context(self, *args, **kwargs):
        context = self._browser.new_context(*args, **kwargs)
        check = self._current()
        if check is not None:
            check.watch(context)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


# The actions that may leave or change a page's document, wrapped to check it first.
ACTIONS = {
    "Page": (
        "goto",
        "reload",
        "go_back",
        "go_forward",
        "click",
        "dblclick",
        "tap",
        "press",
        "check",
        "uncheck",
        "select_option",
        "set_checked",
        "dispatch_event",
        "close",
    ),
    "Locator": (
        "click",
        "dblclick",
        "tap",
        "press",
        "check",
        "uncheck",
        "select_option",
        "set_checked",
        "dispatch_event",
    ),
}


def install(monkeypatch, current) -> None:
    """Wrap ACTIONS so that each first checks its page with `current()`'s AccessibilityCheck."""
    from playwright.sync_api import Locator, Page

    for cls in (Page, Locator):
        for name in ACTIONS[cls.__name__]:
            original = getattr(cls, name)

            @functools.wraps(original)
            def action(self, *args, __original=original, **kwargs):
                check = current()
                if check is not None:
                    check.check(self if isinstance(self, Page) else self.page)
                return __original(self, *args, **kwargs)

            monkeypatch.setattr(cls, name, action)

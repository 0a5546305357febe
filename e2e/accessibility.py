"""axe-core (from npm, e2e/package.json) run on every page the browser tests open: WCAG 2.2 AA.

How every page is reached without the tests asking for it: each browser context the tests open is
routed through `AccessibilityCheck.before_navigation`. When a page is about to leave its document
(a link followed, a form sent, `page.goto`), the navigation request waits while axe checks the
document still shown; the page the test ends on is checked when the test ends (`check_open_pages`).
htmx swaps are checked as part of the document they changed, when it is left or the test ends.
Violations are collected per test and fail it with one readable list (conftest.py).
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (2.2 added AA criteria only).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE = """
async (tags) => {
  if (document.contentType !== "text/html" || !document.body) return null;
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

    def check(self, page) -> None:
        """Run axe on the document `page` shows now (skipped for blank pages and non-HTML documents)."""
        if self.script is None or page.is_closed() or not page.url.startswith("http"):
            return
        url = page.url
        try:
            if not page.evaluate("() => typeof window.axe === 'object'"):
                page.evaluate(self.script)
            found = page.evaluate(RUN_AXE, WCAG_TAGS)
        except Exception as error:  # noqa: BLE001 - a page closed or navigated meanwhile: say so, go on
            self.errors.append(f"  {url}: not checked ({type(error).__name__}: {str(error).splitlines()[0]})")
            return
        if found is None:
            return
        self.pages_checked += 1
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        for item in found:
            violation = Violation(url=f"/{path}", **item)
            if not any(v.url == violation.url and v.id == violation.id for v in self.violations):
                self.violations.append(violation)

    def before_navigation(self, route, request) -> None:
        """Route handler: check the document a page is leaving, then let the navigation go."""
        try:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                self.check(request.frame.page)
        finally:
            route.fallback()

    def watch(self, context) -> None:
        """Check every page of `context` before it leaves a document, and before the context closes."""
        context.route("**/*", self.before_navigation)
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

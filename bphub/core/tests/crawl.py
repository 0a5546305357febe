"""A bounded link crawl through the Django test client: what a person meets by clicking around.

`crawl(client, ...)` starts at `/`, follows every internal `<a href>` breadth-first with GET, and
returns what it found: pages that answered with a server error, and links that lead a person to a
refusal (403, 404, 405, or any other 4xx; for a signed-in person also a redirect to the login page).
Each finding names the page that offered the link, so the broken link can be found and removed.

Bounds keep it well under a minute per reader on SQLite, whatever the size of the data:
- at most `max_pages` requests in all;
- at most `per_pattern` pages per URL pattern and set of query keys (the 30th meeting page is
  built like the 3rd), `per_view` per URL pattern, and no more of a pattern once its pages have
  taken `route_seconds`;
- `?page=` beyond 2 is not followed;
- pages outside the project's own (the Django admin, the API's documentation) and anything that is
  not HTML (PDFs, CSV, calendar feeds) are requested, to check their answer, but not read for links;
- never: signing out, switching the language, static and media files.
"""

import time
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

HOST = "testserver"
LOGIN_PATH = "/accounts/login/"
# Requested to check their answer, never read for more links (not the project's own pages).
CHECK_ONLY_PREFIXES = ("/api/", f"/{settings.ADMIN_URL}")
# Never requested: a link here is not a page to read (or would end the session).
SKIPPED_PREFIXES = ("/accounts/logout/", "/i18n/", settings.STATIC_URL, settings.MEDIA_URL)
BODY_LIMIT = 2 * 1024 * 1024  # a download is read this far, then dropped


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    """Every `<a href>` of a page, in document order."""
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


@dataclass
class Finding:
    reader: str
    linked_from: str
    link: str
    status: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"[{self.reader}] {self.linked_from} -> {self.link}: {self.status}{detail}"


@dataclass
class CrawlReport:
    reader: str
    visited: list[str] = field(default_factory=list)
    server_errors: list[Finding] = field(default_factory=list)
    broken_links: list[Finding] = field(default_factory=list)
    capped: int = 0  # links not followed because their pattern had had its share
    timings: list[tuple[float, str]] = field(default_factory=list)  # (seconds, url), to find slow pages

    def findings(self) -> list[str]:
        """Every server error, then every broken link grouped by where it leads (route and status)."""
        lines = [str(f) for f in self.server_errors]
        groups: dict[tuple[str, str], list[Finding]] = {}
        for finding in self.broken_links:
            groups.setdefault((_pattern(finding.link)[0], finding.status), []).append(finding)
        for group in groups.values():
            more = f" (and {len(group) - 1} more links like it)" if len(group) > 1 else ""
            lines.append(f"{group[0]}{more}")
        return lines

    def summary(self) -> str:
        routes = len({_pattern(url)[0] for url in self.visited})
        return (
            f"{self.reader}: {len(self.visited)} pages of {routes} routes, {len(self.server_errors)} server errors, "
            f"{len(self.broken_links)} broken links, {self.capped} links left by the caps"
        )


def _normalise(href: str, base: str) -> str | None:
    """The path and query of an internal link (query keys sorted), or None when not to be followed."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(f"http://{HOST}{base}", href))
    if parts.scheme not in ("http", "https") or parts.hostname != HOST:
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES):
        return None
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in query:
        if key == "page" and not (value.isdigit() and int(value) <= 2):
            return None
    return path + (f"?{urlencode(query)}" if query else "")


def _pattern(url: str) -> tuple[str, str]:
    """(URL pattern, query keys) of a link: how the caps group pages built alike."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
        view = match.route or match.view_name
    except Resolver404:
        view = parts.path
    keys = ",".join(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)} - {"page"}))
    return view, keys


def _read(response) -> bytes:
    if not getattr(response, "streaming", False):
        return response.content
    chunks, size = [], 0
    for chunk in response.streaming_content:
        chunks.append(chunk)
        size += len(chunk)
        if size >= BODY_LIMIT:
            break
    return b"".join(chunks)


def _error_detail(response) -> str:
    exc_info = getattr(response, "exc_info", None)
    if exc_info and exc_info[1] is not None:
        return f"{type(exc_info[1]).__name__}: {exc_info[1]}"[:300]
    return ""


def crawl(
    client,
    *,
    reader: str,
    signed_in: bool,
    start: str = "/",
    max_pages: int = 200,
    per_pattern: int = 3,
    per_view: int = 6,
    route_seconds: float = 1.5,
) -> CrawlReport:
    """Breadth-first from `start` over internal links with `client` (raise_request_exception=False).

    A route whose pages have taken `route_seconds` in all is not followed further (the slot finder
    of a large meeting takes seconds a page; its first page is still checked)."""
    report = CrawlReport(reader=reader)
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    seen = {start}
    per_key: Counter = Counter()
    per_route: Counter = Counter()
    route_time: Counter = Counter()
    while queue and len(report.visited) < max_pages:
        url, linked_from = queue.popleft()
        view, keys = _pattern(url)
        if per_key[(view, keys)] >= per_pattern or per_route[view] >= per_view or route_time[view] >= route_seconds:
            report.capped += 1
            continue
        per_key[(view, keys)] += 1
        per_route[view] += 1
        started = time.perf_counter()
        response = client.get(url)
        body = _read(response)
        took = time.perf_counter() - started
        route_time[view] += took
        report.timings.append((took, url))
        report.visited.append(url)
        status = response.status_code
        if status >= 500:
            report.server_errors.append(Finding(reader, linked_from, url, str(status), _error_detail(response)))
            continue
        if status >= 400:
            report.broken_links.append(Finding(reader, linked_from, url, str(status)))
            continue
        if status in (301, 302, 303, 307, 308):
            target = _normalise(response.headers.get("Location", ""), url)
            if target is None:
                continue
            if signed_in and target.startswith(LOGIN_PATH):
                report.broken_links.append(Finding(reader, linked_from, url, f"{status} to the login page"))
                continue
            if target not in seen:
                seen.add(target)
                queue.append((target, linked_from))
            continue
        content_type = response.headers.get("Content-Type", "")
        if not content_type.startswith("text/html") or url.startswith(CHECK_ONLY_PREFIXES):
            continue
        for href in links_of(body.decode(response.charset or "utf-8", errors="replace")):
            target = _normalise(href, url)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append((target, url))
    report.capped += len(queue)
    return report

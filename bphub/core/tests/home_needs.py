"""Reading the home page's "What needs you" section as a person sees it (shared by the tests of the
modules that fill it). It reads the markup contract the browser tests rely on too:
section.needs > ul.needs-list > li.need[data-need] > a, span.need-count, span.need-due;
p.needs-empty (and ul.first-steps) when nothing needs the person."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ShownNeed:
    key: str
    title: str = ""
    url: str = ""
    count: int = 0
    due: str = ""
    due_datetime: str = ""
    severity: str = ""
    note: str = ""


@dataclass
class NeedsSection:
    found: bool = False
    needs: list[ShownNeed] = field(default_factory=list)
    empty_text: str = ""
    first_steps: list[tuple[str, str]] = field(default_factory=list)  # (key, url)

    @property
    def is_empty(self) -> bool:
        return self.found and not self.needs and bool(self.empty_text)

    def keys(self) -> list[str]:
        return [need.key for need in self.needs]

    def of(self, key: str) -> list[ShownNeed]:
        return [need for need in self.needs if need.key == key]

    def one(self, key: str) -> ShownNeed:
        (need,) = self.of(key)
        return need


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.result = NeedsSection()
        self.depth = 0  # inside section.needs when > 0
        self.field = None  # "title", "count", "due", "note", "empty", "step"
        self.need = None
        self.step = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "section" and "needs" in classes:
            self.result.found = True
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "section":
            self.depth += 1
        if tag == "li" and "need" in classes:
            self.need = ShownNeed(key=attrs.get("data-need", ""), severity=attrs.get("data-severity", ""))
            self.result.needs.append(self.need)
        elif tag == "li" and attrs.get("data-step"):
            self.step = attrs["data-step"]
        elif tag == "a" and self.need is not None and not self.need.url:
            self.need.url, self.field = attrs.get("href", ""), "title"
        elif tag == "a" and self.step is not None:
            self.result.first_steps.append((self.step, attrs.get("href", "")))
        elif tag == "span" and self.need is not None:
            self.field = {"need-count": "count", "need-due": "due", "need-note": "note"}.get(
                next((c for c in classes if c.startswith("need-")), ""), self.field
            )
        elif tag == "time" and self.need is not None:
            self.need.due_datetime = attrs.get("datetime", "")
        elif tag == "p" and "needs-empty" in classes:
            self.field = "empty"

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "section":
            self.depth -= 1
        elif tag == "li":
            self.need, self.step, self.field = None, None, None
        elif tag in ("a", "p", "span"):  # a <time> inside the due date keeps it open
            self.field = None

    def handle_data(self, data):
        if not self.depth or self.field is None:
            return
        if self.field == "empty":
            self.result.empty_text += data
        elif self.need is not None:
            if self.field == "count":
                self.need.count = int(data.strip() or 0)
            else:
                setattr(self.need, self.field, getattr(self.need, self.field) + data)


def read_needs(html: str) -> NeedsSection:
    """The "What needs you" section of a page (`found` is False when the page has none)."""
    reader = _Reader()
    reader.feed(html)
    result = reader.result
    for need in result.needs:
        need.title, need.due, need.note = (" ".join(text.split()) for text in (need.title, need.due, need.note))
    result.empty_text = " ".join(result.empty_text.split())
    return result


def home_needs(client) -> NeedsSection:
    """The home page as `client`'s person sees it, read as above; the page must answer 200."""
    response = client.get("/")
    assert response.status_code == 200
    return read_needs(response.content.decode())

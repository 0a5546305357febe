"""HTML to PDF with WeasyPrint, for the task worker only.

WeasyPrint is imported here at the top on purpose: it costs ~1.6 s and ~40 MiB per process, so no
module a web request imports may import this one (bphub/meetings/tests/test_pack_pdf.py checks
that a web process never has `weasyprint` in sys.modules). The task (bphub.meetings.tasks) imports
it inside its body.
"""

import weasyprint
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher


class _NoFetch(URLFetcher):
    """The pack needs nothing from the network or the disk: its stylesheet is passed as text."""

    def fetch(self, url, headers=None):
        raise ValueError(f"The pre-briefing pack does not fetch {url}")


def html_to_document(html: str, *, base_url: str) -> weasyprint.document.Document:
    """`html` laid out in pages, styled by static/css/prebriefing.css (what the PDF is written from)."""
    fetcher = _NoFetch()
    with open(finders.find("css/prebriefing.css"), encoding="utf-8") as css:
        stylesheet = weasyprint.CSS(string=css.read(), url_fetcher=fetcher)
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=[stylesheet])


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """`html` as a PDF, styled by static/css/prebriefing.css; relative links resolve against `base_url`."""
    return html_to_document(html, base_url=base_url).write_pdf()

"""Pre-briefing PDFs: made by the task worker, kept in file storage under the digest of their HTML.

The request builds the reader's pack and its HTML (`prebriefing.pack_source`, every part through
the policy) and asks for the PDF of that HTML's digest:

- stored already (`pack_pdf_bytes`) -> served; readers whose packs hold the same content share it;
- otherwise the HTML is put in storage and `render_pack_pdf` is queued; the request answers at once
  with a "being prepared" page, whose refreshes only look at the render's state (`pack_pdf_status`);
- the worker turns that HTML into `meetings/packs/<digest>.pdf` (`pack_pdf_render`).

A PDF is only ever looked up under the digest of the HTML the current request built for its
reader, so nobody is served a PDF of content other than their own. Files live in the default
storage (shared by every app server and worker: a shared volume or object storage); the id of the
queued task lives in the cache (shared too: Redis or the database cache), only so the page can
tell "being prepared" from "failed". Files older than KEEP_FOR are deleted after each render.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from bphub.meetings.prebriefing import GENERATED_PLACEHOLDER, PackSource
from bphub.meetings.tasks import render_pack_pdf

logger = logging.getLogger(__name__)

PACKS_DIR = "meetings/packs"
KEEP_FOR = timedelta(days=1)
# Past this, the page says the PDF is taking longer than usual (no worker free, or none running).
SLOW_AFTER = timedelta(seconds=60)
_TASK_KEY = "prebriefing-pdf-task:"


class PdfState(StrEnum):
    READY = "ready"
    PREPARING = "preparing"
    FAILED = "failed"
    UNKNOWN = "unknown"  # no render known for this digest (never asked, or forgotten): ask again


@dataclass(frozen=True)
class PdfStatus:
    state: PdfState
    queued_at: datetime | None = None

    def is_slow(self, now: datetime | None = None) -> bool:
        return self.queued_at is not None and (now or timezone.now()) - self.queued_at > SLOW_AFTER


class PackSourceMissing(Exception):
    """The HTML a render was queued for is not in storage (deleted, or not the digest's)."""


def _pdf_name(digest: str) -> str:
    return f"{PACKS_DIR}/{digest}.pdf"


def _html_name(digest: str) -> str:
    return f"{PACKS_DIR}/{digest}.html"


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except (FileNotFoundError, OSError):
        return None


def _store_once(name: str, content: bytes) -> None:
    """Store `content` under `name` unless a file is there (with a digest for a name, it is the same)."""
    if default_storage.exists(name):
        return
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another process stored it meanwhile; the storage gave ours another name
        default_storage.delete(saved)


def pack_pdf_bytes(digest: str) -> bytes | None:
    """The stored PDF of the HTML with this digest, or None when there is none (or it is still being
    written: a PDF is whole only once it ends with its %%EOF marker)."""
    pdf = _read(_pdf_name(digest))
    if pdf is None or not pdf.rstrip().endswith(b"%%EOF"):
        return None
    return pdf


def pack_pdf_status(digest: str) -> PdfStatus:
    """Where the PDF of this digest stands: stored, being prepared (queued or running), failed, or unknown."""
    if pack_pdf_bytes(digest) is not None:
        return PdfStatus(PdfState.READY)
    result_id = cache.get(_TASK_KEY + digest)
    if result_id is None:
        return PdfStatus(PdfState.UNKNOWN)
    try:
        result = render_pack_pdf.get_result(result_id)
    except TaskResultDoesNotExist:
        return PdfStatus(PdfState.UNKNOWN)
    if result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
        return PdfStatus(PdfState.PREPARING, queued_at=result.enqueued_at)
    if result.status == TaskResultStatus.FAILED:
        return PdfStatus(PdfState.FAILED)
    # Successful, yet no file: it was pruned (or storage lost it). Ask again.
    return PdfStatus(PdfState.UNKNOWN)


def pack_pdf_request(*, source: PackSource, base_url: str, retry: bool = False) -> PdfStatus:
    """Make sure the PDF of `source` is stored or on its way, and say where it stands.

    Queues a render when none is known for the digest, and, with `retry`, when the last one failed
    (a failed render is not tried again by itself: the reader asks). The HTML goes to storage for
    the worker; the task carries only the digest, so no pack content sits in the task table.
    """
    status = pack_pdf_status(source.digest)
    if status.state in (PdfState.READY, PdfState.PREPARING):
        return status
    if status.state == PdfState.FAILED and not retry:
        return status
    _store_once(_html_name(source.digest), source.html.encode())
    result = render_pack_pdf.enqueue(digest=source.digest, generated_label=source.generated_label, base_url=base_url)
    cache.set(_TASK_KEY + source.digest, result.id, int(KEEP_FOR.total_seconds()))
    return PdfStatus(PdfState.PREPARING, queued_at=result.enqueued_at)


def pack_pdf_render(*, digest: str, generated_label: str, base_url: str, now: datetime | None = None) -> int:
    """Turn the stored HTML of `digest` into its stored PDF (worker side). Returns the PDF's size.

    Does nothing when the PDF is there already (a second task for the same content). Raises
    PackSourceMissing when the HTML is gone or is not the digest's; WeasyPrint's errors pass through.
    """
    existing = pack_pdf_bytes(digest)
    if existing is not None:
        return len(existing)
    html = _read(_html_name(digest))
    if html is None or hashlib.sha256(html).hexdigest() != digest:
        raise PackSourceMissing(f"No stored HTML for the pre-briefing PDF {digest}.")
    from bphub.meetings.pdf import html_to_pdf  # WeasyPrint: the worker's, never a web process's

    text = html.decode().replace(GENERATED_PLACEHOLDER, generated_label)
    pdf = html_to_pdf(text, base_url=base_url)
    _store_once(_pdf_name(digest), pdf)
    default_storage.delete(_html_name(digest))
    pack_files_prune(now=now)
    return len(pdf)


def pack_files_prune(*, now: datetime | None = None) -> int:
    """Delete stored pack PDFs and HTML older than KEEP_FOR. Returns how many. Safe to run anywhere:
    a pruned PDF is made again when asked for."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    try:
        _dirs, names = default_storage.listdir(PACKS_DIR)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        path = f"{PACKS_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
        except FileNotFoundError:
            continue  # pruned by another worker meanwhile
    return deleted

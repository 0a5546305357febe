"""Meeting documents: uploads checked by their content, versions, and text extracted for search.

- An upload is accepted by what its bytes are, never by its name: `upload_check` sniffs the
  content (the `filetype` library, then a look inside ZIP containers and a strict check of plain
  text) and refuses anything else, naming the file and what it really is.
- A document keeps every version; a new upload becomes version n+1 and the current one, and the
  older versions stay downloadable.
- The text of each version is extracted for search (PDF, Word, PowerPoint, Excel, OpenDocument,
  plain text; at most EXTRACTED_TEXT_CAP characters). Files up to EXTRACT_INLINE_MAX bytes are
  read inline, in the upload's transaction, so the document is findable the moment the page
  answers; larger ones in a task enqueued on commit (`document_version_extract`). A file that
  cannot be parsed is still accepted, with no text and a note saying so.
"""

import codecs
import hashlib
import logging
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _

from bphub.communications.models import Topic
from bphub.communications.services import notify
from bphub.core.archives import ArchiveTooLarge, check_zip_expansion
from bphub.core.audit import audit_record
from bphub.core.models import Classification
from bphub.directory.text import fold
from bphub.meetings.models import (
    Delegation,
    Document,
    DocumentVersion,
    Meeting,
    classification_is_within,
)
from bphub.meetings.permissions import can_manage_meeting
from bphub.meetings.services.common import meeting_touch
from bphub.meetings.services.outcomes import released_beyond_meeting

logger = logging.getLogger(__name__)

MB = 1024 * 1024
DOCUMENT_MAX_SIZE = 25 * MB
EXTRACT_INLINE_MAX = 4 * MB  # larger files are read by a task after the upload commits
EXTRACTED_TEXT_CAP = 1_000_000  # characters kept per version
ZIP_MAX_UNCOMPRESSED = 100 * MB  # what an office document may really expand to
ZIP_MAX_RATIO = 150  # and by how much (real documents compress ~3-20x)
ZIP_MAX_ENTRIES = 20_000

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
TEXT = "text/plain"
CSV = "text/csv"
PNG = "image/png"
JPEG = "image/jpeg"
ZIP = "application/zip"

# What each accepted type is called on screen, and its usual extension.
TYPE_NAMES = {
    PDF: ("PDF", "pdf"),
    DOCX: ("Word (.docx)", "docx"),
    XLSX: ("Excel (.xlsx)", "xlsx"),
    PPTX: ("PowerPoint (.pptx)", "pptx"),
    ODT: ("OpenDocument text (.odt)", "odt"),
    ODS: ("OpenDocument spreadsheet (.ods)", "ods"),
    ODP: ("OpenDocument presentation (.odp)", "odp"),
    TEXT: ("plain text", "txt"),
    CSV: ("CSV", "csv"),
    PNG: ("PNG image", "png"),
    JPEG: ("JPEG image", "jpg"),
}
DOCUMENT_TYPES = frozenset(TYPE_NAMES)
OOXML_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
ODF_TYPES = {ODT, ODS, ODP}
ZIP_CONTAINERS = {DOCX, XLSX, PPTX, *ODF_TYPES}
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    size: int
    sha256: str
    extension: str


def type_names(allowed) -> str:
    return ", ".join(str(TYPE_NAMES[mime][0]) for mime in sorted(allowed, key=lambda m: TYPE_NAMES[m][0]))


def _chunks(upload):
    upload.seek(0)
    if hasattr(upload, "chunks"):
        yield from upload.chunks(CHUNK)
    else:
        while chunk := upload.read(CHUNK):
            yield chunk


def _refuse(name: str, reason: str) -> ValidationError:
    return ValidationError(_("“%(name)s” was refused: %(reason)s") % {"name": name, "reason": reason}, code="file")


def _zip_expansion_refusal(source, name: str, size: int) -> ValidationError | None:
    """Why the ZIP container `source` must not be opened by a parser, or None when it may.

    Measured by the bytes that really come out (`check_zip_expansion`), never by the sizes its
    directory states: a crafted file says 1 KB per entry and inflates to hundreds of MB.
    """
    try:
        expanded = check_zip_expansion(source, ZIP_MAX_UNCOMPRESSED, max_entries=ZIP_MAX_ENTRIES)
    except ArchiveTooLarge as error:
        if error.expanded <= error.limit:  # stopped by the number of entries, not by the bytes
            return _refuse(
                name, _("it is an archive of more than %(count)d files, not a document.") % {"count": ZIP_MAX_ENTRIES}
            )
        return _refuse(
            name,
            _("it would expand to more than %(size)d MB, far more than any real document (a “ZIP bomb”?).")
            % {"size": ZIP_MAX_UNCOMPRESSED // MB},
        )
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        # Damaged, encrypted or of an unknown compression: no parser could read it either.
        return _refuse(name, _("it looks like a ZIP archive but cannot be opened."))
    if expanded > 10 * MB and expanded / max(size, 1) > ZIP_MAX_RATIO:
        return _refuse(
            name,
            _("it would expand to %(size)d MB from %(packed).1f MB, far more than any real document (a “ZIP bomb”?).")
            % {"size": expanded // MB, "packed": size / MB},
        )
    return None


def _inspect_zip(upload, name: str) -> str:
    """The office document type inside a ZIP container; refuses any other ZIP, and ZIP bombs."""
    upload.seek(0)
    refusal = _zip_expansion_refusal(upload, name, upload.size)
    if refusal is not None:
        raise refusal
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(name, _("it looks like a ZIP archive but cannot be opened.")) from None
    names = {entry.filename for entry in entries}
    if "mimetype" in names:
        with archive.open("mimetype") as stream:
            declared = stream.read(100).decode("ascii", "replace").strip()
        if declared in ODF_TYPES:
            return declared
    if "[Content_Types].xml" in names:
        if any(entry.lower().endswith("vbaproject.bin") for entry in names):
            raise _refuse(name, _("it contains macros; save it without macros (.docx, .xlsx or .pptx)."))
        for part, mime in OOXML_MAIN_PARTS.items():
            if part in names:
                return mime
    raise _refuse(
        name,
        _("it is a ZIP archive, not a Word, Excel, PowerPoint or OpenDocument file. Upload the documents one by one."),
    )


def _is_plain_text(upload) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in _chunks(upload):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def upload_check(upload, *, allowed=DOCUMENT_TYPES, max_size=DOCUMENT_MAX_SIZE) -> Sniffed:
    """What the uploaded file really is, by its content; raises ValidationError (naming the file, and
    the type detected) for a file that is empty, too large, or of a type not in `allowed`."""
    name = getattr(upload, "name", "") or _("the file")
    size = upload.size
    if not size:
        raise _refuse(name, _("it is empty."))
    if size > max_size:
        raise _refuse(
            name,
            _("it is %(size).1f MB; the limit is %(limit)d MB.") % {"size": size / MB, "limit": max_size // MB},
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is None:
        if not _is_plain_text(upload):
            raise _refuse(
                name,
                _("its content is not a recognised document type (nor plain UTF-8 text). Accepted: %(types)s.")
                % {"types": type_names(allowed)},
            )
        content_type = CSV if name.lower().endswith(".csv") else TEXT
    elif kind.mime == ZIP or kind.mime in {DOCX, XLSX, PPTX, ODT, ODS, ODP}:
        content_type = _inspect_zip(upload, name)
    else:
        content_type = kind.mime
    if content_type not in allowed:
        detected = f"{kind.extension.upper()} ({kind.mime})" if kind and kind.mime == content_type else content_type
        raise _refuse(
            name,
            _("its content is %(detected)s, whatever its name says. Accepted: %(types)s.")
            % {"detected": detected, "types": type_names(allowed)},
        )
    digest = hashlib.sha256()
    for chunk in _chunks(upload):
        digest.update(chunk)
    upload.seek(0)
    return Sniffed(
        content_type=content_type, size=size, sha256=digest.hexdigest(), extension=TYPE_NAMES[content_type][1]
    )


def stored_name(sniffed: Sniffed) -> str:
    """Files are stored under a random name; the original name is kept for downloads."""
    return f"{uuid.uuid4().hex}.{sniffed.extension}"


def original_name(upload) -> str:
    name = (getattr(upload, "name", "") or "document").replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[\x00-\x1f\x7f]", "", name)[:255] or "document"


# -- text extraction ------------------------------------------------------------------------


class _Capped:
    """Collects text until the cap, then stops the reader (raises _Full)."""

    class Full(Exception):
        pass

    def __init__(self, cap=EXTRACTED_TEXT_CAP):
        self.parts, self.length, self.cap = [], 0, cap

    def add(self, text) -> None:
        if not text:
            return
        text = str(text)
        self.parts.append(text)
        self.length += len(text) + 1
        if self.length >= self.cap:
            raise self.Full

    def text(self) -> str:
        return "\n".join(self.parts)[: self.cap]


def _pdf(stream, out: _Capped) -> None:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    for page in PdfReader(stream).pages:
        out.add(page.extract_text())


def _docx(stream, out: _Capped) -> None:
    import docx

    document = docx.Document(stream)
    for paragraph in document.paragraphs:
        out.add(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            out.add(" ".join(cell.text for cell in row.cells))


def _pptx(stream, out: _Capped) -> None:
    import pptx

    for slide in pptx.Presentation(stream).slides:
        for shape in slide.shapes:
            if getattr(shape, "has_text_frame", False):
                out.add(shape.text_frame.text)


def _xlsx(stream, out: _Capped) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                out.add(" ".join(str(value) for value in row if value is not None))
    finally:
        workbook.close()


_TAG = re.compile(r"<[^>]*>")


def _odf(stream, out: _Capped) -> None:
    # Tags stripped by pattern rather than parsed: no XML parser, so no entity tricks.
    with zipfile.ZipFile(stream) as archive:
        xml = archive.read("content.xml")[: EXTRACTED_TEXT_CAP * 4].decode("utf-8", "replace")
    xml = re.sub(r"</text:(p|h)>", "\n", xml)
    import html

    out.add(html.unescape(_TAG.sub(" ", xml)))


def _text(stream, out: _Capped) -> None:
    out.add(stream.read(EXTRACTED_TEXT_CAP * 4).decode("utf-8-sig", "replace"))


EXTRACTORS = {
    PDF: _pdf,
    DOCX: _docx,
    PPTX: _pptx,
    XLSX: _xlsx,
    ODT: _odf,
    ODS: _odf,
    ODP: _odf,
    TEXT: _text,
    CSV: _text,
}


def text_extract(stream, content_type: str) -> tuple[str, str]:
    """(text, note): the text of a file for search, at most EXTRACTED_TEXT_CAP characters. A file
    that cannot be read gives no text and a note; images have no text and no note."""
    extractor = EXTRACTORS.get(content_type)
    if extractor is None:
        return "", ""
    if content_type in ZIP_CONTAINERS:
        # Also for versions stored before uploads were measured this way: no parser opens a bomb.
        # (A damaged container is left to the parser, which fails and says so below.)
        try:
            check_zip_expansion(stream, ZIP_MAX_UNCOMPRESSED, max_entries=ZIP_MAX_ENTRIES)
        except ArchiveTooLarge:
            logger.warning("Not extracting text from a ZIP container (%s) that expands too far.", content_type)
            return "", _("Its text was not read: the file expands to far more than any real document.")
        except Exception:  # noqa: BLE001, S110 - damaged: the parser reports it
            pass
    out = _Capped()
    try:
        extractor(stream, out)
    except _Capped.Full:
        return out.text(), _("Only the first part of the text is searchable (the file is very long).")
    except Exception as error:  # noqa: BLE001 - any parser failure: accept the file, say so
        logger.info("Could not extract text (%s): %s", content_type, error)
        return "", _("Its text could not be read, so it is not found by words inside it (only by title).")
    return out.text().replace("\x00", ""), ""


def document_search_text(document: Document, extracted: str) -> str:
    titles = " ".join(text for text in (document.title or {}).values() if text)
    return f"{fold(titles)}\n{fold(extracted)}".strip()


def _version_extract(version: DocumentVersion) -> str:
    version.file.open("rb")
    try:
        text, note = text_extract(version.file, version.content_type)
    finally:
        version.file.close()
    version.extracted_text = text
    version.save(update_fields=["extracted_text"])
    document = version.document
    if document.current_version_id == version.pk:
        Document.objects.filter(pk=document.pk).update(search_text=document_search_text(document, text))
    return note


@task()
def document_version_extract(*, version_id: int) -> str:
    """Extract the text of a large upload after it committed (safe to run again)."""
    version = DocumentVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None:
        return "gone"
    with transaction.atomic():
        note = _version_extract(version)
    return note or "done"


# -- writes ---------------------------------------------------------------------------------


@dataclass
class Uploaded:
    document: Document
    version: DocumentVersion
    note: str  # about the extracted text ("" when all is well); the page shows it to the uploader


def classification_choices(meeting: Meeting) -> list[tuple[str, str]]:
    """The classifications a document of `meeting` may have: never wider than the meeting's, and
    body-level only where the meeting names a body."""
    return [
        (value, label)
        for value, label in Classification.choices
        if classification_is_within(value, meeting.classification)
        and (value != Classification.BODY or meeting.body_id or meeting.group_id)
    ]


def _version_store(*, document: Document, number: int, upload, sniffed: Sniffed, actor, note: str) -> tuple:
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=original_name(upload),
        content_type=sniffed.content_type,
        size=sniffed.size,
        sha256=sniffed.sha256,
        note=(note or "").strip()[:300],
        uploaded_by=actor,
    )
    upload.seek(0)
    version.file.save(stored_name(sniffed), upload, save=False)
    version.save()
    document.current_version = version
    document.save(update_fields=["current_version", "updated_at"])
    extraction_note = ""
    if sniffed.size <= EXTRACT_INLINE_MAX:
        extraction_note = _version_extract(version)
    else:
        Document.objects.filter(pk=document.pk).update(search_text=document_search_text(document, ""))
        transaction.on_commit(lambda: document_version_extract.enqueue(version_id=version.pk))
        extraction_note = _("The file is large: its text becomes searchable in a minute or two.")
    return version, extraction_note


def _check_manager(actor, meeting: Meeting) -> None:
    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied


def _participants_to_tell(meeting: Meeting):
    """Approved delegates with an account, and the coordinators of invited members."""
    from bphub.accounts.models import Role, User

    delegates = User.objects.filter(
        is_active=True,
        focal_point__delegate_seats__delegation__meeting=meeting,
        focal_point__delegate_seats__delegation__status=Delegation.Status.APPROVED,
    )
    coordinators = User.objects.filter(
        is_active=True,
        role=Role.MEMBER_COORDINATOR,
        member__delegations__meeting=meeting,
        member__delegations__status__in=[
            Delegation.Status.INVITED,
            Delegation.Status.SUBMITTED,
            Delegation.Status.RETURNED,
            Delegation.Status.APPROVED,
        ],
    )
    return [*delegates, *coordinators]


@transaction.atomic
def document_upload(
    *,
    meeting: Meeting,
    actor,
    upload,
    doc_type: str,
    title: dict,
    language: str,
    classification: str,
    is_key: bool = False,
    released_to=None,
    note: str = "",
) -> Uploaded:
    """Add a document to `meeting` with its first version.

    The file is checked by content (`upload_check`); the classification may not be wider than the
    meeting's; a restricted document is released to `released_to` (default: the meeting's members),
    which may not name a member the restricted meeting is not released to. The invited members'
    coordinators and the approved delegates who may read it are told (topic DOCUMENT) on commit.
    Raises ValidationError (nothing is stored) and PermissionDenied for someone who does not
    manage the meeting.
    """
    _check_manager(actor, meeting)
    sniffed = upload_check(upload)
    if language not in {code for code, _name in settings.CONTENT_LANGUAGES}:
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    if classification not in dict(classification_choices(meeting)):
        raise ValidationError(
            {"classification": _("A document cannot be read more widely than its meeting. Choose one offered.")}
        )
    document = Document(
        meeting=meeting,
        group=meeting.group,
        doc_type=doc_type,
        title=title or {},
        language=language,
        classification=classification,
        originator=meeting.originator,
        body=(meeting.body or meeting.group) if classification == Classification.BODY else meeting.body,
        is_key=bool(is_key),
        created_by=actor,
    )
    document.full_clean(exclude=["current_version", "search_text"])
    document.save()
    if classification == Classification.RESTRICTED:
        meeting_members = list(meeting.released_to.all())
        chosen = list(released_to) if released_to else meeting_members
        wider = released_beyond_meeting(meeting, chosen)
        if wider:
            raise ValidationError(
                {
                    "released_to": _("The meeting is not released to %(members)s, so its documents cannot be.")
                    % {"members": ", ".join(wider)}
                }
            )
        document.released_to.set(chosen)
    version, extraction_note = _version_store(
        document=document, number=1, upload=upload, sniffed=sniffed, actor=actor, note=note
    )
    audit_record(
        verb="document.uploaded",
        actor=actor,
        target=document,
        meeting=meeting.pk,
        version=1,
        content_type=sniffed.content_type,
        size=sniffed.size,
        sha256=sniffed.sha256,
        classification=classification,
    )
    meeting_touch(meeting.pk)
    if meeting.status == Meeting.Status.DRAFT:
        # A draft is seen only by its managers: its documents are found on its page once announced.
        return Uploaded(document=document, version=version, note=extraction_note)
    url = document.get_absolute_url()
    transaction.on_commit(
        lambda: notify(
            users=_participants_to_tell(meeting),
            topic=Topic.DOCUMENT,
            verb="document.uploaded",
            title=document.__str__,  # in each reader's language
            url=url,
            target=document,
        )
    )
    return Uploaded(document=document, version=version, note=extraction_note)


@transaction.atomic
def document_version_add(*, document: Document, actor, upload, note: str = "") -> Uploaded:
    """Store `upload` as the next version of `document`, which becomes current; older versions are
    kept and stay downloadable. Raises ValidationError (file refused, nothing stored) and
    PermissionDenied for someone who does not manage the document's meeting."""
    if document.meeting_id is None:
        raise PermissionDenied
    _check_manager(actor, document.meeting)
    sniffed = upload_check(upload)
    locked = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version, extraction_note = _version_store(
        document=locked, number=number, upload=upload, sniffed=sniffed, actor=actor, note=note
    )
    audit_record(
        verb="document.version_added",
        actor=actor,
        target=locked,
        version=number,
        content_type=sniffed.content_type,
        size=sniffed.size,
        sha256=sniffed.sha256,
    )
    meeting_touch(locked.meeting_id)
    return Uploaded(document=locked, version=version, note=extraction_note)

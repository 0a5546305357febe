"""Meeting and body documents: their metadata and the current version's file.

Read through the same policy as the rest of the secretariat hub (`bphub.api.routes.meetings`): a
document you may not read, or one of a meeting you may not read, answers 404. Reads and downloads
of restricted and secretariat documents are written to the audit log.
"""

from datetime import datetime

from django.http import FileResponse, Http404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from bphub.api.auth import AUTH_OPTIONAL, OPTIONAL_SECURITY
from bphub.api.pagination import PageNumberPagination
from bphub.api.routes.meetings import _api_url, _documents, _get_document, _meeting_read, _page_url
from bphub.api.schemas import ErrorOut, LocalizedOut, display
from bphub.api.types import RecordId
from bphub.core.audit import audit_sensitive_read
from bphub.meetings.models import Document

router = Router(tags=["meetings"], auth=AUTH_OPTIONAL)


# --- documents --------------------------------------------------------------------------------
class DocumentOut(Schema):
    id: int
    meeting: int | None = Field(description="Id of the meeting it belongs to.")
    group: str | None = Field(description="Code of the body it belongs to.")
    doc_type: Document.Type
    title: dict[str, str]
    title_display: LocalizedOut
    language: str
    classification: str
    is_key: bool = Field(description="Included in pre-briefing packs.")
    version: int | None = Field(description="Number of the current version.")
    size: int | None = Field(description="Bytes of the current version.")
    content_type: str | None = Field(description="As checked from the content, not the name.")
    file_name: str | None
    download_url: str | None = Field(description="The current version's file (null when there is none).")
    url: str = Field(description="The document's page on the hub.")
    updated_at: datetime

    @staticmethod
    def resolve_meeting(obj):
        return obj.meeting_id

    @staticmethod
    def resolve_group(obj):
        return obj.group.code if obj.group_id else None

    @staticmethod
    def resolve_title_display(obj, context):
        return display(obj.title, context)

    @staticmethod
    def resolve_version(obj):
        return obj.current_version.number if obj.current_version_id else None

    @staticmethod
    def resolve_size(obj):
        return obj.current_version.size if obj.current_version_id else None

    @staticmethod
    def resolve_content_type(obj):
        return obj.current_version.content_type if obj.current_version_id else None

    @staticmethod
    def resolve_file_name(obj):
        return obj.current_version.original_name if obj.current_version_id else None

    @staticmethod
    def resolve_download_url(obj, context):
        if not obj.current_version_id:
            return None
        return _api_url(context, "document_download", document_id=obj.pk)

    @staticmethod
    def resolve_url(obj, context):
        return _page_url(obj, context)


@router.get("/meetings/{meeting_id}/documents", response={200: list[DocumentOut], 404: ErrorOut},
            url_name="meeting_documents", openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def meeting_documents(request, meeting_id: RecordId):
    """The meeting's documents that you may read (approved participants read them all but the
    secretariat's), by type. 404 when you may not read the meeting."""
    record = _meeting_read(request, meeting_id)
    return (
        _documents(request.auth).filter(meeting=record).select_related("group", "current_version")
        .order_by("doc_type", "id")
    )


@router.get("/documents/{document_id}", response={200: DocumentOut, 404: ErrorOut}, url_name="document_detail",
            openapi_extra=OPTIONAL_SECURITY)
def document(request, document_id: RecordId):
    """One document's metadata; 404 when it does not exist or you may not read it. Reads of
    restricted and secretariat documents are written to the audit log."""
    record = _get_document(request.auth, document_id)
    audit_sensitive_read(user=request.auth, record=record, request=request, via="api")
    return record


DOWNLOAD_OPENAPI = {
    **OPTIONAL_SECURITY,
    # The file's own content type (application/pdf, …): */* says so, octet-stream lets clients read bytes.
    "responses": {200: {"description": "The file of the current version, as an attachment.",
                        "content": {media: {"schema": {"type": "string", "format": "binary"}}
                                    for media in ("application/octet-stream", "*/*")}}},
}


@router.get("/documents/{document_id}/download", response={404: ErrorOut}, url_name="document_download",
            openapi_extra=DOWNLOAD_OPENAPI)
def document_download(request, document_id: RecordId):
    """The current version's file, as an attachment; 404 when the document does not exist, has no
    file, or you may not read it. Downloads of restricted and secretariat documents are audited."""
    record = _get_document(request.auth, document_id)
    version = record.current_version
    if version is None:
        raise Http404
    audit_sensitive_read(user=request.auth, record=record, request=request, via="api")
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.original_name,
                            content_type=version.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""Meeting documents: upload, versions, the document page, download through the policy, search.

Reading is the policy's (`get_document_or_404`: a document one may not read answers 404, exactly
as a missing one; the approved participants of its meeting read it through the policy's grant).
Uploading and adding versions is for the meeting's managers. Reads of restricted and
secretariat-only documents are written to the audit log.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bphub.core.audit import audit_sensitive_read
from bphub.meetings.forms.participation import DocumentForm, DocumentVersionForm
from bphub.meetings.permissions import can_manage_meeting, get_document_or_404, get_meeting_for_management
from bphub.meetings.selectors.participation import document_search, document_version_for_download, document_versions
from bphub.meetings.services.documents import document_upload, document_version_add

PAGE_SIZE = 25


def _form_errors(form, error: ValidationError) -> None:
    """Put a service's error on the form field it names (the file's on the upload field)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif getattr(error, "code", None) == "file" or any(e.code == "file" for e in error.error_list):
        form.add_error("upload", error)
    else:
        form.add_error(None, error)


def _audit_read(request, document) -> None:
    if request.user.is_authenticated:
        audit_sensitive_read(user=request.user, record=document, request=request)


@login_required
def document_upload_view(request, pk: int):
    meeting = get_meeting_for_management(request.user, pk)
    form = DocumentForm(meeting=meeting)
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, meeting=meeting)
        if form.is_valid():
            data = form.cleaned_data
            try:
                uploaded = document_upload(
                    meeting=meeting,
                    actor=request.user,
                    upload=data["upload"],
                    doc_type=data["doc_type"],
                    title=data["title"],
                    language=data["language"],
                    classification=data["classification"],
                    is_key=data["is_key"],
                    released_to=list(data["released_to"]),
                    note=data["note"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _saved_message(uploaded))
                if uploaded.note:
                    messages.warning(request, uploaded.note)
                return redirect(uploaded.document.get_absolute_url())
    return render(
        request,
        "meetings/participation/document_form.html",
        {"meeting": meeting, "form": form, "document": None, "area_key": "meetings"},
    )


def _saved_message(uploaded) -> str:
    return _("“%(name)s” is stored as version %(number)d of “%(title)s”.") % {
        "name": uploaded.version.original_name,
        "number": uploaded.version.number,
        "title": uploaded.document,
    }


@login_required
def document_new_version(request, pk: int):
    document = get_document_or_404(request.user, pk)
    if document.meeting_id is None or not can_manage_meeting(request.user, document.meeting):
        raise Http404
    form = DocumentVersionForm()
    if request.method == "POST":
        form = DocumentVersionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                uploaded = document_version_add(
                    document=document,
                    actor=request.user,
                    upload=form.cleaned_data["upload"],
                    note=form.cleaned_data["note"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _saved_message(uploaded))
                if uploaded.note:
                    messages.warning(request, uploaded.note)
                return redirect(document.get_absolute_url())
    return render(
        request,
        "meetings/participation/document_form.html",
        {"meeting": document.meeting, "form": form, "document": document, "area_key": "meetings"},
    )


def document_detail(request, pk: int):
    document = get_document_or_404(request.user, pk)
    _audit_read(request, document)
    return render(
        request,
        "meetings/participation/document_detail.html",
        {
            "document": document,
            "meeting": document.meeting,
            "versions": document_versions(document),
            "language_name": dict(settings.CONTENT_LANGUAGES).get(document.language, document.language),
            "manages": document.meeting_id is not None and can_manage_meeting(request.user, document.meeting),
            "area_key": "meetings",
        },
    )


def document_download(request, pk: int):
    """The file of the current version (or of ?version=n), as an attachment with its original name,
    the content type it was sniffed as, and nosniff."""
    document = get_document_or_404(request.user, pk)
    version = document_version_for_download(document, request.GET.get("version"))
    if version is None:
        raise Http404
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    _audit_read(request, document)
    response = FileResponse(
        handle, as_attachment=True, filename=version.original_name, content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_search_view(request):
    q = request.GET.get("q", "").strip()[:200]
    page = Paginator(document_search(request.user, q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/participation/document_search.html",
        {"q": q, "page": page, "documents": page.object_list, "area_key": "meetings"},
    )

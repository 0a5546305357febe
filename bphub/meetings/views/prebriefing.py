"""Pre-briefing packs of a meeting, in HTML and PDF, built for the reader at the moment asked.

The PDF is made by the task worker (bphub.meetings.packs): the first request queues it and answers
with a page that refreshes itself until the file is ready, then starts the download.
"""

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bphub.core.audit import audit_sensitive_read
from bphub.meetings.packs import PdfState, PdfStatus, pack_pdf_bytes, pack_pdf_request, pack_pdf_status
from bphub.meetings.permissions import get_meeting_or_404
from bphub.meetings.prebriefing import build_pack, pack_source

DIGEST = re.compile(r"[0-9a-f]{64}")
REFRESH_SECONDS = 1


@never_cache
@login_required
def prebriefing(request, pk):
    meeting = get_meeting_or_404(request.user, pk)
    audit_sensitive_read(user=request.user, record=meeting, request=request)
    pack = build_pack(meeting=meeting, reader=request.user)
    return render(
        request, "meetings/followup/prebriefing.html", {"pack": pack, "meeting": meeting, "area_key": "meetings"}
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def prebriefing_pdf(request, pk):
    """GET: the reader's pack as a PDF when it is stored, else the "being prepared" page (202).
    GET ?pack=<digest>: that page's refresh, which reads only the render's state, nothing of the pack.
    POST: try again after a failed render."""
    meeting = get_meeting_or_404(request.user, pk)
    digest = request.GET.get("pack", "")
    if request.method == "GET" and DIGEST.fullmatch(digest):
        status = pack_pdf_status(digest)
        if status.state == PdfState.UNKNOWN:
            return redirect("meetings:prebriefing_pdf", meeting.pk)
        return _status_page(request, meeting, digest, status)
    audit_sensitive_read(user=request.user, record=meeting, request=request)
    pack = build_pack(meeting=meeting, reader=request.user)
    source = pack_source(pack)
    if request.method == "GET":
        pdf = pack_pdf_bytes(source.digest)
        if pdf is not None:
            name = slugify(pack.title)[:60] or f"meeting-{meeting.pk}"
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="pre-briefing-{name}.pdf"'
            return response
    status = pack_pdf_request(source=source, base_url=request.build_absolute_uri("/"), retry=request.method == "POST")
    if request.method == "POST":
        response = HttpResponseRedirect(_waiting_url(meeting, source.digest))
        response.status_code = 303  # See Other: the waiting page is fetched with GET
        return response
    return _status_page(request, meeting, source.digest, status)


def _waiting_url(meeting, digest: str) -> str:
    return f"{reverse('meetings:prebriefing_pdf', args=[meeting.pk])}?pack={digest}"


def _status_page(request, meeting, digest: str, status: PdfStatus) -> HttpResponse:
    """Preparing: 202, refreshes itself. Ready: starts the download (the plain URL builds the pack
    again, so what is served is what the reader may read now). Failed: says so, offers to try again."""
    context = {
        "meeting": meeting,
        "area_key": "meetings",
        "state": status.state,
        "is_slow": status.is_slow(),
        "refresh_seconds": REFRESH_SECONDS,
        "waiting_url": _waiting_url(meeting, digest),
        "download_url": reverse("meetings:prebriefing_pdf", args=[meeting.pk]),
    }
    code = 202 if status.state == PdfState.PREPARING else 200
    response = render(request, "meetings/followup/prebriefing_pdf_status.html", context, status=code)
    if status.state != PdfState.PREPARING and request.headers.get("HX-Request"):
        # The polling page loads this state in full: "ready" starts the download, "failed" offers a retry.
        response["HX-Redirect"] = context["waiting_url"]
    return response

"""Pre-briefing packs of a meeting, in HTML and PDF, built for the reader at the moment asked."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from bphub.core.audit import audit_sensitive_read
from bphub.meetings.permissions import get_meeting_or_404
from bphub.meetings.prebriefing import build_pack, render_pdf


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
def prebriefing_pdf(request, pk):
    meeting = get_meeting_or_404(request.user, pk)
    audit_sensitive_read(user=request.user, record=meeting, request=request)
    pack = build_pack(meeting=meeting, reader=request.user)
    pdf = render_pdf(pack, base_url=request.build_absolute_uri("/"))
    name = slugify(pack.title)[:60] or f"meeting-{meeting.pk}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pre-briefing-{name}.pdf"'
    return response

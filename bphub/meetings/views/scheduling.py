"""The slot finder: candidate starts against every invited member's day, ranked so the burden
of inconvenient hours rotates; and applying the chosen start to the meeting."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bphub.meetings import permissions
from bphub.meetings.forms.scheduling import SlotApplyForm, SlotCandidatesForm
from bphub.meetings.services.scheduling import MOVABLE_STATUSES, meeting_start_apply, slot_finder_report

SHOWN_AUTOMATIC = 12  # automatic proposals: the best this many, unless the manager asks for all


def duration_label(delta: timedelta) -> str:
    """ "8 h", "1 h 30 min", "2 days 8 h"."""
    minutes = int(delta.total_seconds()) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
    if hours or not (days or minutes):
        parts.append(_("%(hours)d h") % {"hours": hours})
    if minutes:
        parts.append(_("%(minutes)d min") % {"minutes": minutes})
    return " ".join(parts)


@login_required
def slot_finder(request, pk):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    host_zone = meeting.host_zone
    form = SlotCandidatesForm(request.GET or None, host_zone=host_zone)
    starts = None
    if form.is_bound and form.is_valid() and form.cleaned_data["starts"]:
        starts = form.cleaned_data["starts"]
    report = slot_finder_report(meeting, starts)
    show_all = request.GET.get("all") == "1"
    candidates = report["candidates"]
    shown = candidates if (show_all or not report["automatic"]) else candidates[:SHOWN_AUTOMATIC]
    if report["current"] is not None and report["current"] not in shown:
        shown = [*shown, report["current"]]
    return render(
        request,
        "meetings/scheduling/slot_finder.html",
        {
            "meeting": meeting,
            "form": form,
            "report": report,
            "shown": shown,
            "hidden_count": len(candidates) - len(shown),
            "show_all": show_all,
            "duration_label": duration_label(meeting.ends_at - meeting.starts_at),
            "can_move": meeting.status in MOVABLE_STATUSES,
            "can_invite": permissions.can_manage_meeting(request.user, meeting),
            "area_key": "meetings",
        },
    )


@require_POST
@login_required
def slot_apply(request, pk):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    form = SlotApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The new start: %(reason)s") % {"reason": " ".join(form.errors["starts_at"])})
        return redirect("meetings:slot_finder", pk=meeting.pk)
    try:
        meeting = meeting_start_apply(
            meeting=meeting, starts_at=form.cleaned_data["starts_at"], actor=request.user, request=request
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, _("The meeting was not moved: %(reason)s") % {"reason": " ".join(error.messages)})
        return redirect("meetings:slot_finder", pk=meeting.pk)
    host_start = timezone.localtime(meeting.starts_at, meeting.host_zone)
    messages.success(
        request,
        _("The meeting now starts %(time)s (%(zone)s); its end and agenda moved with it.")
        % {"time": date_format(host_start, "D j M Y, H:i"), "zone": meeting.host_zone.key},
    )
    return redirect("meetings:slot_finder", pk=meeting.pk)

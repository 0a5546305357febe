"""Meeting pages: the list, one meeting (its agenda in the reader's zone), create/edit, the
lifecycle buttons, and the series pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from bphub.core.audit import audit_sensitive_read
from bphub.meetings import permissions
from bphub.meetings.forms.meetings import MeetingForm, add_service_error
from bphub.meetings.fragments import meeting_fragment, meeting_fragments_prefetch
from bphub.meetings.models import Meeting, MeetingSeries
from bphub.meetings.selectors.meetings import (
    MeetingFilter,
    agenda_days,
    get_meeting_for_reader,
    meeting_list_visible_to,
    series_compiled,
    series_list_visible_to,
    series_neighbours,
    series_with_readable_meetings,
)
from bphub.meetings.services.lifecycle import TRANSITIONS, meeting_create, meeting_update
from bphub.members.models import Body

PAGE_SIZE = 25

TRANSITION_LABELS = {
    "announce": gettext_lazy("Announce"),
    "open-registration": gettext_lazy("Open registration"),
    "mark-held": gettext_lazy("Mark as held"),
    "publish-outcomes": gettext_lazy("Publish outcomes"),
    "close": gettext_lazy("Close"),
}
TRANSITION_DONE = {
    "announce": gettext_lazy("The meeting is announced."),
    "open-registration": gettext_lazy("Registration is open."),
    "mark-held": gettext_lazy("The meeting is recorded as held."),
    "publish-outcomes": gettext_lazy("The outcomes are published."),
    "close": gettext_lazy("The meeting is closed."),
}


# -- list ---------------------------------------------------------------------------------------


def meeting_list(request):
    flt = MeetingFilter.from_params(request.GET)
    meetings = meeting_list_visible_to(user=request.user, flt=flt)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meetings/list.html",
        {
            "page": page,
            "filter": flt,
            "kinds": Meeting.Kind.choices,
            "statuses": Meeting.Status.choices,
            "groups": Body.objects.order_by("code").only("id", "code", "name"),
            "series_options": series_with_readable_meetings(request.user).only("id", "code", "name"),
            "can_create": permissions.can_create_meeting(request.user),
            "can_convene": permissions.can_convene_consultation(request.user),
            "area_key": "meetings",
        },
    )


# -- detail -------------------------------------------------------------------------------------


def agenda_html(request, meeting: Meeting) -> str:
    """The agenda fragment, cached like the page's panels (bphub.meetings.fragments): the linked
    documents shown depend on what the reader may see."""
    user = request.user

    def build():
        reader_zone = str(timezone.get_current_timezone())
        return render_to_string(
            "meetings/meetings/_agenda.html",
            {
                "days": agenda_days(meeting, user),
                "reader_zone": reader_zone,
                "host_zone": meeting.time_zone,
                "same_clock": reader_zone == meeting.time_zone,
            },
        )

    return meeting_fragment("agenda", meeting, user, build, by_participation=True)


def meeting_detail(request, pk: int):
    meeting = get_meeting_for_reader(request.user, pk)
    audit_sensitive_read(user=request.user, record=meeting, request=request)
    manages = permissions.manages_readable_meeting(request.user, meeting)
    previous, following = series_neighbours(meeting, request.user)
    meeting_fragments_prefetch(meeting, request.user)  # the panels' cached HTML in one round trip
    transitions = []
    if manages:
        transitions = [
            (step, TRANSITION_LABELS[step])
            for step, (_service, starts) in TRANSITIONS.items()
            if meeting.status in starts
        ]
    return render(
        request,
        "meetings/meetings/detail.html",
        {
            "meeting": meeting,
            "previous": previous,
            "next": following,
            "agenda": agenda_html(request, meeting),
            "manages": manages,
            "transitions": transitions,
            "area_key": "meetings",
        },
    )


# -- create, edit, lifecycle ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create_view(request):
    if not permissions.can_create_meeting(request.user):
        raise Http404
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(actor=request.user, request=request, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Meeting created as a draft. Add its agenda, then announce it."))
            return redirect(meeting)
    return render(request, "meetings/meetings/form.html", {"form": form, "meeting": None, "area_key": "meetings"})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    form = MeetingForm(request.POST or None, user=request.user, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_update(meeting=meeting, actor=request.user, request=request, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(meeting)
    return render(request, "meetings/meetings/form.html", {"form": form, "meeting": meeting, "area_key": "meetings"})


@login_required
@require_POST
def meeting_transition(request, pk: int, step: str):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    if step not in TRANSITIONS:
        raise Http404
    service, _starts = TRANSITIONS[step]
    try:
        service(meeting=meeting, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, TRANSITION_DONE[step])
    return redirect(meeting)


# -- series ---------------------------------------------------------------------------------------


def series_list(request):
    return render(
        request,
        "meetings/meetings/series_list.html",
        {"rows": series_list_visible_to(request.user), "area_key": "meetings"},
    )


def series_detail(request, code: str):
    series = get_object_or_404(MeetingSeries.objects.select_related("group"), code=code)
    entries = series_compiled(series, request.user)
    if not entries:
        raise Http404  # a series none of whose meetings the reader may see leaves no trace
    return render(
        request,
        "meetings/meetings/series_detail.html",
        {"series": series, "entries": entries, "area_key": "meetings"},
    )

"""Invitations, nominations and their approval, the note verbale, the participant list and attendance.

Who may do what (anyone else gets 404, as for a meeting that does not exist):
- invite, approve or return, record attendance: the meeting's managers (`can_manage_meeting`);
- nominate or decline for a member: that member's coordinators, and the RSO (`can_nominate`);
- the note verbale: the meeting's managers (the RSO included) and the member's coordinators;
- the participant list: whoever may see the meeting.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bphub.core.audit import audit_record
from bphub.directory.permissions import engagement_lists_visible_to
from bphub.directory.text import search_text_filter
from bphub.meetings.forms.participation import (
    AttendanceForm,
    InviteBodyForm,
    InviteListForm,
    InviteMembersForm,
    NominationForm,
    ReturnForm,
)
from bphub.meetings.models import Delegation
from bphub.meetings.permissions import (
    can_manage_meeting,
    can_nominate,
    can_read_note_verbale,
    get_delegation_for_nomination,
    get_delegation_of_meeting,
    get_meeting_for_management,
    get_meeting_or_404,
)
from bphub.meetings.selectors.participation import delegations_for, participant_list, readable_people
from bphub.meetings.services.delegations import (
    attendance_record,
    candidate_people,
    delegation_approve,
    delegation_decline,
    delegation_nominate,
    delegation_return,
    nomination_closed_reason,
)
from bphub.meetings.services.invitations import meeting_invite

CANDIDATES_SHOWN = 50


def error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(text for texts in error.message_dict.values() for text in texts)
    return " ".join(error.messages)


# -- invitations ----------------------------------------------------------------------------


@login_required
def meeting_invite_view(request, pk: int):
    meeting = get_meeting_for_management(request.user, pk)
    lists = engagement_lists_visible_to(request.user).order_by("name")
    forms = {
        "members": InviteMembersForm(prefix="m"),
        "body": InviteBodyForm(prefix="b"),
        "list": InviteListForm(prefix="l", lists=lists),
    }
    if request.method == "POST":
        target = request.POST.get("target", "")
        if target == "members":
            form = forms["members"] = InviteMembersForm(request.POST, prefix="m")
        elif target == "body":
            form = forms["body"] = InviteBodyForm(request.POST, prefix="b")
        elif target == "list":
            form = forms["list"] = InviteListForm(request.POST, prefix="l", lists=lists)
        else:
            raise Http404
        if form.is_valid():
            try:
                invited = meeting_invite(
                    meeting=meeting,
                    actor=request.user,
                    members=form.cleaned_data.get("members") or (),
                    body=form.cleaned_data.get("body"),
                    engagement_list=form.cleaned_data.get("engagement_list"),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                form.add_error(None, error_text(error))
            else:
                _invited_message(request, invited)
                if invited.new_delegations and meeting.status == meeting.Status.DRAFT:
                    messages.info(
                        request, _("The meeting is a draft: the invited members are told when it is announced.")
                    )
                return redirect("meetings:delegation_list", pk=meeting.pk)
    delegations = meeting.delegations.select_related("member").order_by("member__code")
    return render(
        request,
        "meetings/participation/invite.html",
        {
            "meeting": meeting,
            "forms": forms,
            "delegations": delegations,
            "invitations": meeting.invitations.select_related("invited_by", "body"),
            "area_key": "meetings",
        },
    )


def _invited_message(request, invited) -> None:
    if invited.new_delegations:
        messages.success(
            request,
            ngettext(
                "%(count)d member invited: %(codes)s. Its coordinators are told.",
                "%(count)d members invited: %(codes)s. Their coordinators are told.",
                len(invited.new_delegations),
            )
            % {
                "count": len(invited.new_delegations),
                "codes": ", ".join(d.member.code for d in invited.new_delegations),
            },
        )
    if invited.proposed_people:
        messages.info(
            request,
            ngettext(
                "%(count)d person of the list is proposed as a delegate.",
                "%(count)d people of the list are proposed as delegates.",
                invited.proposed_people,
            )
            % {"count": invited.proposed_people},
        )
    if invited.already_invited:
        messages.info(
            request,
            _("Already invited (unchanged): %(codes)s.")
            % {"codes": ", ".join(m.code for m in invited.already_invited)},
        )


# -- delegations ----------------------------------------------------------------------------


def delegation_list(request, pk: int):
    """The delegations the reader may see (`permissions.delegations_visible_to`), as the API lists them."""
    meeting = get_meeting_or_404(request.user, pk)
    manages = can_manage_meeting(request.user, meeting)
    delegations = list(delegations_for(request.user, meeting))
    if not manages and not delegations:
        raise Http404
    for delegation in delegations:
        delegation.may_open = can_nominate(request.user, delegation) or manages
        delegation.may_read_note = can_read_note_verbale(request.user, delegation, meeting)
    return render(
        request,
        "meetings/participation/delegation_list.html",
        {
            "meeting": meeting,
            "delegations": delegations,
            "readable_people": readable_people(
                request.user, [delegate for delegation in delegations for delegate in delegation.delegates.all()]
            ),
            "manages": manages,
            "return_form": ReturnForm(),
            "area_key": "meetings",
        },
    )


@login_required
def delegation_edit(request, pk: int, code: str):
    delegation = get_delegation_for_nomination(request.user, pk, code)
    meeting = delegation.meeting
    may_nominate = can_nominate(request.user, delegation)
    closed = nomination_closed_reason(request.user, meeting) if may_nominate else ""
    q = request.GET.get("q", "").strip()[:100]
    current = {d.focal_point_id: d.role for d in delegation.delegates.all()}
    people = []
    more = 0
    if may_nominate:
        candidates = candidate_people(request.user, delegation).select_related("agency")
        chosen = list(candidates.filter(pk__in=list(current)))
        others = candidates.exclude(pk__in=list(current))
        if q:
            others = others.filter(search_text_filter(q))
        others = list(others.order_by("full_name", "id")[: CANDIDATES_SHOWN + 1])
        more = len(others) > CANDIDATES_SHOWN
        people = chosen + others[:CANDIDATES_SHOWN]
    form = NominationForm(people=people, current=current)
    if request.method == "POST":
        if not may_nominate:
            raise Http404
        action = request.POST.get("action", "save")
        try:
            if action == "decline":
                delegation_decline(delegation=delegation, actor=request.user)
                messages.success(
                    request, _("The invitation is declined. You can still nominate while nominations are open.")
                )
                return redirect("meetings:delegation_edit", pk=meeting.pk, code=delegation.member.code)
            form = NominationForm(request.POST, request.FILES, people=people, current=current)
            if form.is_valid():
                delegation = delegation_nominate(
                    delegation=delegation,
                    actor=request.user,
                    people=form.chosen(),
                    submit=action == "submit",
                    note_verbale=form.cleaned_data.get("note_verbale"),
                )
                if delegation.status == Delegation.Status.SUBMITTED:
                    messages.success(
                        request, _("The nomination is submitted; the Regional Support Office will review it.")
                    )
                elif delegation.status == Delegation.Status.APPROVED:
                    messages.success(request, _("Nothing changed: the delegation stays approved."))
                else:
                    messages.success(request, _("The nomination is saved as a draft. Submit it when it is complete."))
                return redirect("meetings:delegation_edit", pk=meeting.pk, code=delegation.member.code)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            if hasattr(error, "error_dict") and "note_verbale" not in error.error_dict:
                form.add_error(None, error_text(error))
            elif not hasattr(error, "error_dict") and getattr(error, "code", None) == "file":
                form.add_error("note_verbale", error)
            else:
                form.add_error(None, error_text(error))
    delegates = list(delegation.delegates.select_related("focal_point").order_by("position", "id"))
    return render(
        request,
        "meetings/participation/delegation_edit.html",
        {
            "meeting": meeting,
            "delegation": delegation,
            "delegates": delegates,
            "readable_people": readable_people(request.user, delegates),
            "form": form,
            "q": q,
            "more": more,
            "may_nominate": may_nominate,
            "closed_reason": closed,
            "manages": can_manage_meeting(request.user, meeting),
            "return_form": ReturnForm(),
            "area_key": "meetings",
        },
    )


@require_POST
@login_required
def delegation_decide(request, pk: int, code: str):
    meeting = get_meeting_for_management(request.user, pk)
    delegation = get_delegation_of_meeting(meeting, code)
    delegation.meeting = meeting
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            delegation_approve(delegation=delegation, actor=request.user)
            messages.success(
                request,
                _("The delegation of %(member)s is approved; its people now read the meeting's documents.")
                % {"member": delegation.member},
            )
        elif decision == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say what the member should change."))
            delegation_return(delegation=delegation, actor=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("The nomination of %(member)s is returned.") % {"member": delegation.member})
        else:
            raise Http404
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": error_text(error)})
    if request.POST.get("next") == "edit":
        return redirect("meetings:delegation_edit", pk=meeting.pk, code=delegation.member.code)
    return redirect("meetings:delegation_list", pk=meeting.pk)


@login_required
def note_verbale_download(request, pk: int, code: str):
    """The note verbale, for the meeting's managers (the RSO included) and the member's coordinators."""
    meeting = get_meeting_or_404(request.user, pk)
    delegation = get_delegation_of_meeting(meeting, code)
    if not can_read_note_verbale(request.user, delegation, meeting) or not delegation.note_verbale:
        raise Http404
    audit_record(verb="delegation.note_verbale_read", actor=request.user, target=delegation, request=request)
    try:
        handle = delegation.note_verbale.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=delegation.note_verbale_name or "note-verbale",
        content_type=delegation.note_verbale_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- participants ---------------------------------------------------------------------------


def participants(request, pk: int):
    meeting = get_meeting_or_404(request.user, pk)
    listing = participant_list(request.user, meeting)
    manages = can_manage_meeting(request.user, meeting)
    started = meeting.starts_at <= timezone.now()
    form = AttendanceForm(delegates=[row.delegate for row in listing.rows]) if manages and started else None
    return render(
        request,
        "meetings/participation/participants.html",
        {
            "meeting": meeting,
            "listing": listing,
            "rows": [(row, form[f"attended_{row.delegate.pk}"] if form else None) for row in listing.rows],
            "form": form,
            "manages": manages,
            "started": started,
            "area_key": "meetings",
        },
    )


@require_POST
@login_required
def attendance_record_view(request, pk: int):
    meeting = get_meeting_for_management(request.user, pk)
    delegates = [row.delegate for row in participant_list(request.user, meeting).rows]
    form = AttendanceForm(request.POST, delegates=delegates)
    if form.is_valid():
        try:
            changed = attendance_record(meeting=meeting, actor=request.user, marks=form.marks())
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                ngettext("Attendance recorded (%(count)d change).", "Attendance recorded (%(count)d changes).", changed)
                % {"count": changed},
            )
    else:
        messages.error(request, _("Nothing was recorded: choose attended, did not attend or not recorded."))
    return redirect("meetings:participants", pk=meeting.pk)

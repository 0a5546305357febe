"""Delegations: the coordinator nominates, the RSO (the meeting's managers) approves or returns.

States: invited → submitted → approved, or returned (with the manager's note; the coordinator edits
and submits again), or declined (the member will not attend; it may still nominate later while
nominations are open). A member's coordinator nominates until the nomination deadline, and only
while registration is open; the RSO may act on the member's behalf at any time. The people come
from the member's focal points in the directory, as the one nominating may see them: exactly one
head of delegation, delegates and advisers. The government's note verbale (PDF or Word, checked
by content, at most 10 MB) goes with the nomination.

Approving gives the approved people their meeting's documents (`Document.policy_grant` reads
approved delegations), so nothing else is to be done here. Attendance is recorded per person once
the meeting has started, and counts as a sign of life of the person's directory record.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bphub.communications.models import Topic
from bphub.communications.services import notify
from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.directory.models import FocalPoint
from bphub.directory.services.records import focal_point_sign_of_life
from bphub.meetings.models import Delegate, Delegation, Meeting
from bphub.meetings.permissions import can_manage_meeting, can_nominate
from bphub.meetings.services.common import meeting_touch
from bphub.meetings.services.documents import DOCX, MB, ODT, PDF, original_name, stored_name, upload_check
from bphub.meetings.services.invitations import member_coordinators

NOTE_VERBALE_TYPES = frozenset({PDF, DOCX, ODT})
NOTE_VERBALE_MAX_SIZE = 10 * MB
FINISHED = (Meeting.Status.HELD, Meeting.Status.OUTCOMES_PUBLISHED, Meeting.Status.CLOSED)
ROLE_ORDER = {Delegate.Role.HEAD: 0, Delegate.Role.DELEGATE: 1, Delegate.Role.ADVISER: 2}


def nomination_closed_reason(user, meeting: Meeting) -> str:
    """Why `user` may not nominate for `meeting` now ("" when they may). The RSO may act at any
    time until the meeting is over; a coordinator while registration is open and the deadline has
    not passed."""
    if meeting.status in FINISHED:
        return _("The meeting is over (“%(status)s”): delegations can no longer change.") % {
            "status": meeting.get_status_display()
        }
    if policy.is_rso(user):
        return ""
    if meeting.status != Meeting.Status.REGISTRATION_OPEN:
        return _("Nominations are not open yet: the meeting is “%(status)s”. The RSO opens registration.") % {
            "status": meeting.get_status_display()
        }
    if meeting.nomination_deadline and timezone.now() > meeting.nomination_deadline:
        return _(
            "Nominations closed on %(deadline)s (%(zone)s). Contact the Regional Support Office, which may still "
            "change the delegation."
        ) % {
            "deadline": date_format(timezone.localtime(meeting.nomination_deadline), "j M Y, H:i"),
            "zone": timezone.get_current_timezone_name(),
        }
    return ""


def _locked(delegation: Delegation) -> Delegation:
    return Delegation.objects.select_for_update(of=("self",)).select_related("meeting", "member").get(pk=delegation.pk)


def _edit_url(delegation: Delegation) -> str:
    return reverse("meetings:delegation_edit", kwargs={"pk": delegation.meeting_id, "code": delegation.member.code})


def _tell_coordinators(delegation: Delegation, *, verb: str, title) -> None:
    meeting, url = delegation.meeting, _edit_url(delegation)
    transaction.on_commit(
        lambda: notify(
            users=member_coordinators([delegation.member_id]),
            topic=Topic.DELEGATION,
            verb=verb,
            title=title,
            url=url,
            target=meeting,
        )
    )


def _people_audit(delegation: Delegation) -> list:
    return [[d.focal_point_id, d.role] for d in delegation.delegates.order_by("position", "id")]


def candidate_people(user, delegation: Delegation):
    """The member's focal points `user` may see and pick from (active records only)."""
    return policy.visible_to(FocalPoint.objects.all(), user).filter(member_id=delegation.member_id, is_active=True)


@transaction.atomic
def delegation_nominate(
    *,
    delegation: Delegation,
    actor,
    people: list[tuple[int, str]],
    submit: bool,
    note_verbale=None,
) -> Delegation:
    """Set the delegation's people (`people`: focal point id and role, in order) and, with `submit`,
    send it for approval.

    People the actor may not see in the directory are left as they were. Submitting needs exactly
    one head of delegation; a submitted or approved delegation that changes goes back to
    "submitted" (approval is given to a list of people, not to a member). `note_verbale`, an
    uploaded file, replaces the one attached. Raises PermissionDenied for someone who may not
    nominate for the member, and ValidationError (nothing changes) after the deadline (for a
    coordinator), for a person who is not one of the member's focal points the actor may see, for
    two heads, and for a note verbale that is not a PDF or Word document of at most 10 MB.
    """
    if not can_nominate(actor, delegation) or not policy.can_view(actor, delegation.meeting):
        raise PermissionDenied
    delegation = _locked(delegation)
    reason = nomination_closed_reason(actor, delegation.meeting)
    if reason:
        raise ValidationError(reason)
    roles = {value for value, _label in Delegate.Role.choices}
    chosen: dict[int, str] = {}
    for person_id, role in people:
        if role not in roles:
            raise ValidationError({"people": _("Choose head of delegation, delegate or adviser.")})
        chosen[int(person_id)] = role
    visible = {fp.pk: fp for fp in candidate_people(actor, delegation).filter(pk__in=list(chosen))}
    unknown = [pk for pk in chosen if pk not in visible]
    if unknown:
        raise ValidationError(
            {"people": _("Only focal points of %(member)s can be nominated.") % {"member": delegation.member}}
        )
    seen_ids = set(candidate_people(actor, delegation).values_list("pk", flat=True))
    kept = [d for d in delegation.delegates.all() if d.focal_point_id not in seen_ids]
    heads = [pk for pk, role in chosen.items() if role == Delegate.Role.HEAD]
    heads += [d.focal_point_id for d in kept if d.role == Delegate.Role.HEAD]
    if len(heads) > 1:
        raise ValidationError(
            {"people": _("A delegation has one head of delegation; you chose %(n)d.") % {"n": len(heads)}}
        )
    if submit and not heads:
        raise ValidationError({"people": _("Choose the head of delegation before submitting.")})
    if note_verbale is not None:
        sniffed = upload_check(note_verbale, allowed=NOTE_VERBALE_TYPES, max_size=NOTE_VERBALE_MAX_SIZE)
        delegation.note_verbale.save(stored_name(sniffed), note_verbale, save=False)
        delegation.note_verbale_name = original_name(note_verbale)
        delegation.note_verbale_content_type = sniffed.content_type

    before = _people_audit(delegation)
    delegation.delegates.filter(focal_point_id__in=seen_ids).delete()
    ordered = sorted(enumerate(chosen.items()), key=lambda item: (ROLE_ORDER[item[1][1]], item[0]))
    Delegate.objects.bulk_create(
        Delegate(delegation=delegation, focal_point=visible[pk], role=role, position=position)
        for position, (_index, (pk, role)) in enumerate(ordered)
    )
    after = _people_audit(delegation)
    changed = before != after or note_verbale is not None
    previous = delegation.status
    if submit and (
        changed or previous in (Delegation.Status.INVITED, Delegation.Status.RETURNED, Delegation.Status.DECLINED)
    ):
        delegation.status = Delegation.Status.SUBMITTED
        delegation.submitted_at = timezone.now()
        delegation.submitted_by = actor
    elif changed and previous == Delegation.Status.APPROVED:
        delegation.status = Delegation.Status.SUBMITTED  # new people need approval again
    elif previous == Delegation.Status.DECLINED:
        delegation.status = Delegation.Status.INVITED
    delegation.save()
    audit_record(
        verb="delegation.submitted"
        if delegation.status == Delegation.Status.SUBMITTED and submit
        else "delegation.saved",
        actor=actor,
        target=delegation,
        meeting=delegation.meeting_id,
        member=delegation.member.code,
        status_before=previous,
        status=delegation.status,
        people_before=before,
        people=after,
        note_verbale=bool(note_verbale),
    )
    meeting_touch(delegation.meeting_id)
    return delegation


def _check_manager(actor, delegation: Delegation) -> None:
    if not can_manage_meeting(actor, delegation.meeting):
        raise PermissionDenied


@transaction.atomic
def delegation_approve(*, delegation: Delegation, actor) -> Delegation:
    """Approve a submitted delegation: its people read the meeting's documents from now on.

    Its coordinators and the approved people who have an account are told (topics DELEGATION and
    MEETING). Raises PermissionDenied for someone who does not manage the meeting, ValidationError
    when the delegation is not awaiting approval or has no head of delegation.
    """
    _check_manager(actor, delegation)
    delegation = _locked(delegation)
    if delegation.status != Delegation.Status.SUBMITTED:
        raise ValidationError(
            _("Only a nomination awaiting approval can be approved; this one is “%(status)s”.")
            % {"status": delegation.get_status_display()}
        )
    if not delegation.delegates.filter(role=Delegate.Role.HEAD).exists():
        raise ValidationError(_("The delegation has no head of delegation; return it to the member."))
    delegation.status = Delegation.Status.APPROVED
    delegation.decided_at = timezone.now()
    delegation.decided_by = actor
    delegation.decision_note = ""
    delegation.save()
    audit_record(
        verb="delegation.approved",
        actor=actor,
        target=delegation,
        meeting=delegation.meeting_id,
        member=delegation.member.code,
        people=_people_audit(delegation),
    )
    meeting_touch(delegation.meeting_id)
    meeting = delegation.meeting
    _tell_coordinators(
        delegation,
        verb="delegation.approved",
        title=lambda: (
            _("The delegation of %(member)s to %(meeting)s is approved")
            % {"member": delegation.member, "meeting": meeting}
        ),
    )
    people = [
        d.focal_point.user for d in delegation.delegates.select_related("focal_point__user") if d.focal_point.user
    ]
    if people:
        transaction.on_commit(
            lambda: notify(
                users=people,
                topic=Topic.MEETING,
                verb="delegation.approved",
                title=lambda: _("You are in the delegation to %(meeting)s") % {"meeting": meeting},
                url=reverse("meetings:participants", kwargs={"pk": meeting.pk}),
                target=meeting,
            )
        )
    return delegation


@transaction.atomic
def delegation_return(*, delegation: Delegation, actor, note: str) -> Delegation:
    """Send a nomination back to the member with `note` (what to change); its people lose any
    access an approval gave. Raises PermissionDenied for someone who does not manage the meeting,
    ValidationError without a note or when the delegation is neither submitted nor approved."""
    _check_manager(actor, delegation)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the member should change.")})
    delegation = _locked(delegation)
    if delegation.status not in (Delegation.Status.SUBMITTED, Delegation.Status.APPROVED):
        raise ValidationError(
            _("Only a submitted or approved nomination can be returned; this one is “%(status)s”.")
            % {"status": delegation.get_status_display()}
        )
    previous = delegation.status
    delegation.status = Delegation.Status.RETURNED
    delegation.decided_at = timezone.now()
    delegation.decided_by = actor
    delegation.decision_note = note[:4000]
    delegation.save()
    audit_record(
        verb="delegation.returned",
        actor=actor,
        target=delegation,
        meeting=delegation.meeting_id,
        member=delegation.member.code,
        status_before=previous,
        note=note[:1000],
    )
    meeting_touch(delegation.meeting_id)
    _tell_coordinators(
        delegation,
        verb="delegation.returned",
        title=lambda: (
            _("The nomination of %(member)s to %(meeting)s was returned for changes")
            % {"member": delegation.member, "meeting": delegation.meeting}
        ),
    )
    return delegation


@transaction.atomic
def delegation_decline(*, delegation: Delegation, actor) -> Delegation:
    """The member will not attend. Its people, if any, lose any access an approval gave. Raises
    PermissionDenied for someone who may not nominate for the member, ValidationError when it
    is already declined or the meeting is over."""
    if not can_nominate(actor, delegation) or not policy.can_view(actor, delegation.meeting):
        raise PermissionDenied
    delegation = _locked(delegation)
    if delegation.meeting.status in FINISHED:
        raise ValidationError(_("The meeting is over: delegations can no longer change."))
    if delegation.status == Delegation.Status.DECLINED:
        raise ValidationError(_("The invitation is already declined."))
    previous = delegation.status
    delegation.status = Delegation.Status.DECLINED
    delegation.save()
    audit_record(
        verb="delegation.declined",
        actor=actor,
        target=delegation,
        meeting=delegation.meeting_id,
        member=delegation.member.code,
        status_before=previous,
    )
    meeting_touch(delegation.meeting_id)
    return delegation


@transaction.atomic
def attendance_record(*, meeting: Meeting, actor, marks: dict[int, bool | None]) -> int:
    """Record who attended (`marks`: delegate id → True, False or None for "not recorded").

    Only people of the meeting's approved delegations; attended=True is a sign of life of the
    person's directory record. Returns how many people changed. Raises PermissionDenied for
    someone who does not manage the meeting, ValidationError before the meeting starts.
    """
    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied
    now = timezone.now()
    if meeting.starts_at > now:
        raise ValidationError(_("Attendance is recorded once the meeting has started."))
    delegates = Delegate.objects.filter(
        delegation__meeting=meeting, delegation__status=Delegation.Status.APPROVED, pk__in=list(marks)
    ).select_related("focal_point")
    changed = []
    for delegate in delegates:
        mark = marks[delegate.pk]
        if delegate.attended == mark:
            continue
        delegate.attended = mark
        delegate.attendance_recorded_at = now if mark is not None else None
        delegate.updated_at = now
        changed.append(delegate)
    if changed:
        Delegate.objects.bulk_update(changed, ["attended", "attendance_recorded_at", "updated_at"])
    for delegate in changed:
        if delegate.attended:
            focal_point_sign_of_life(focal_point=delegate.focal_point, at=now)
    if changed:
        audit_record(
            verb="meeting.attendance_recorded",
            actor=actor,
            target=meeting,
            marks={str(d.pk): d.attended for d in changed},
        )
        meeting_touch(meeting.pk)
    return len(changed)

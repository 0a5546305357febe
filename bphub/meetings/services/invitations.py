"""Inviting members to a meeting: one by one, a body or working group, or a saved engagement list.

Each invitation is recorded (`MeetingInvitation`) and resolved, when made, into one `Delegation`
(status invited) per member concerned that was not yet invited, so inviting again changes nothing.
The meeting's readership follows: a restricted meeting is released to the members it invites; a
body-level meeting can only invite members that hold a seat on its body today.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.accounts.models import Role, User
from bphub.communications.models import Topic
from bphub.communications.services import notify
from bphub.core.audit import audit_record
from bphub.core.models import Classification
from bphub.meetings.models import Delegate, Delegation, Meeting, MeetingInvitation
from bphub.meetings.permissions import can_manage_meeting
from bphub.meetings.services.common import meeting_touch
from bphub.members.models import BodyMembership

OPEN_FOR_INVITATIONS = (Meeting.Status.DRAFT, Meeting.Status.ANNOUNCED, Meeting.Status.REGISTRATION_OPEN)


@dataclass
class Invited:
    invitation: MeetingInvitation | None  # None when nothing new was invited
    new_delegations: list[Delegation] = field(default_factory=list)
    already_invited: list = field(default_factory=list)  # members that were invited before
    proposed_people: int = 0  # people of an engagement list added to their member's delegation


def body_members_today(body) -> list:
    """The members holding a seat on `body` today, in any role (observers included)."""
    seats = BodyMembership.objects.on(timezone.localdate()).filter(body=body).select_related("member")
    return sorted({seat.member for seat in seats}, key=lambda member: member.code)


def member_coordinators(member_ids) -> list[User]:
    """The active coordinators of the members `member_ids` (those told about invitations and deadlines)."""
    return list(
        User.objects.filter(role=Role.MEMBER_COORDINATOR, member_id__in=member_ids, is_active=True).order_by("pk")
    )


def _check(meeting: Meeting, members: list, actor) -> None:
    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied
    if meeting.status not in OPEN_FOR_INVITATIONS:
        raise ValidationError(
            _("Invitations are closed: the meeting is “%(status)s”.") % {"status": meeting.get_status_display()}
        )
    if not members:
        raise ValidationError(_("Choose at least one member to invite."))
    if meeting.classification == Classification.SECRETARIAT:
        raise ValidationError(
            _("This meeting is secretariat-only, so no member could read it. Make it restricted to invite members.")
        )
    if meeting.classification == Classification.BODY:
        seated = {seat.member_id for seat in BodyMembership.objects.on(timezone.localdate()).filter(body=meeting.body)}
        outside = [member for member in members if member.pk not in seated]
        if outside:
            raise ValidationError(
                _(
                    "%(members)s hold(s) no seat on %(body)s today, so could not read this body-level meeting. "
                    "Invite only its members, or make the meeting restricted and invite them by name."
                )
                % {"members": ", ".join(f"{m} ({m.code})" for m in outside), "body": meeting.body}
            )


@transaction.atomic
def meeting_invite(*, meeting: Meeting, actor, members=(), body=None, engagement_list=None) -> Invited:
    """Invite `members`, or the members of `body` seated today, or those of `engagement_list`.

    Exactly one of the three. Members already invited keep their delegation as it is; each new
    one gets a delegation (invited) and its coordinators are told on commit (topic DELEGATION; for a
    draft, when it is announced).
    People of an engagement list are proposed in their member's delegation (while it is still
    only invited). A restricted meeting is released to the invited members. Raises
    ValidationError (nothing changes) when the meeting no longer takes invitations, is
    secretariat-only, or is body-level and a member holds no seat on its body today; raises
    PermissionDenied when `actor` does not manage the meeting.
    """
    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied
    given = [bool(members), body is not None, engagement_list is not None]
    if sum(given) != 1:
        raise ValidationError(_("Invite members, a body or an engagement list (one at a time)."))
    people_by_member = {}
    if body is not None:
        target, label, members = MeetingInvitation.Target.BODY, str(body), body_members_today(body)
        if not members:
            raise ValidationError(_("%(body)s has no members seated today.") % {"body": body})
    elif engagement_list is not None:
        target, label = MeetingInvitation.Target.LIST, str(engagement_list)
        people_by_member = engagement_list_people(engagement_list=engagement_list, actor=actor)
        members = sorted({people[0].member for people in people_by_member.values()}, key=lambda m: m.code)
        if not members:
            raise ValidationError(_("Nobody you may see is on the list “%(name)s” today.") % {"name": engagement_list})
    else:
        target = MeetingInvitation.Target.MEMBER
        members = sorted(set(members), key=lambda member: member.code)
        label = ", ".join(member.code for member in members)
    _check(meeting, members, actor)

    # One invitation at a time per meeting, so two at once cannot both create a member's delegation.
    Meeting.objects.select_for_update(of=("self",)).filter(pk=meeting.pk).first()
    existing = {d.member_id: d for d in Delegation.objects.filter(meeting=meeting)}
    new = [Delegation(meeting=meeting, member=member) for member in members if member.pk not in existing]
    Delegation.objects.bulk_create(new)
    new = list(Delegation.objects.filter(meeting=meeting, member__in=[d.member for d in new]).select_related("member"))
    already = [member for member in members if member.pk in existing]

    proposed = 0
    if people_by_member:
        delegations = {d.member_id: d for d in new} | {
            pk: d for pk, d in existing.items() if d.status == Delegation.Status.INVITED
        }
        taken = set(
            Delegate.objects.filter(delegation__in=delegations.values()).values_list("delegation_id", "focal_point_id")
        )
        rows = []
        for member_id, people in people_by_member.items():
            delegation = delegations.get(member_id)
            if delegation is None:
                continue
            for position, person in enumerate(people, start=100):
                if (delegation.pk, person.pk) not in taken:
                    taken.add((delegation.pk, person.pk))
                    rows.append(
                        Delegate(
                            delegation=delegation, focal_point=person, role=Delegate.Role.DELEGATE, position=position
                        )
                    )
        Delegate.objects.bulk_create(rows)
        proposed = len(rows)

    if not new and not proposed:
        return Invited(invitation=None, already_invited=already)

    if meeting.classification == Classification.RESTRICTED:
        meeting.released_to.add(*members)
    invitation = MeetingInvitation.objects.create(
        meeting=meeting,
        target=target,
        member=members[0] if target == MeetingInvitation.Target.MEMBER and len(members) == 1 else None,
        body=body,
        engagement_list=engagement_list,
        label=label[:300],
        invited_by=actor,
    )
    audit_record(
        verb="meeting.invited",
        actor=actor,
        target=meeting,
        invitation=invitation.pk,
        to=target,
        label=label[:300],
        members=[d.member.code for d in new],
        already_invited=[member.code for member in already],
        proposed_people=proposed,
    )
    meeting_touch(meeting.pk)
    if new and meeting.status != Meeting.Status.DRAFT:
        # A draft is seen only by its managers: announcing it tells the invited members' people.
        _tell_coordinators(meeting, new)
    return Invited(invitation=invitation, new_delegations=new, already_invited=already, proposed_people=proposed)


def engagement_list_people(*, engagement_list, actor) -> dict:
    """The people of an engagement list as `actor` may see them, by member id (for `meeting_invite`).

    Raises PermissionDenied when `actor` may not see the list.
    """
    from bphub.directory.services.lists import engagement_list_audience

    grouped: dict[int, list] = {}
    for person in engagement_list_audience(engagement_list=engagement_list, user=actor).select_related("member"):
        grouped.setdefault(person.member_id, []).append(person)
    return grouped


def _tell_coordinators(meeting: Meeting, delegations: list[Delegation]) -> None:
    by_member = {d.member_id: d for d in delegations}

    def title():
        return _("Your member is invited to %(meeting)s: nominate its delegation") % {"meeting": meeting}

    def send():
        for coordinator in member_coordinators(list(by_member)):
            delegation = by_member[coordinator.member_id]
            notify(
                users=[coordinator],
                topic=Topic.DELEGATION,
                verb="meeting.invited",
                title=title,
                url=reverse("meetings:delegation_edit", kwargs={"pk": meeting.pk, "code": delegation.member.code}),
                target=meeting,
            )

    transaction.on_commit(send)

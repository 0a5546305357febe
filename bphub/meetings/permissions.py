"""Who may do what with meetings, on top of the one policy (`bphub.core.policy`).

Reading is always the policy's: a meeting and every part of it (agenda, delegations, documents,
outcomes, action items) is read when `policy.visible_to` / `policy.can_view` say so, which compose
the part's own rule with its meeting's (drafts are their managers'; outcomes and actions wait for
the outcomes to be published). This module adds the management rules:
- the RSO (admins and staff) runs every meeting;
- a working-group co-chair runs the meetings of the bodies they co-chair;
- the Bali Process co-chairs (people acting for a member that co-chairs the Ministerial
  Conference today) may convene an emergency consultation;
- a member's coordinator nominates that member's delegation;
- an action item is updated by its owner: the owning member's people, the owning body's co-chairs,
  or the RSO.
Every `get_*` helper answers Http404 for a record that is missing or may not be seen or managed,
so nothing leaks.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from bphub.core import policy
from bphub.meetings.models import OUTCOMES_PUBLISHED as OUTCOMES_PUBLISHED  # re-exported
from bphub.meetings.models import ActionItem, AgendaSession, Delegation, Document, Meeting, Outcome
from bphub.meetings.models import outcomes_shown as outcomes_shown  # re-exported: the policy's condition

CO_CHAIR_BODY_CODE = "BPMC"  # the Bali Process co-chairs are the Ministerial Conference's co-chairs

# The shared rules live in the policy; the meetings code reads them from here too.
is_rso = policy.is_rso
chaired_body_ids = policy.chaired_body_ids


# -- reading: every caller (pages, API, feeds, packs) reads through these -----------------------


def meetings_visible_to(user) -> QuerySet:
    """The meetings `user` may read (drafts only for those who manage them)."""
    return policy.visible_to(Meeting.objects.all(), user)


def documents_visible_to(user) -> QuerySet:
    """The documents `user` may read: their own classification (or an approved participant's grant)
    and their meeting's readability, now."""
    return policy.visible_to(Document.objects.all(), user)


def outcomes_visible_to(user) -> QuerySet:
    return policy.visible_to(Outcome.objects.all(), user)


def actions_visible_to(user) -> QuerySet:
    return policy.visible_to(ActionItem.objects.all(), user)


def delegations_visible_to(user, meeting: Meeting | None = None) -> QuerySet:
    """The delegations `user` may see (of `meeting`, when given): approved ones for every reader of
    the meeting, a member's own in any status for its coordinators, all of them for its managers."""
    queryset = Delegation.objects.all() if meeting is None else Delegation.objects.filter(meeting=meeting)
    return policy.visible_to(queryset, user)


def agenda_sessions_visible_to(user, meeting: Meeting) -> QuerySet:
    return policy.visible_to(AgendaSession.objects.filter(meeting=meeting), user)


def get_meeting_or_404(user, pk) -> Meeting:
    return policy.get_visible_or_404(Meeting.objects.select_related("series", "group", "host"), user, pk=pk)


def get_meeting_for_management(user, pk) -> Meeting:
    """The meeting, if `user` may manage it; Http404 otherwise, so nothing leaks."""
    meeting = get_meeting_or_404(user, pk)
    if not manages_readable_meeting(user, meeting):
        raise Http404
    return meeting


def get_document_or_404(user, pk) -> Document:
    return policy.get_visible_or_404(
        Document.objects.select_related("meeting", "group", "current_version"), user, pk=pk
    )


def get_outcome_or_404(user, pk) -> Outcome:
    return policy.get_visible_or_404(Outcome.objects.select_related("meeting"), user, pk=pk)


def get_action_or_404(user, pk) -> ActionItem:
    return policy.get_visible_or_404(
        ActionItem.objects.select_related("meeting", "meeting__series", "owner_member", "owner_body"), user, pk=pk
    )


def get_action_for_update(user, pk) -> ActionItem:
    action = get_action_or_404(user, pk)
    if not owns_action(user, action):
        raise Http404
    return action


def get_delegation_of_meeting(meeting: Meeting, code: str) -> Delegation:
    """The delegation of the member `code` to `meeting` (a meeting the caller already checked the user
    may manage or read for this purpose); Http404 when there is none."""
    try:
        return Delegation.objects.select_related("member", "meeting", "decided_by", "submitted_by").get(
            meeting=meeting, member__code=code.upper()
        )
    except Delegation.DoesNotExist:
        raise Http404 from None


def get_delegation_for_nomination(user, pk, code: str) -> Delegation:
    """The delegation, if `user` may nominate for its member or manages the meeting; Http404 otherwise."""
    meeting = get_meeting_or_404(user, pk)
    delegation = get_delegation_of_meeting(meeting, code)
    delegation.meeting = meeting
    if not (can_nominate(user, delegation) or manages_readable_meeting(user, meeting)):
        raise Http404
    return delegation


# -- managing ------------------------------------------------------------------------------------


def can_create_meeting(user) -> bool:
    return is_rso(user) or bool(chaired_body_ids(user))


def can_manage_meeting(user, meeting: Meeting) -> bool:
    """Edit, invite, approve delegations, publish documents and outcomes, move the lifecycle."""
    return policy.can_view(user, meeting) and manages_readable_meeting(user, meeting)


def manages_readable_meeting(user, meeting: Meeting) -> bool:
    """`can_manage_meeting` for a meeting already known to be readable (no second policy check)."""
    return policy.runs_body(user, meeting.group_id)


def is_bali_process_co_chair(user) -> bool:
    """A coordinator or co-chair acting for a member that co-chairs the Bali Process today."""
    if not (policy.is_coordinator(user) or policy.is_co_chair(user)):
        return False
    from bphub.members.models import BodyMembership

    return (
        BodyMembership.objects.on(timezone.localdate())
        .filter(
            member_id=user.member_id,
            body__code=CO_CHAIR_BODY_CODE,
            role__in=[BodyMembership.Role.CO_CHAIR, BodyMembership.Role.CHAIR],
        )
        .exists()
    )


def can_convene_consultation(user) -> bool:
    return is_rso(user) or is_bali_process_co_chair(user)


def can_nominate(user, delegation: Delegation) -> bool:
    """The member's coordinator (or the RSO on the member's behalf), while nominations are open."""
    return is_rso(user) or policy.coordinates(user, delegation.member_id)


def can_read_note_verbale(user, delegation: Delegation, meeting: Meeting) -> bool:
    """The meeting's managers (the RSO included) and the member's coordinators."""
    return policy.coordinates(user, delegation.member_id) or manages_readable_meeting(user, meeting)


def can_update_action(user, action: ActionItem) -> bool:
    """The owner reports progress: the owning member's people, the owning body's co-chairs, or the RSO."""
    return policy.can_view(user, action) and owns_action(user, action)


def owns_action(user, action: ActionItem) -> bool:
    """The owner rule of `can_update_action` alone, for an action already known to be visible to `user`
    (lists filtered by the policy use it so that they need no query per row)."""
    if is_rso(user):
        return True
    member_id = policy.acting_member_id(user)
    if member_id is None:
        return False
    if action.owner_kind == ActionItem.Owner.MEMBER:
        return action.owner_member_id == member_id and not policy.is_co_chair(user)
    if action.owner_kind == ActionItem.Owner.BODY:
        return action.owner_body_id in chaired_body_ids(user)
    return False


def action_owner_users(action: ActionItem) -> QuerySet:
    """The active accounts that own `action` (see `owns_action`): the owning member's coordinators and
    officials, the owning body's co-chairs, or the RSO's staff."""
    from bphub.accounts.models import RSO_ROLES, Role, User

    users = User.objects.filter(is_active=True)
    if action.owner_kind == ActionItem.Owner.MEMBER:
        return users.filter(member_id=action.owner_member_id, role__in=[Role.MEMBER_COORDINATOR, Role.MEMBER_OFFICIAL])
    if action.owner_kind == ActionItem.Owner.BODY:
        return users.filter(role=Role.WG_CO_CHAIR, chaired_bodies=action.owner_body_id).distinct()
    return users.filter(role__in=RSO_ROLES)


def can_edit_work_plan(user, body) -> bool:
    """A body's forward work plan is kept by its co-chairs and the RSO."""
    return policy.runs_body(user, body.pk)


def may_see_update_authors(user) -> bool:
    """Progress reports name their author to people who act for a member or the RSO."""
    return policy.acts_for_members_people(user)

"""Who may do what with meetings, on top of the one policy (`bphub.core.policy`).

Reading is always the policy's: a meeting, document, outcome or action item is read when
`policy.visible_to` / `policy.can_view` say so. This module adds the management rules:
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

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from bphub.accounts.models import MEMBER_ROLES, RSO_ROLES
from bphub.core import policy
from bphub.meetings.models import ActionItem, Delegation, Document, Meeting, Outcome

CO_CHAIR_BODY_CODE = "BPMC"  # the Bali Process co-chairs are the Ministerial Conference's co-chairs


def drafts_shown(user, prefix: str = "", *, as_subquery: bool = False) -> Q:
    """The meetings (or, with `prefix` "meeting__", the parts of meetings) `user` may meet as far as
    drafts go: a draft only for those who may manage it (the RSO; a body's co-chairs for its meetings).
    Everyone else meets a draft, and everything hanging off it, as a missing record.
    `as_subquery` reads the co-chaired bodies inside the same SQL query instead of one query before it."""
    if is_rso(user):
        return Q()
    condition = ~Q(**{f"{prefix}status": Meeting.Status.DRAFT})
    if as_subquery:
        if policy.role_of(user) == "wg_co_chair":
            condition |= Q(**{f"{prefix}group_id__in": user.chaired_bodies.values("pk")})
        return condition
    chaired = chaired_body_ids(user)
    if chaired:
        condition |= Q(**{f"{prefix}group_id__in": chaired})
    return condition


def meetings_visible_to(user):
    """The meetings `user` may read: the policy's, less the drafts they may not manage."""
    return policy.visible_to(Meeting.objects.filter(drafts_shown(user)), user)


def is_rso(user) -> bool:
    return policy.role_of(user) in RSO_ROLES


def chaired_body_ids(user) -> set[int]:
    """The bodies a WG co-chair co-chairs (cached on the user for the request)."""
    if policy.role_of(user) != "wg_co_chair":
        return set()
    cached = getattr(user, "_chaired_body_ids", None)
    if cached is None:
        cached = set(user.chaired_bodies.values_list("pk", flat=True))
        user._chaired_body_ids = cached
    return cached


def can_create_meeting(user) -> bool:
    return is_rso(user) or bool(chaired_body_ids(user))


def can_manage_meeting(user, meeting: Meeting) -> bool:
    """Edit, invite, approve delegations, publish documents and outcomes, move the lifecycle."""
    if not policy.can_view(user, meeting):
        return False
    if is_rso(user):
        return True
    return meeting.group_id is not None and meeting.group_id in chaired_body_ids(user)


OUTCOMES_PUBLISHED = (Meeting.Status.OUTCOMES_PUBLISHED, Meeting.Status.CLOSED)


def outcomes_shown(user, meeting: Meeting) -> bool:
    """Are the outcomes of `meeting` (a meeting `user` may read) shown to `user`? Once published, to
    its readers (each outcome through the policy); before, only to those who manage the meeting."""
    if meeting.status in OUTCOMES_PUBLISHED or is_rso(user):
        return True
    return meeting.group_id is not None and meeting.group_id in chaired_body_ids(user)


def is_bali_process_co_chair(user) -> bool:
    """A coordinator or co-chair acting for a member that co-chairs the Bali Process today."""
    if policy.role_of(user) not in {"member_coordinator", "wg_co_chair"}:
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
    role = policy.role_of(user)
    if role in RSO_ROLES:
        return True
    return role == "member_coordinator" and user.member_id == delegation.member_id


def can_update_action(user, action: ActionItem) -> bool:
    """The owner reports progress: the owning member's people, the owning body's co-chairs, or the RSO."""
    if not policy.can_view(user, action):
        return False
    return owns_action(user, action)


def owns_action(user, action: ActionItem) -> bool:
    """The owner rule of `can_update_action` alone, for an action already known to be visible to `user`
    (lists filtered by the policy use it so that they need no query per row)."""
    role = policy.role_of(user)
    if role in RSO_ROLES:
        return True
    if role not in MEMBER_ROLES:
        return False
    if action.owner_kind == ActionItem.Owner.MEMBER:
        return action.owner_member_id == user.member_id and role in {"member_coordinator", "member_official"}
    if action.owner_kind == ActionItem.Owner.BODY:
        return action.owner_body_id in chaired_body_ids(user)
    return False


def get_meeting_or_404(user, pk) -> Meeting:
    return policy.get_visible_or_404(
        Meeting.objects.filter(drafts_shown(user)).select_related("series", "group", "host"), user, pk=pk
    )


def get_meeting_for_management(user, pk) -> Meeting:
    """The meeting, if `user` may manage it; Http404 otherwise, so nothing leaks."""
    meeting = get_meeting_or_404(user, pk)
    if not can_manage_meeting(user, meeting):
        raise Http404
    return meeting


def documents_shown(user):
    """Documents of a body, or of a meeting whose draft `user` may see (see `drafts_shown`)."""
    drafts = drafts_shown(user, "meeting__")
    return Document.objects.filter(Q(meeting__isnull=True) | drafts) if drafts else Document.objects.all()


def get_document_or_404(user, pk) -> Document:
    return policy.get_visible_or_404(
        documents_shown(user).select_related("meeting", "group", "current_version"), user, pk=pk
    )


def get_outcome_or_404(user, pk) -> Outcome:
    return policy.get_visible_or_404(
        Outcome.objects.filter(drafts_shown(user, "meeting__")).select_related("meeting"), user, pk=pk
    )


def get_action_or_404(user, pk) -> ActionItem:
    return policy.get_visible_or_404(
        ActionItem.objects.filter(drafts_shown(user, "meeting__")).select_related(
            "meeting", "owner_member", "owner_body"
        ),
        user,
        pk=pk,
    )


def get_action_for_update(user, pk) -> ActionItem:
    action = get_action_or_404(user, pk)
    if not can_update_action(user, action):
        raise Http404
    return action


def can_edit_work_plan(user, body) -> bool:
    """A body's forward work plan is kept by its co-chairs and the RSO."""
    return is_rso(user) or body.pk in chaired_body_ids(user)

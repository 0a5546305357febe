"""Who may announce to whom, on top of the one policy (`bphub.core.policy`).

Reading an announcement is always the policy's (its classification follows from its audience).
Announcing:
- the RSO (admins and staff) announces to any audience: the public, all members, any body,
  any sub-region, any engagement list it may see;
- a working-group co-chair announces to the bodies they co-chair (body-level);
- a member coordinator announces to a saved engagement list they may see (their member's own
  lists and the lists shared with them); the announcement is then restricted to the members of
  the people on the list, with the coordinator's member as originator.
Nobody else announces. Every `get_*` helper answers Http404 for what may not be seen.
"""

from bphub.accounts.models import RSO_ROLES
from bphub.communications.models import Announcement
from bphub.core import policy

Audience = Announcement.Audience


def is_rso(user) -> bool:
    return policy.role_of(user) in RSO_ROLES


def chaired_body_ids(user) -> set[int]:
    """The bodies a working-group co-chair co-chairs (cached on the user for the request)."""
    if policy.role_of(user) != "wg_co_chair":
        return set()
    cached = getattr(user, "_chaired_body_ids", None)
    if cached is None:
        cached = set(user.chaired_bodies.values_list("pk", flat=True))
        user._chaired_body_ids = cached
    return cached


def audiences_for(user) -> list[str]:
    """The kinds of audience `user` may announce to, widest first (empty: may not announce)."""
    if is_rso(user):
        return [Audience.PUBLIC, Audience.ALL_MEMBERS, Audience.BODY, Audience.SUB_REGION, Audience.LIST]
    role = policy.role_of(user)
    if role == "wg_co_chair" and chaired_body_ids(user):
        return [Audience.BODY]
    if role == "member_coordinator":
        return [Audience.LIST]
    return []


def can_create_announcements(user) -> bool:
    return bool(audiences_for(user))


def may_announce_to(user, *, audience: str, body=None, sub_region=None, engagement_list=None) -> bool:
    """May `user` announce to this audience (the body, sub-region or list it names)?"""
    if audience not in audiences_for(user):
        return False
    if audience == Audience.BODY:
        return body is not None and (is_rso(user) or body.pk in chaired_body_ids(user))
    if audience == Audience.SUB_REGION:
        return sub_region is not None
    if audience == Audience.LIST:
        return engagement_list is not None and policy.can_view(user, engagement_list)
    return True


def get_announcement_or_404(user, pk) -> Announcement:
    """A published announcement the user may read; Http404 otherwise (drafts included)."""
    queryset = Announcement.objects.filter(published_at__isnull=False).select_related("meeting", "originator", "body")
    return policy.get_visible_or_404(queryset, user, pk=pk)

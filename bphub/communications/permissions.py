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

from bphub.communications.models import Announcement
from bphub.core import policy

Audience = Announcement.Audience

# The shared rules live in the policy; the communications code reads them from here too.
is_rso = policy.is_rso
chaired_body_ids = policy.chaired_body_ids


def audiences_for(user) -> list[str]:
    """The kinds of audience `user` may announce to, widest first (empty: may not announce)."""
    if is_rso(user):
        return [Audience.PUBLIC, Audience.ALL_MEMBERS, Audience.BODY, Audience.SUB_REGION, Audience.LIST]
    if chaired_body_ids(user):
        return [Audience.BODY]
    if policy.is_coordinator(user):
        return [Audience.LIST]
    return []


def can_create_announcements(user) -> bool:
    return bool(audiences_for(user))


def may_announce_to(user, *, audience: str, body=None, sub_region=None, engagement_list=None) -> bool:
    """May `user` announce to this audience (the body, sub-region or list it names)?"""
    if audience not in audiences_for(user):
        return False
    if audience == Audience.BODY:
        return body is not None and policy.runs_body(user, body.pk)
    if audience == Audience.SUB_REGION:
        return sub_region is not None
    if audience == Audience.LIST:
        return engagement_list is not None and policy.can_view(user, engagement_list)
    return True


def get_announcement_or_404(user, pk) -> Announcement:
    """A published announcement the user may read; Http404 otherwise (drafts included)."""
    queryset = Announcement.objects.filter(published_at__isnull=False).select_related("meeting", "originator", "body")
    return policy.get_visible_or_404(queryset, user, pk=pk)

"""Small pieces every meetings service shares."""

from django.utils import timezone

from bphub.accounts.models import MEMBER_ROLES, RSO_ROLES
from bphub.core import policy
from bphub.meetings.models import Meeting


def meeting_touch(meeting_id: int) -> None:
    """Mark the meeting changed: cached pages, packs and feeds keyed on `updated_at` are rebuilt.

    Every service that changes what a meeting's page shows (agenda, delegations, documents,
    outcomes, action items) calls this inside its transaction.
    """
    Meeting.objects.filter(pk=meeting_id).update(updated_at=timezone.now())


def readership_key(user) -> str:
    """Two readers with the same key see the same meetings and parts of meetings through the policy
    (classification rules only; per-person grants, such as an approved participant's documents,
    must be added to a cache key by the caller)."""
    role = policy.role_of(user)
    if role in RSO_ROLES:
        return "rso"
    if role in MEMBER_ROLES and user.member_id:
        seats = ",".join(str(pk) for pk in sorted(policy.seated_body_ids(user)))
        return f"m{user.member_id}:{seats}"
    return "public"

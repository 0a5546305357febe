"""Small pieces every meetings service shares."""

from django.utils import timezone

from bphub.core import policy
from bphub.meetings.models import Meeting


def meeting_touch(meeting_id: int) -> None:
    """Mark the meeting changed: cached pages, packs and feeds keyed on `updated_at` are rebuilt.

    Every service that changes what a meeting's page shows (agenda, delegations, documents,
    outcomes, action items) calls this inside its transaction.
    """
    Meeting.objects.filter(pk=meeting_id).update(updated_at=timezone.now())


# The one readership key (what a reader may see by classification) is the policy's.
readership_key = policy.readership_key

"""Scheduling across the region's time zones: the slot finder and the burden record."""

from bphub.meetings.models import Meeting


def meeting_local_times_record(meeting: Meeting) -> None:
    """Record where the meeting's start falls in each invited member's day (see MeetingLocalTime)."""
    # Filled in by the scheduling work.
    return None

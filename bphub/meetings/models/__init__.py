"""The secretariat hub: meetings and their series, agendas, invitations and delegations,
documents, outcomes and the action items that follow them, and calendar feeds.

A meeting is a ClassifiedModel: the one policy (`bphub.core.policy`) decides who reads it, and
everything hanging off it names it as its `policy_parent`, so the policy reads a part only while
its meeting is readable, at the moment of reading. Documents, outcomes and action items also carry
their own classification, never wider than their meeting's (`policy.classification_is_within`).

Times are stored in UTC; each meeting keeps its host's IANA time zone, and every page shows times
in the reader's own zone with the host's beside it.
"""

from bphub.core.policy import CLASSIFICATION_RANK, classification_is_within
from bphub.meetings.models.followup import (
    ActionItem,
    ActionItemUpdate,
    Outcome,
    WorkPlanItem,
    outcomes_shown,
    outcomes_shown_q,
)
from bphub.meetings.models.meetings import (
    OUTCOMES_PUBLISHED,
    AgendaItem,
    AgendaSession,
    CalendarFeedToken,
    Kind,
    Meeting,
    MeetingLocalTime,
    MeetingSeries,
    validate_time_zone,
    zone,
)
from bphub.meetings.models.participation import (
    Delegate,
    Delegation,
    Document,
    DocumentVersion,
    MeetingInvitation,
    approved_participant_id,
    is_approved_participant,
)

__all__ = [
    "CLASSIFICATION_RANK",
    "OUTCOMES_PUBLISHED",
    "ActionItem",
    "ActionItemUpdate",
    "AgendaItem",
    "AgendaSession",
    "CalendarFeedToken",
    "Delegate",
    "Delegation",
    "Document",
    "DocumentVersion",
    "Kind",
    "Meeting",
    "MeetingInvitation",
    "MeetingLocalTime",
    "MeetingSeries",
    "Outcome",
    "WorkPlanItem",
    "approved_participant_id",
    "classification_is_within",
    "is_approved_participant",
    "outcomes_shown",
    "outcomes_shown_q",
    "validate_time_zone",
    "zone",
]

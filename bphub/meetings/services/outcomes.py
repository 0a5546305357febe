"""Writes for a meeting's outcomes: decisions, recommendations, the co-chairs' statement and minutes.

An outcome is classified on its own, never more widely than its meeting: it takes the meeting's
originator and body, and a restricted outcome is released to the meeting's named members (or to
some of them, when the meeting itself is restricted). Every change is audited with what it was
before and after, so an outcome edited after the meeting's outcomes were published keeps its history.
Publishing itself is a lifecycle transition of the meeting (`meeting_publish_outcomes`).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from bphub.core.audit import audit_record
from bphub.core.models import Classification
from bphub.meetings.models import Meeting, Outcome
from bphub.meetings.services.common import meeting_touch

PUBLISHED_STATUSES = (Meeting.Status.OUTCOMES_PUBLISHED, Meeting.Status.CLOSED)


def members_reading(meeting: Meeting) -> set[int] | None:
    """The members whose people read `meeting` through the policy (None: every member)."""
    level = meeting.classification
    if level in (Classification.PUBLIC, Classification.MEMBERS):
        return None
    readers = {meeting.originator_id} if meeting.originator_id else set()
    if level == Classification.BODY and meeting.body_id:
        from django.utils import timezone

        from bphub.members.models import BodyMembership

        seats = BodyMembership.objects.on(timezone.localdate()).filter(body_id=meeting.body_id)
        readers |= set(seats.values_list("member_id", flat=True))
    elif level == Classification.RESTRICTED and meeting.pk:
        readers |= set(meeting.released_to.values_list("pk", flat=True))
    return readers


def released_beyond_meeting(meeting: Meeting, chosen) -> list[str]:
    """The codes of the `chosen` members that may not read `meeting` (a part of it is released to none of them)."""
    readers = members_reading(meeting)
    if readers is None:
        return []
    return sorted(member.code for member in chosen if member.pk not in readers)


def classify_within_meeting(record, *, meeting: Meeting, classification: str | None, released_to=None) -> list:
    """Give `record` (an outcome, an action item) a classification no wider than `meeting`'s.

    Sets classification (the meeting's when None), originator and body from the meeting, and returns
    the members a restricted record is released to (the meeting's named members unless `released_to`
    says otherwise; never a member that may not read the meeting: for a restricted meeting, one it is
    not released to; for a body-level one, one without a seat on its body today).
    Raises ValidationError naming the field when the classification or the named members would be wider.
    The caller saves the record, sets `released_to` and runs `full_clean()` (the model's own check).
    """
    record.meeting = meeting
    record.classification = classification or meeting.classification
    record.originator_id = meeting.originator_id
    record.body_id = meeting.body_id or meeting.group_id
    if record.classification != Classification.RESTRICTED:
        return []
    meeting_named = list(meeting.released_to.all()) if meeting.pk else []
    chosen = meeting_named if released_to is None else list(released_to)
    wider = released_beyond_meeting(meeting, chosen)
    if wider:
        raise ValidationError(
            {
                "released_to": _(
                    "The meeting is not released to %(codes)s: a part of it cannot be released more widely."
                )
                % {"codes": ", ".join(wider)}
            }
        )
    return chosen


def _outcome_state(outcome: Outcome) -> dict:
    return {
        "kind": outcome.kind,
        "text": dict(outcome.text or {}),
        "classification": outcome.classification,
        "released_to": sorted(outcome.released_to.values_list("code", flat=True)) if outcome.pk else [],
    }


@transaction.atomic
def outcome_create(
    *,
    meeting: Meeting,
    kind: str,
    text: dict,
    classification: str | None = None,
    released_to: Iterable | None = None,
    actor,
) -> Outcome:
    """Record an outcome of `meeting` (the caller checked that `actor` may manage the meeting).

    Guarantees: the outcome is never readable more widely than the meeting; it is placed after the
    meeting's other outcomes; the meeting is touched (pages and packs rebuild) and the creation audited.
    Raises ValidationError (naming the field) and changes nothing when the input is not acceptable.
    """
    outcome = Outcome(kind=kind, text=text or {}, created_by=actor)
    named = classify_within_meeting(outcome, meeting=meeting, classification=classification, released_to=released_to)
    last = Outcome.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"]
    outcome.position = 0 if last is None else last + 1
    outcome.full_clean()
    outcome.save()
    outcome.released_to.set(named)
    meeting_touch(meeting.pk)
    audit_record(
        verb="outcome.created", actor=actor, target=outcome, meeting_id=meeting.pk, after=_outcome_state(outcome)
    )
    return outcome


@transaction.atomic
def outcome_update(
    *,
    outcome: Outcome,
    kind: str,
    text: dict,
    classification: str | None = None,
    released_to: Iterable | None = None,
    actor,
) -> Outcome:
    """Change an outcome; what it said before and after goes to the audit log (also after publication,
    which the audit event records as `after_publication`).

    Raises ValidationError (naming the field) and changes nothing when the input is not acceptable.
    """
    outcome = Outcome.objects.select_for_update().select_related("meeting").get(pk=outcome.pk)
    meeting = outcome.meeting
    before = _outcome_state(outcome)
    outcome.kind = kind
    outcome.text = text or {}
    named = classify_within_meeting(outcome, meeting=meeting, classification=classification, released_to=released_to)
    outcome.full_clean()
    outcome.save()
    outcome.released_to.set(named)
    after = _outcome_state(outcome)
    if after != before:
        meeting_touch(meeting.pk)
        audit_record(
            verb="outcome.updated",
            actor=actor,
            target=outcome,
            meeting_id=meeting.pk,
            after_publication=meeting.status in PUBLISHED_STATUSES,
            before=before,
            after=after,
        )
    return outcome

"""Writes for action items: made at a meeting, followed up by their owner until done.

An action is owned by a member, a body (a working group…) or the RSO. Its owner's people report
progress (`action_progress`): each report is an `ActionItemUpdate` with the status it moved to,
written once and never edited. Open actions of a series carry forward to its later meetings by
query (`bphub.meetings.selectors.followup`), so no row is ever copied.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.core.i18n import localize
from bphub.core.models import Classification
from bphub.meetings.models import ActionItem, ActionItemUpdate, Meeting, Outcome
from bphub.meetings.permissions import action_owner_users
from bphub.meetings.services.common import meeting_touch
from bphub.meetings.services.outcomes import classify_within_meeting


def touch_meetings_showing(action: ActionItem) -> None:
    """The action's meeting, and the later meetings of its series (they show it while it is open)."""
    meeting = action.meeting
    meeting_touch(meeting.pk)
    if meeting.series_id:
        Meeting.objects.filter(series_id=meeting.series_id, starts_at__gt=meeting.starts_at).update(
            updated_at=timezone.now()
        )


def _check_owner_reads_it(action: ActionItem, named: list) -> None:
    """An owner that could not read its own action could never report on it."""
    if action.owner_kind == ActionItem.Owner.MEMBER and action.owner_member_id:
        if action.classification == Classification.SECRETARIAT:
            raise ValidationError({"classification": _("A secretariat-only action can be owned by the RSO only.")})
        if action.classification == Classification.RESTRICTED and action.owner_member_id != action.originator_id:
            if action.owner_member_id not in {member.pk for member in named}:
                raise ValidationError(
                    {"owner_member": _("The owner is not among the members this restricted action is released to.")}
                )
        if action.classification == Classification.BODY and action.owner_member_id != action.originator_id:
            from bphub.members.models import BodyMembership

            seated = BodyMembership.objects.on(timezone.localdate()).filter(
                member_id=action.owner_member_id, body_id=action.body_id
            )
            if not seated.exists():
                raise ValidationError(
                    {"owner_member": _("The owner holds no seat on the body this action is limited to.")}
                )


@transaction.atomic
def action_create(
    *,
    meeting: Meeting,
    title: dict,
    owner_kind: str,
    owner_member=None,
    owner_body=None,
    due_on: date | None = None,
    classification: str | None = None,
    released_to: Iterable | None = None,
    outcome: Outcome | None = None,
    actor,
) -> ActionItem:
    """Create an action at `meeting` (the caller checked that `actor` may manage the meeting).

    Guarantees: exactly one owner; a classification no wider than the meeting's, readable by its owner;
    an outcome, when given, of the same meeting; the meeting (and the later meetings of its series)
    touched; the creation audited; the owner's people notified (topic ACTION) through the policy.
    Raises ValidationError naming the field, and changes nothing, when the input is not acceptable.
    """
    if owner_kind == ActionItem.Owner.MEMBER and owner_member is None:
        raise ValidationError({"owner_member": _("Choose the member that owns the action.")})
    if owner_kind == ActionItem.Owner.BODY and owner_body is None:
        raise ValidationError({"owner_body": _("Choose the body that owns the action.")})
    if outcome is not None and outcome.meeting_id != meeting.pk:
        raise ValidationError({"outcome": _("The outcome belongs to another meeting.")})
    action = ActionItem(
        title=title or {},
        owner_kind=owner_kind,
        owner_member=owner_member if owner_kind == ActionItem.Owner.MEMBER else None,
        owner_body=owner_body if owner_kind == ActionItem.Owner.BODY else None,
        due_on=due_on,
        outcome=outcome,
        created_by=actor,
    )
    named = classify_within_meeting(action, meeting=meeting, classification=classification, released_to=released_to)
    action.full_clean()
    _check_owner_reads_it(action, named)
    action.save()
    action.released_to.set(named)
    touch_meetings_showing(action)
    audit_record(
        verb="action.created",
        actor=actor,
        target=action,
        meeting_id=meeting.pk,
        owner=action.owner_kind,
        owner_member=getattr(action.owner_member, "code", None),
        owner_body=getattr(action.owner_body, "code", None),
        due_on=action.due_on.isoformat() if action.due_on else None,
        classification=action.classification,
    )
    if meeting.status != Meeting.Status.DRAFT:
        # A draft is seen only by its managers: the owner finds the action on their dashboard once announced.
        _notify_owner(action)
    return action


def _notify_owner(action: ActionItem) -> None:
    from bphub.communications.models import Topic
    from bphub.communications.services import notify

    def title():
        return _("Action assigned to %(owner)s: %(action)s") % {
            "owner": action.owner_label,
            "action": localize(action.title).text,
        }

    notify(
        users=list(action_owner_users(action)),
        topic=Topic.ACTION,
        verb="action.assigned",
        title=title,
        url=action.get_absolute_url(),
        target=action,
    )


@transaction.atomic
def action_progress(*, action: ActionItem, text: str, status: str, actor) -> ActionItemUpdate:
    """Report progress on an action (the caller checked `can_update_action`): one new update, kept as
    written, with the status before and after. Marking it done sets `completed_on` (today); any other
    status clears it.

    Raises ValidationError naming the field, and changes nothing, for an empty text or an unknown status.
    """
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what was done or why the status changes.")})
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses offered.")})
    action = ActionItem.objects.select_for_update().select_related("meeting").get(pk=action.pk)
    before = action.status
    update = ActionItemUpdate(action_item=action, text=text, status_before=before, status_after=status, author=actor)
    update.full_clean()
    update.save()
    action.status = status
    if status == ActionItem.Status.DONE:
        action.completed_on = action.completed_on if before == ActionItem.Status.DONE else timezone.localdate()
    else:
        action.completed_on = None
    action.save(update_fields=["status", "completed_on", "updated_at"])
    touch_meetings_showing(action)
    audit_record(
        verb="action.progress",
        actor=actor,
        target=action,
        update_id=update.pk,
        status_before=before,
        status_after=status,
        via_role=policy.role_of(actor),
    )
    return update

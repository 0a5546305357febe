"""Demo: something waits for each demo role that would have work in a real week. Demo mode only.

The demo year (`bphub.demo.meetings`) draws delegation states at random, and the directory has no
proposals, so the home's "What needs you" could be empty for a role that would not be: this sets,
after both are loaded, a few states a real week has (idempotent; fictitious like the rest):
- Thailand's coordinator: Thailand's delegation to the next meeting open for nominations is still
  to be nominated, and one Thai focal point proposed a change to their record;
- Indonesia's official: Indonesia's delegation to a meeting within the month is approved;
- the RSO: at least one nominated delegation waits for approval;
- the Australian co-chair of TIPWG: one of the group's actions is overdue.
Researchers and alumni have nothing waiting; their home says what they can do first.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bphub.directory.models import ChangeProposal, FocalPoint
from bphub.meetings.models import ActionItem, Delegate, Delegation, Meeting
from bphub.members.models import Member

D = Delegation.Status


def _open_meetings():
    return Meeting.objects.filter(
        is_demo=True, status=Meeting.Status.REGISTRATION_OPEN, nomination_deadline__gt=timezone.now()
    ).order_by("starts_at", "pk")


def _to_nominate(member: Member) -> bool:
    waiting = Delegation.objects.filter(meeting__in=_open_meetings(), member=member, status__in=[D.INVITED, D.RETURNED])
    if waiting.exists():
        return False
    delegation = Delegation.objects.filter(meeting__in=_open_meetings(), member=member).order_by("meeting__starts_at")
    delegation = delegation.first()
    if delegation is None:
        return False
    delegation.delegates.all().delete()
    delegation.status, delegation.submitted_at, delegation.decided_at = D.INVITED, None, None
    delegation.save(update_fields=["status", "submitted_at", "decided_at", "updated_at"])
    return True


def _approved_soon(member: Member) -> bool:
    now = timezone.now()
    soon = Delegation.objects.filter(
        member=member,
        meeting__is_demo=True,
        meeting__starts_at__gt=now,
        meeting__starts_at__lte=now + timedelta(days=30),
    ).exclude(meeting__status=Meeting.Status.DRAFT)
    if soon.filter(status=D.APPROVED).exists():
        return False
    delegation = soon.order_by("meeting__starts_at").first()
    person = FocalPoint.objects.filter(member=member, is_active=True).order_by("full_name", "pk").first()
    if delegation is None or person is None:
        return False
    if not delegation.delegates.exists():
        Delegate.objects.create(delegation=delegation, focal_point=person, role=Delegate.Role.HEAD)
    delegation.status = D.APPROVED
    delegation.submitted_at = delegation.submitted_at or delegation.meeting.starts_at - timedelta(days=20)
    delegation.decided_at = delegation.meeting.starts_at - timedelta(days=16)
    delegation.save(update_fields=["status", "submitted_at", "decided_at", "updated_at"])
    return True


def _waiting_for_approval() -> bool:
    if Delegation.objects.filter(meeting__in=_open_meetings(), status=D.SUBMITTED).exists():
        return False
    for delegation in Delegation.objects.filter(meeting__in=_open_meetings(), status=D.INVITED).order_by("pk"):
        person = FocalPoint.objects.filter(member=delegation.member_id, is_active=True).order_by("pk").first()
        if person is None:
            continue
        Delegate.objects.create(delegation=delegation, focal_point=person, role=Delegate.Role.HEAD)
        delegation.status, delegation.submitted_at = D.SUBMITTED, timezone.now() - timedelta(days=2)
        delegation.save(update_fields=["status", "submitted_at", "updated_at"])
        return True
    return False


def _group_action_overdue(body_code: str) -> bool:
    today = timezone.localdate()
    actions = ActionItem.objects.filter(is_demo=True, owner_body__code=body_code, status__in=ActionItem.OPEN_STATUSES)
    if actions.filter(due_on__lt=today).exists():
        return False
    action = actions.order_by("due_on", "pk").first()
    if action is None:
        return False
    action.due_on = today - timedelta(days=6)
    action.save(update_fields=["due_on", "updated_at"])
    return True


def _proposal(member: Member) -> bool:
    records = FocalPoint.objects.filter(member=member, is_active=True, is_demo=True)
    if ChangeProposal.objects.filter(focal_point__in=records).exists():
        return False
    person = records.exclude(title="").order_by("full_name", "pk").first()
    if person is None:
        return False
    ChangeProposal.objects.create(
        focal_point=person,
        proposed={"title": f"Deputy {person.title}"[:200]},
        base={"title": person.title},
        note="Fictitious demo: promoted last month.",
        submitted_at=timezone.now() - timedelta(days=3),
    )
    return True


@transaction.atomic
def demo_needs_ensure() -> dict[str, int]:
    """Set the few states listed in the module docstring; returns how many were set (0 when loaded twice)."""
    from bphub.demo.data import _require_demo_mode

    _require_demo_mode()
    members = {member.code: member for member in Member.objects.filter(code__in=["TH", "ID"])}
    changed = 0
    if "TH" in members:
        changed += _to_nominate(members["TH"]) + _proposal(members["TH"])
    if "ID" in members:
        changed += _approved_soon(members["ID"])
    changed += _waiting_for_approval() + _group_action_overdue("TIPWG")
    return {"needs": changed}

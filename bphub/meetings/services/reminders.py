"""Reminders before the nomination deadline and before the meeting, each sent at most once.

`reminder_sweep` (run hourly from every worker's upkeep by `reminder_sweep_if_due`, see
bphub/core/worker.py MAINTENANCE_JOBS):
(a) DEADLINE_REMINDER_DAYS before a meeting's nomination deadline, reminds the coordinators of the
    members whose delegation is still invited or returned;
(b) MEETING_REMINDER_DAYS before a meeting starts, reminds the approved delegates who have an
    account, and their members' coordinators.
Each kind is sent once per meeting: the meeting row is locked (SELECT ... FOR UPDATE on
PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), the mark re-read, the mail queued
in the outbox and the mark (`deadline_reminder_sent_at` / `meeting_reminder_sent_at`) written in
that one transaction, so a re-run or a second worker sends nothing twice, and a failure sends
nothing at all (the next run tries again). Each message is written in its reader's language and
time zone, and goes only to people the policy lets read the meeting.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bphub.accounts.models import Role, User
from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.meetings.models import Delegation, Meeting, zone
from bphub.meetings.services.invitations import member_coordinators

logger = logging.getLogger(__name__)

DEADLINE_REMINDER_DAYS = 3
MEETING_REMINDER_DAYS = 2
SWEEP_JOB_NAME = "meetings.reminder_sweep"
SWEEP_EVERY = timedelta(hours=1)
ACTIVE = (Meeting.Status.ANNOUNCED, Meeting.Status.REGISTRATION_OPEN)
PENDING = (Delegation.Status.INVITED, Delegation.Status.RETURNED)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _mail(*, user: User, meeting: Meeting, subject_for, template: str, context: dict) -> None:
    """Queue one message to `user` in the outbox (in the caller's transaction), in their language
    and with times in their zone (the host's beside it)."""
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(zone(user.time_zone)):
        body = render_to_string(
            template,
            {
                "user": user,
                "meeting": meeting,
                "starts": when(meeting.starts_at, user, meeting),
                "deadline": when(meeting.nomination_deadline, user, meeting),
                **context,
            },
        )
        subject = " ".join(str(subject_for(meeting)).split())  # a mail header is one line, whatever the title
    EmailMultiAlternatives(subject=subject, body=body, to=[user.email], headers={"Content-Language": language}).send()


def when(instant, user: User, meeting: Meeting) -> str:
    """“Tue 3 Mar 2026, 09:00 Asia/Jakarta (08:00 in Asia/Bangkok)”: the reader's zone first."""
    if instant is None:
        return ""
    fmt = "D j M Y, H:i"
    mine_zone, host_zone = zone(user.time_zone), meeting.host_zone
    mine = date_format(timezone.localtime(instant, mine_zone), fmt)
    if mine_zone.key == host_zone.key:
        return f"{mine} {mine_zone.key}"
    theirs = date_format(timezone.localtime(instant, host_zone), fmt)
    return _("%(mine)s %(zone)s (%(theirs)s in %(host_zone)s)") % {
        "mine": mine,
        "zone": mine_zone.key,
        "theirs": theirs,
        "host_zone": host_zone.key,
    }


def _readers(users, meeting: Meeting) -> list[User]:
    seen, kept = set(), []
    for user in users:
        if user.pk in seen or not user.is_active or not user.email:
            continue
        seen.add(user.pk)
        if policy.can_view(user, meeting):
            kept.append(user)
    return kept


def _deadline_recipients(meeting: Meeting) -> list[tuple[User, Delegation]]:
    delegations = {d.member_id: d for d in meeting.delegations.filter(status__in=PENDING).select_related("member")}
    coordinators = member_coordinators(list(delegations))
    return [(user, delegations[user.member_id]) for user in _readers(coordinators, meeting)]


def _meeting_recipients(meeting: Meeting) -> list[User]:
    approved = meeting.delegations.filter(status=Delegation.Status.APPROVED)
    delegates = User.objects.filter(
        is_active=True,
        focal_point__delegate_seats__delegation__in=approved,
    ).order_by("pk")
    coordinators = User.objects.filter(
        role=Role.MEMBER_COORDINATOR, is_active=True, member__delegations__in=approved
    ).order_by("pk")
    return _readers([*delegates, *coordinators], meeting)


def _meeting_path(meeting: Meeting) -> str:
    try:
        return meeting.get_absolute_url()
    except NoReverseMatch:  # the meeting page is another part's; the participant list is ours
        return reverse("meetings:participants", kwargs={"pk": meeting.pk})


def _claim(meeting_id: int, mark: str) -> Meeting | None:
    """The meeting, locked, if its `mark` is still empty; None when another run sent it."""
    return (
        Meeting.objects.select_for_update(of=("self",))
        .filter(pk=meeting_id, **{f"{mark}__isnull": True})
        .select_related("host")
        .first()
    )


def _deadline_subject(meeting):
    return _("Reminder: nominate your delegation to %(meeting)s") % {"meeting": meeting}


def _meeting_subject(meeting):
    return _("Reminder: %(meeting)s starts soon") % {"meeting": meeting}


def deadline_reminders_send(*, now: datetime | None = None) -> int:
    """(a) Remind coordinators whose delegation is pending, DEADLINE_REMINDER_DAYS before the
    deadline. Returns the number of messages queued."""
    now = now or timezone.now()
    due = (
        Meeting.objects.filter(
            status__in=ACTIVE,
            deadline_reminder_sent_at__isnull=True,
            nomination_deadline__gt=now,
            nomination_deadline__lte=now + timedelta(days=DEADLINE_REMINDER_DAYS),
        )
        .filter(
            # Not yet claimed while nobody is pending: members invited later are still reminded.
            Exists(Delegation.objects.filter(meeting=OuterRef("pk"), status__in=PENDING))
        )
        .values_list("pk", flat=True)
    )
    sent = 0
    for meeting_id in list(due):
        with transaction.atomic():
            meeting = _claim(meeting_id, "deadline_reminder_sent_at")
            if meeting is None:
                continue
            recipients = _deadline_recipients(meeting)
            for user, delegation in recipients:
                path = reverse("meetings:delegation_edit", kwargs={"pk": meeting.pk, "code": delegation.member.code})
                _mail(
                    user=user,
                    meeting=meeting,
                    subject_for=_deadline_subject,
                    template="meetings/participation/email/deadline_reminder.txt",
                    context={"delegation": delegation, "url": _absolute(path)},
                )
            Meeting.objects.filter(pk=meeting.pk).update(deadline_reminder_sent_at=now)
            audit_record(verb="meeting.deadline_reminder_sent", target=meeting, recipients=len(recipients))
            sent += len(recipients)
    return sent


def meeting_reminders_send(*, now: datetime | None = None) -> int:
    """(b) Remind the approved delegates with an account, and their coordinators,
    MEETING_REMINDER_DAYS before the meeting starts. Returns the number of messages queued."""
    now = now or timezone.now()
    due = (
        Meeting.objects.filter(
            status__in=ACTIVE,
            meeting_reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=MEETING_REMINDER_DAYS),
        )
        .filter(Exists(Delegation.objects.filter(meeting=OuterRef("pk"), status=Delegation.Status.APPROVED)))
        .values_list("pk", flat=True)
    )
    sent = 0
    for meeting_id in list(due):
        with transaction.atomic():
            meeting = _claim(meeting_id, "meeting_reminder_sent_at")
            if meeting is None:
                continue
            recipients = _meeting_recipients(meeting)
            path = _meeting_path(meeting)
            for user in recipients:
                _mail(
                    user=user,
                    meeting=meeting,
                    subject_for=_meeting_subject,
                    template="meetings/participation/email/meeting_reminder.txt",
                    context={"url": _absolute(path)},
                )
            Meeting.objects.filter(pk=meeting.pk).update(meeting_reminder_sent_at=now)
            audit_record(verb="meeting.reminder_sent", target=meeting, recipients=len(recipients))
            sent += len(recipients)
    return sent


def reminder_sweep(*, now: datetime | None = None) -> dict:
    """Both kinds of reminder; returns how many messages of each were queued."""
    now = now or timezone.now()
    return {
        "deadline_reminders": deadline_reminders_send(now=now),
        "meeting_reminders": meeting_reminders_send(now=now),
    }


def reminder_sweep_if_due(*, now: datetime | None = None) -> dict | None:
    """Run `reminder_sweep` unless it ran in the last hour (called after every worker heartbeat).

    The hour is claimed under a row lock (as the directory's daily sweep), so of several workers
    one runs it; the sweep is safe to run twice anyway (the per-meeting marks).
    """
    from bphub.directory.models import ScheduledRun

    now = now or timezone.now()
    if ScheduledRun.objects.filter(name=SWEEP_JOB_NAME, last_run_at__gt=now - SWEEP_EVERY).exists():
        return None
    ScheduledRun.objects.get_or_create(name=SWEEP_JOB_NAME)
    with transaction.atomic():
        run = ScheduledRun.objects.select_for_update().get(name=SWEEP_JOB_NAME)
        if run.last_run_at is not None and run.last_run_at > now - SWEEP_EVERY:
            return None
        run.last_run_at = now
        run.last_run_on = now.date()
        run.last_result = {"status": "running"}
        run.save()
    try:
        result = reminder_sweep(now=now)
    except Exception as error:
        ScheduledRun.objects.filter(name=SWEEP_JOB_NAME).update(
            last_result={"status": "failed", "error": f"{type(error).__name__}: {error}"[:500]}
        )
        logger.exception("The meetings reminder sweep failed; it runs again within the hour.")
        raise
    ScheduledRun.objects.filter(name=SWEEP_JOB_NAME).update(last_result={"status": "done", **result})
    return result

"""Reminders before the nomination deadline and before the meeting: to the right people, in their
language and time zone, each at most once per meeting however often and by how many workers the
sweep runs; delivered over real SMTP."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from bphub.core.models import AuditEvent, Classification
from bphub.directory.models import ScheduledRun
from bphub.meetings.models import Delegation, Meeting, zone
from bphub.meetings.services.reminders import (
    SWEEP_JOB_NAME,
    deadline_reminders_send,
    meeting_reminders_send,
    reminder_sweep,
    reminder_sweep_if_due,
)
from bphub.meetings.testing import make_delegation, make_meeting, make_person
from bphub.members.models import Member
from bphub.outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(db):
    return {
        code: Member.objects.create(code=code, name={"en": f"Member {code}"}, kind=Member.Kind.STATE)
        for code in ("AA", "BB", "CC")
    }


def deadline_soon(**fields) -> Meeting:
    """Nominations close in two days; the meeting is three weeks away."""
    return make_meeting(
        title="Ad Hoc Group SOM",
        status=Meeting.Status.REGISTRATION_OPEN,
        nomination_deadline=timezone.now() + timedelta(days=2),
        **fields,
    )


def starting_soon(**fields) -> Meeting:
    starts = timezone.now() + timedelta(days=1, hours=3)
    return make_meeting(
        title="Workshop on returns", status=Meeting.Status.REGISTRATION_OPEN, starts_at=starts, **fields
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_coordinators_of_pending_delegations_are_reminded_before_the_deadline_once(members, make_user):
    # given a meeting whose nominations close in two days: AA invited, BB returned, CC submitted
    meeting = deadline_soon()
    make_delegation(meeting, members["AA"])
    make_delegation(meeting, members["BB"], status=Delegation.Status.RETURNED)
    make_delegation(meeting, members["CC"], status=Delegation.Status.SUBMITTED)
    coordinators = {
        code: make_user("member_coordinator", members[code], email=f"coord-{code.lower()}@example.org")
        for code in members
    }
    make_user("member_official", members["AA"], email="official-aa@example.org")

    # when the sweep runs twice
    first = deadline_reminders_send()
    second = deadline_reminders_send()

    # then the coordinators of AA and BB were reminded, once, with the link to nominate
    assert (first, second) == (2, 0)
    assert recipients() == ["coord-aa@example.org", "coord-bb@example.org"]
    body = next(m.body for m in mail.outbox if m.to == [coordinators["AA"].email])
    assert f"/meetings/{meeting.pk}/delegations/AA/" in body and "Ad Hoc Group SOM" in body
    meeting.refresh_from_db()
    assert meeting.deadline_reminder_sent_at is not None
    assert AuditEvent.objects.filter(verb="meeting.deadline_reminder_sent", target_id=str(meeting.pk)).count() == 1


def test_no_deadline_reminder_too_early_after_the_deadline_or_when_nobody_is_pending(members, make_user):
    make_user("member_coordinator", members["AA"])
    far = make_meeting(status=Meeting.Status.REGISTRATION_OPEN, nomination_deadline=timezone.now() + timedelta(days=6))
    past = make_meeting(
        status=Meeting.Status.REGISTRATION_OPEN, nomination_deadline=timezone.now() - timedelta(hours=1)
    )
    done = deadline_soon()
    for meeting in (far, past):
        make_delegation(meeting, members["AA"])
    make_delegation(done, members["AA"], status=Delegation.Status.APPROVED)

    assert deadline_reminders_send() == 0
    assert not mail.outbox
    # a meeting with nobody pending is not marked, so members invited later are still reminded
    done.refresh_from_db()
    assert done.deadline_reminder_sent_at is None


def test_approved_delegates_with_an_account_and_their_coordinators_are_reminded_before_the_meeting(members, make_user):
    # given a meeting tomorrow: AA approved (one delegate with an account, one without), BB only submitted
    meeting = starting_soon()
    delegate_user = make_user("member_official", members["AA"], email="delegate-aa@example.org")
    make_delegation(
        meeting,
        members["AA"],
        status=Delegation.Status.APPROVED,
        people=[make_person(members["AA"], user=delegate_user), make_person(members["AA"])],
    )
    waiting_user = make_user("member_official", members["BB"], email="waiting-bb@example.org")
    make_delegation(
        meeting,
        members["BB"],
        status=Delegation.Status.SUBMITTED,
        people=[make_person(members["BB"], user=waiting_user)],
    )
    make_user("member_coordinator", members["AA"], email="coord-aa@example.org")
    make_user("member_coordinator", members["BB"], email="coord-bb@example.org")

    # when the sweep runs twice
    assert meeting_reminders_send() == 2
    assert meeting_reminders_send() == 0

    # then the approved delegate and AA's coordinator were reminded, once
    assert recipients() == ["coord-aa@example.org", "delegate-aa@example.org"]
    assert all("Workshop on returns" in message.subject for message in mail.outbox)
    meeting.refresh_from_db()
    assert meeting.meeting_reminder_sent_at is not None


def test_a_reminder_is_written_in_the_readers_language_and_time_zone(members, make_user):
    meeting = deadline_soon(time_zone="Asia/Bangkok")
    make_delegation(meeting, members["AA"])
    make_user("member_coordinator", members["AA"], language="id", time_zone="Pacific/Auckland")

    deadline_reminders_send()

    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "id"
    with translation.override("id"):
        day = date_format(timezone.localtime(meeting.nomination_deadline, zone("Pacific/Auckland")), "D j M Y, H:i")
    assert day in message.body
    assert "Pacific/Auckland" in message.body and "Asia/Bangkok" in message.body


def test_nobody_is_reminded_of_a_meeting_they_may_not_read(members, make_user):
    meeting = deadline_soon(classification=Classification.RESTRICTED, originator=members["AA"])
    make_delegation(meeting, members["BB"])  # not released to BB (made directly, not through an invitation)
    make_user("member_coordinator", members["BB"])
    deadline_reminders_send()
    assert not mail.outbox


def test_the_sweep_runs_at_most_hourly_from_the_workers(members, make_user):
    meeting = deadline_soon()
    make_delegation(meeting, members["AA"])
    make_user("member_coordinator", members["AA"])
    now = timezone.now()

    assert reminder_sweep_if_due(now=now) == {"deadline_reminders": 1, "meeting_reminders": 0}
    assert reminder_sweep_if_due(now=now + timedelta(minutes=30)) is None
    assert reminder_sweep_if_due(now=now + timedelta(minutes=61)) == {"deadline_reminders": 0, "meeting_reminders": 0}
    assert len(mail.outbox) == 1
    assert ScheduledRun.objects.get(name=SWEEP_JOB_NAME).last_result["status"] == "done"


def test_both_reminders_go_out_when_both_are_due(members, make_user):
    meeting = starting_soon(nomination_deadline=timezone.now() + timedelta(hours=20))
    make_delegation(meeting, members["AA"])
    person_user = make_user("member_official", members["BB"])
    make_delegation(
        meeting, members["BB"], status=Delegation.Status.APPROVED, people=[make_person(members["BB"], user=person_user)]
    )
    make_user("member_coordinator", members["AA"])
    assert reminder_sweep() == {"deadline_reminders": 1, "meeting_reminders": 1}


# -- over SMTP, through the outbox and the worker -----------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_triggers_paused_for_flush")
def test_a_worker_delivers_each_reminder_over_smtp_once(smtp_server, members, make_user):
    # given a coordinator to remind of a deadline and a delegate to remind of the meeting
    meeting = starting_soon(nomination_deadline=timezone.now() + timedelta(hours=20))
    make_delegation(meeting, members["AA"])
    make_user("member_coordinator", members["AA"], email="coord-aa@example.org")
    delegate = make_user("member_official", members["BB"], email="delegate-bb@example.org")
    make_delegation(
        meeting, members["BB"], status=Delegation.Status.APPROVED, people=[make_person(members["BB"], user=delegate)]
    )

    # when a worker runs its upkeep and its tasks, twice (the hourly throttle forgotten in between)
    call_command("worker", "--batch", "--interval", "0", verbosity=0)
    ScheduledRun.objects.filter(name=SWEEP_JOB_NAME).delete()
    call_command("worker", "--batch", "--interval", "0", verbosity=0)

    # then each reminder reached the SMTP server exactly once (the weekly digest, which now tells the
    # coordinator of the delegation to nominate, is the other mail a first upkeep may send)
    delivered = sorted((message["To"], message["Subject"].split(":")[0]) for message in smtp_server.messages)
    reminders = [(to, subject) for to, subject in delivered if subject == "Reminder"]
    assert reminders == [("coord-aa@example.org", "Reminder"), ("delegate-bb@example.org", "Reminder")]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}


def test_two_worker_processes_at_once_send_each_reminder_once(worker_processes, smtp_server, members, make_user):
    # given three coordinators to remind (the fixture skips on an in-memory SQLite database)
    meeting = deadline_soon()
    for code in members:
        make_delegation(meeting, members[code])
        make_user("member_coordinator", members[code], email=f"coord-{code.lower()}@example.org")

    # when two workers start at once and each runs its upkeep and its tasks
    workers = [worker_processes.start("--batch", "--worker-id", f"r{n}") for n in range(2)]
    for worker in workers:
        assert worker.wait(timeout=60) == 0, worker_processes.logs()

    # then every coordinator got exactly one reminder (the weekly digest, which now tells a
    # coordinator of a delegation to nominate, is the other mail a first upkeep may send: once each)
    reminders = [message for message in smtp_server.messages if message["Subject"].startswith("Reminder")]
    assert sorted(message["To"] for message in reminders) == [
        "coord-aa@example.org",
        "coord-bb@example.org",
        "coord-cc@example.org",
    ], worker_processes.logs()
    assert OutboundEmail.objects.filter(subject__startswith="Reminder").count() == 3
    others = [message["To"] for message in smtp_server.messages if message not in reminders]
    assert len(others) == len(set(others)), others

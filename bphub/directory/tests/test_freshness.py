"""The daily sweep: one confirmation link per review cycle, one word to coordinators when a record
turns delinquent, never a bounced address, once a day however many workers call it."""

import json
import re
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from bphub.core.models import AuditEvent
from bphub.core.tokens import token_digest
from bphub.directory.models import ConfirmationRequest, Email, FocalPoint, ScheduledRun
from bphub.directory.services.freshness import (
    CONFIRMATION_VALID_FOR,
    SWEEP_JOB_NAME,
    freshness_sweep,
    freshness_sweep_if_due,
)
from bphub.directory.testing import make_focal_point
from bphub.members.models import Member
from bphub.outbox.models import OutboundEmail
from bphub.outbox.services import outbox_deliver
from bphub.outbox.testing import OUTBOX_MAILER

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/directory/confirm/(?P<token>[\w-]+)/")


@pytest.fixture(autouse=True)
def mail_goes_to_the_outbox(settings):
    """Django's test setup swaps every mailer for locmem: put the outbox back, as in production."""
    settings.MAILERS = {**settings.MAILERS, "default": OUTBOX_MAILER}


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def thailand(reference):
    return Member.objects.get(code="TH")


def due_days_ago(person: FocalPoint, days: int) -> FocalPoint:
    """Time travel: the person's review fell due `days` ago."""
    FocalPoint.all_objects.filter(pk=person.pk).update(review_due_on=timezone.localdate() - timedelta(days=days))
    person.refresh_from_db()
    return person


def overdue(person, days=35):
    return due_days_ago(person, days)


def delinquent(person, days=70):
    return due_days_ago(person, days)


def mails_to(address: str) -> list[OutboundEmail]:
    return [email for email in OutboundEmail.objects.order_by("pk") if address in email.to]


def deliver_all() -> None:
    for pk in OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).values_list("pk", flat=True):
        assert outbox_deliver(email_id=pk) == "sent"


# -- reminders ----------------------------------------------------------------------------------


def test_an_overdue_person_is_mailed_one_single_use_link_that_reaches_them_over_smtp(indonesia, smtp_server):
    # given a focal point whose review is overdue
    person = overdue(make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@imigrasi.go.id"]))

    # when the sweep runs and the outbox delivers
    counts = freshness_sweep()
    deliver_all()

    # then one message reached their address, with a link whose token is stored only as a digest
    assert counts["reminders_sent"] == 1
    [message] = smtp_server.messages
    assert message["To"] == "siti@imigrasi.go.id"
    body = message.get_payload(decode=True).decode()
    token = LINK.search(body)["token"]
    assert "Confirm without change" in body and "Propose changes" in body
    request = ConfirmationRequest.objects.get(focal_point=person)
    assert request.token_digest == token_digest(token) and token not in request.token_digest
    assert not ConfirmationRequest.objects.filter(token_digest=token).exists()
    assert request.for_review_due_on == person.review_due_on
    assert request.sent_to == "siti@imigrasi.go.id"
    assert request.expires_at - request.created_at == CONFIRMATION_VALID_FOR
    assert AuditEvent.objects.filter(verb="focal_point.confirmation_requested", target_id=str(person.pk)).exists()


def test_running_the_sweep_again_sends_nothing_new(indonesia):
    overdue(make_focal_point(indonesia, emails=["a@example.org"]))
    first = freshness_sweep()
    second = freshness_sweep()
    assert first["reminders_sent"] == 1
    assert second["reminders_sent"] == 0 and second["reminders_already_sent"] == 1
    assert len(mails_to("a@example.org")) == 1
    assert ConfirmationRequest.objects.count() == 1


def test_a_reminder_is_sent_once_per_review_cycle(indonesia):
    # given a person reminded in this cycle, who did not answer for a week
    person = overdue(make_focal_point(indonesia, emails=["cycle@example.org"]))
    today = timezone.localdate()
    freshness_sweep(today=today)
    freshness_sweep(today=today + timedelta(days=7))
    assert len(mails_to("cycle@example.org")) == 1

    # when their next review cycle falls overdue (they confirmed in between, say)
    person.review_due_on = today + timedelta(days=150)
    person.save(update_fields=["review_due_on"])
    freshness_sweep(today=today + timedelta(days=185))

    # then they get a new link for the new cycle
    assert len(mails_to("cycle@example.org")) == 2
    assert ConfirmationRequest.objects.filter(focal_point=person).count() == 2


def test_records_that_are_only_due_or_up_to_date_get_nothing(indonesia):
    due_days_ago(make_focal_point(indonesia, emails=["due@example.org"]), 10)
    make_focal_point(indonesia, emails=["fresh@example.org"])
    counts = freshness_sweep()
    assert counts["reminders_sent"] == 0
    assert not OutboundEmail.objects.exists()


def test_inactive_and_merged_records_get_nothing(indonesia):
    gone = overdue(make_focal_point(indonesia, emails=["gone@example.org"]))
    FocalPoint.all_objects.filter(pk=gone.pk).update(is_active=False)
    freshness_sweep()
    assert not OutboundEmail.objects.exists()


def test_the_reminder_is_written_in_the_persons_preferred_language(indonesia):
    overdue(make_focal_point(indonesia, emails=["thai@example.org"], preferred_language="th"))
    overdue(make_focal_point(indonesia, emails=["vi@example.org"], preferred_language="vi"))
    freshness_sweep()
    [thai] = mails_to("thai@example.org")
    [english] = mails_to("vi@example.org")  # no Vietnamese interface: English
    assert thai.headers["Content-Language"] == "th"
    assert english.headers["Content-Language"] == "en"
    assert english.subject == "Please check your entry in the Bali Process directory"


def test_a_bounced_primary_address_is_skipped_for_the_next_good_one(indonesia):
    person = overdue(make_focal_point(indonesia, emails=["old@example.org", "new@example.org"]))
    Email.objects.filter(address="old@example.org").update(bounced_at=timezone.now(), bounce_reason="550")
    freshness_sweep()
    assert mails_to("old@example.org") == []
    assert len(mails_to("new@example.org")) == 1
    assert ConfirmationRequest.objects.get(focal_point=person).sent_to == "new@example.org"


def test_a_record_without_a_usable_address_is_counted_not_mailed(indonesia):
    # given one person whose only address bounced and one with none at all
    bounced = overdue(make_focal_point(indonesia, emails=["dead@example.org"]))
    Email.objects.filter(focal_point=bounced).update(bounced_at=timezone.now())
    nobody = overdue(make_focal_point(indonesia, emails=["x@example.org"]))
    nobody.emails.all().delete()

    counts = freshness_sweep()

    assert counts["no_usable_email"] == 2 and counts["reminders_sent"] == 0
    assert not OutboundEmail.objects.exists()
    assert not ConfirmationRequest.objects.exists()


# -- delinquency --------------------------------------------------------------------------------


def test_coordinators_get_one_digest_per_member_listing_the_delinquent_records(indonesia, thailand, make_user):
    # given two coordinators of Indonesia, a coordinator of Thailand, and three delinquent records
    first = make_user("member_coordinator", member=indonesia, email="coord1@example.org")
    second = make_user("member_coordinator", member=indonesia, email="coord2@example.org", language="id")
    make_user("member_coordinator", member=indonesia, email="former@example.org", is_active=False)
    make_user("member_coordinator", member=thailand, email="thai.coord@example.org")
    ana = delinquent(make_focal_point(indonesia, full_name="Ana Lestari"))
    budi = delinquent(make_focal_point(indonesia, full_name="Budi Hartono"))
    somchai = delinquent(make_focal_point(thailand, full_name="Somchai Prasert"))

    # when the sweep runs twice
    counts = freshness_sweep()
    again = freshness_sweep()

    # then each active coordinator got exactly one digest naming their member's records
    assert counts["delinquent_notified"] == 3 and counts["digests_sent"] == 3
    assert again["delinquent_notified"] == 0 and again["digests_sent"] == 0
    [digest] = mails_to(first.email)
    assert "Ana Lestari" in digest.body and "Budi Hartono" in digest.body and "Somchai" not in digest.body
    assert f"/directory/people/{ana.pk}/" in digest.body and f"/directory/people/{budi.pk}/" in digest.body
    assert len(mails_to(second.email)) == 1
    assert mails_to(second.email)[0].headers["Content-Language"] == "id"
    assert digest.headers["Content-Language"] == "en"
    assert mails_to("former@example.org") == []
    [thai_digest] = mails_to("thai.coord@example.org")
    assert "Somchai Prasert" in thai_digest.body and "Ana" not in thai_digest.body
    for person in (ana, budi, somchai):
        person.refresh_from_db()
        assert person.delinquency_notified_for == person.review_due_on


def test_delinquent_records_get_no_confirmation_link(indonesia, make_user):
    make_user("member_coordinator", member=indonesia, email="coord@example.org")
    delinquent(make_focal_point(indonesia, emails=["late@example.org"]))
    freshness_sweep()
    assert mails_to("late@example.org") == []


def test_a_record_delinquent_again_in_a_later_cycle_is_reported_again(indonesia, make_user):
    make_user("member_coordinator", member=indonesia, email="coord@example.org")
    person = delinquent(make_focal_point(indonesia, full_name="Dewi Sari"))
    freshness_sweep()
    # the person confirmed, then let the next cycle lapse too
    delinquent(person, days=65)
    freshness_sweep()
    assert len(mails_to("coord@example.org")) == 2


def test_a_coordinator_is_not_told_about_records_they_may_not_see(indonesia, make_user):
    coordinator = make_user("member_coordinator", member=indonesia, email="coord@example.org")
    hidden = delinquent(make_focal_point(indonesia, full_name="Hidden Person", classification="secretariat"))
    freshness_sweep()
    assert mails_to(coordinator.email) == []
    hidden.refresh_from_db()
    assert hidden.delinquency_notified_for == hidden.review_due_on  # the RSO sees it on the health page


# -- once a day ---------------------------------------------------------------------------------


def test_the_sweep_runs_once_a_day_however_many_workers_ask(indonesia):
    overdue(make_focal_point(indonesia, emails=["once@example.org"]))
    # Nine in the morning of today, in the site's zone: "30 minutes later" stays the same day even
    # when the suite runs just before midnight.
    site_zone = timezone.get_default_timezone()
    morning = datetime.combine(timezone.localdate(timezone=site_zone), time(9), tzinfo=site_zone)

    first_worker = freshness_sweep_if_due(now=morning)
    second_worker = freshness_sweep_if_due(now=morning + timedelta(seconds=5))
    later_that_day = freshness_sweep_if_due(now=morning + timedelta(minutes=30))

    assert first_worker["reminders_sent"] == 1
    assert second_worker is None and later_that_day is None
    run = ScheduledRun.objects.get(name=SWEEP_JOB_NAME)
    assert run.last_run_on == morning.date()
    assert run.last_result["status"] == "done" and run.last_result["reminders_sent"] == 1

    # the next day it runs again
    assert freshness_sweep_if_due(now=morning + timedelta(days=1)) is not None


def test_worker_upkeep_runs_the_sweep(indonesia):
    from bphub.core.worker import worker_upkeep

    overdue(make_focal_point(indonesia, emails=["upkeep@example.org"]))
    worker_upkeep(worker_id="worker-a")
    worker_upkeep(worker_id="worker-b")
    assert len(mails_to("upkeep@example.org")) == 1


def test_the_command_runs_the_sweep_for_a_given_day_and_prints_the_counts(indonesia):
    person = make_focal_point(indonesia, emails=["cmd@example.org"])
    day = person.review_due_on + timedelta(days=40)  # overdue by then
    out = StringIO()
    call_command("directory_sweep", "--today", day.isoformat(), "--json", stdout=out)
    assert json.loads(out.getvalue())["reminders_sent"] == 1
    plain = StringIO()
    call_command("directory_sweep", "--today", day.isoformat(), stdout=plain)
    assert "reminders sent: 0" in plain.getvalue()
    assert len(mails_to("cmd@example.org")) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_triggers_paused_for_flush")
def test_a_worker_sends_the_days_reminders_over_smtp_once(smtp_server, indonesia):
    # given an overdue person
    overdue(make_focal_point(indonesia, full_name="Worker Test", emails=["worker@example.org"]))

    # when two workers run their upkeep and their tasks
    call_command("worker", "--batch", "--interval", "0", verbosity=0)
    call_command("worker", "--batch", "--interval", "0", verbosity=0)

    # then the reminder reached the SMTP server exactly once
    assert [message["To"] for message in smtp_server.messages] == ["worker@example.org"]
    assert ScheduledRun.objects.get(name=SWEEP_JOB_NAME).last_result["reminders_sent"] == 1

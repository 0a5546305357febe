"""The outbox end to end: send_mail() → outbox row + task → `manage.py worker` → a real SMTP server."""

from datetime import timedelta

import pytest
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bphub.core.models import WorkerHeartbeat
from bphub.outbox.models import OutboundEmail
from bphub.outbox.services import outbox_deliver, outbox_requeue_orphans
from bphub.outbox.tasks import deliver_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("audit_triggers_paused_for_flush")]


def run_worker():
    call_command("worker", "--batch", "--interval", "0", verbosity=0)


def make_retry_due():
    """Let the backoff pass, without waiting for it."""
    now = timezone.now()
    DBTaskResult.objects.filter(status="READY").update(run_after=now)
    OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).update(next_attempt_at=now)


def test_mail_sent_in_a_rolled_back_transaction_leaves_no_email_no_task_and_sends_nothing(smtp_server):
    # given a change that sends mail and then fails
    class ChangeFailed(Exception):
        pass

    # when
    with pytest.raises(ChangeFailed), transaction.atomic():
        send_mail("Welcome", "Hello", None, ["focal.point@example.org"])
        assert OutboundEmail.objects.count() == 1
        raise ChangeFailed
    run_worker()

    # then
    assert OutboundEmail.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert smtp_server.messages == []


def test_queued_email_is_delivered_once_by_the_worker_with_its_message_id(smtp_server):
    # given
    send_mail("Agenda", "The agenda is attached.", None, ["a@example.org", "b@example.org"])
    email = OutboundEmail.objects.get()

    # when
    run_worker()

    # then
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert smtp_server.message_ids() == [email.message_id]
    assert smtp_server.messages[0]["Subject"] == "Agenda"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not WorkerHeartbeat.objects.exists(), "a worker that stops cleanly removes its heartbeat"


def test_running_delivery_again_for_a_sent_email_sends_nothing(smtp_server):
    # given a delivered email
    send_mail("Agenda", "Body", None, ["a@example.org"])
    run_worker()
    email = OutboundEmail.objects.get()

    # when its task runs again, directly and through the worker
    assert outbox_deliver(email_id=email.pk) == "already-sent"
    deliver_email.enqueue(email_id=email.pk)
    run_worker()

    # then
    assert smtp_server.message_ids() == [email.message_id]


def test_delivery_keeps_html_attachments_and_a_given_message_id(smtp_server):
    # given
    message = EmailMultiAlternatives(
        "Invitation", "Plain", None, ["a@example.org"], headers={"Message-Id": "<invite-1@bphub.test>"}
    )
    message.attach_alternative("<p>Rich</p>", "text/html")
    message.attach("invite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.attach("logo.png", b"\x89PNG\x00\xff", "image/png")

    # when
    message.send()
    run_worker()

    # then
    (received,) = smtp_server.messages
    assert received["Message-ID"] == "<invite-1@bphub.test>"
    parts = {part.get_content_type(): part for part in received.walk()}
    assert parts["text/html"].get_payload(decode=True).strip() == b"<p>Rich</p>"
    assert b"BEGIN:VCALENDAR" in parts["text/calendar"].get_payload(decode=True)
    assert parts["image/png"].get_payload(decode=True) == b"\x89PNG\x00\xff"


def test_delivery_while_the_smtp_server_is_down_is_retried_with_backoff_then_sent_once(smtp_server):
    # given
    smtp_server.stop()
    send_mail("Agenda", "Body", None, ["a@example.org"])
    email = OutboundEmail.objects.get()

    # when
    before = timezone.now()
    run_worker()

    # then the attempt is recorded and the next one scheduled later, in the email and in the queue
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1
    assert "ConnectionRefused" in email.last_error
    assert email.next_attempt_at >= before + timedelta(seconds=30)
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == email.next_attempt_at
    run_worker()
    assert OutboundEmail.objects.get().attempts == 1, "the retry waits for its time"

    # when the server is back and the time has come
    smtp_server.start()
    make_retry_due()
    run_worker()
    run_worker()

    # then
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2
    assert smtp_server.message_ids() == [email.message_id]


@override_settings(OUTBOX_MAX_ATTEMPTS=3)
def test_after_the_last_attempt_the_email_stays_failed_and_is_kept(smtp_server):
    # given
    smtp_server.stop()
    send_mail("Agenda", "Body", None, ["a@example.org"])

    # when every attempt fails
    for _ in range(5):
        run_worker()
        make_retry_due()

    # then
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 3
    assert email.last_error
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert outbox_deliver(email_id=email.pk) == "already-failed"


def test_a_pending_email_whose_task_was_lost_gets_a_new_one(smtp_server):
    # given an overdue email whose delivery task ended without an outcome, and one still covered
    send_mail("Lost", "Body", None, ["a@example.org"])
    send_mail("Covered", "Body", None, ["b@example.org"])
    lost = OutboundEmail.objects.get(subject="Lost")
    DBTaskResult.objects.filter(args_kwargs__kwargs__email_id=lost.pk).update(status="FAILED")
    OutboundEmail.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))

    # when
    requeued = outbox_requeue_orphans()
    run_worker()

    # then
    assert requeued == [lost.pk]
    assert sorted(message["Subject"] for message in smtp_server.messages) == ["Covered", "Lost"]

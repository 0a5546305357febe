"""Communications mail end to end, over a real SMTP server (aiosmtpd) and real workers.

The outbox's own guarantees (retries, a killed delivery handed back) are tested in bphub/outbox and
bphub/core/tests/test_worker.py; these tests prove what communications adds on top: an announcement's
mail goes out once, and a week's digest goes out once per reader however often the digest job runs,
even when the worker that wrote it is killed before sending.
"""

import signal

import pytest
from django.core.management import call_command

from bphub.communications.models import Announcement, DigestRun
from bphub.communications.services.digest import DIGEST_JOB_NAME, digest_recipients, digest_run_if_due
from bphub.directory.models import ScheduledRun
from bphub.outbox.models import OutboundEmail
from bphub.outbox.testing import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("audit_triggers_paused_for_flush")]


def run_worker():
    call_command("worker", "--batch", "--interval", "0", verbosity=0)


def received_by(smtp_server, address) -> list:
    return [message for message in smtp_server.messages if message["To"] == address]


def test_an_announcements_mail_arrives_over_smtp_once(smtp_server, world, make_user, announce):
    # given a reader who hears about announcements by email (the default)
    reader = make_user("member_official", world.a)

    # when the RSO publishes, and the worker runs twice
    announcement = announce(make_user("rso_staff"), Announcement.Audience.ALL_MEMBERS, title="Over the wire")
    run_worker()
    run_worker()

    # then exactly one message reached the SMTP server, with the title and the link
    (message,) = received_by(smtp_server, reader.email)
    assert message["Subject"] == "[bphub] Over the wire"
    assert f"/news/{announcement.pk}/" in message.get_payload(decode=True).decode()
    assert len(smtp_server.messages) == 1
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_the_digest_arrives_over_smtp_once_even_when_the_job_runs_twice(smtp_server, world, make_user, week_of_news):
    # given
    reader = make_user("member_official", world.a)

    # when the worker's upkeep runs the digest job and delivers, then the job runs again from scratch
    run_worker()
    ScheduledRun.objects.filter(name=DIGEST_JOB_NAME).delete()
    assert digest_run_if_due()["already-sent"] == 2
    call_command("send_digest", verbosity=0)
    run_worker()

    # then each reader received one digest
    (digest,) = received_by(smtp_server, reader.email)
    assert digest["Subject"].startswith("[bphub] Your weekly digest")
    assert len(received_by(smtp_server, week_of_news.email)) == 1
    assert len(smtp_server.messages) == 2


def test_a_worker_killed_between_writing_the_digest_and_sending_it_loses_none_and_sends_none_twice(
    worker_processes, smtp_server, world, make_user, week_of_news
):
    # given two readers with something to read
    reader = make_user("member_official", world.a)
    readers = sorted(user.email for user in digest_recipients())
    assert readers == sorted([reader.email, week_of_news.email])

    # when a worker writes the digests and is killed in the middle of sending the first
    smtp_server.hold()
    first = worker_processes.start("--worker-id", "first")
    assert smtp_server.mail_seen.wait(20), worker_processes.logs()
    assert DigestRun.objects.count() == 2
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 2
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert smtp_server.messages == []
    # and the next worker finds the week unclaimed (as after a lost claim) and runs the job again
    ScheduledRun.objects.filter(name=DIGEST_JOB_NAME).delete()
    smtp_server.release()
    worker_processes.start("--worker-id", "second")

    # then both digests go out, once each
    def settled():
        run = ScheduledRun.objects.filter(name=DIGEST_JOB_NAME).first()
        sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()
        return run is not None and run.last_result.get("status") == "done" and sent == 2

    wait_until(settled, what="the second worker to re-run the job and deliver\n" + worker_processes.logs())
    assert ScheduledRun.objects.get(name=DIGEST_JOB_NAME).last_result["already-sent"] == 2
    assert sorted(message["To"] for message in smtp_server.messages) == readers
    assert DigestRun.objects.count() == 2
    assert OutboundEmail.objects.count() == 2

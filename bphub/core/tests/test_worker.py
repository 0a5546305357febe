"""The task worker: heartbeats, the reaper, and real worker processes that crash."""

import os
import signal
import threading
from datetime import timedelta

import pytest
from django.core.mail import send_mail
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bphub.core.models import WorkerHeartbeat
from bphub.core.worker import heartbeat_beat, reap_stale_tasks
from bphub.outbox.models import OutboundEmail
from bphub.outbox.tasks import deliver_email
from bphub.outbox.testing import wait_until


def running_task(*, worker_id: str, started_at):
    result = deliver_email.enqueue(email_id=1)
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", started_at=started_at, worker_ids=[worker_id])
    return DBTaskResult.objects.get(pk=result.id)


# --- reap_stale_tasks ------------------------------------------------------------------------


@pytest.mark.django_db
def test_reaper_leaves_the_running_task_of_a_live_worker_alone(settings):
    # given a worker that beat just now and has run a task for longer than the stale period
    settings.TASK_WORKER_STALE_AFTER_SECONDS = 60
    now = timezone.now()
    heartbeat_beat(worker_id="alive", now=now - timedelta(seconds=5))
    task = running_task(worker_id="alive", started_at=now - timedelta(minutes=10))

    # when
    requeued = reap_stale_tasks(now=now)

    # then
    assert requeued == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


@pytest.mark.django_db
@pytest.mark.parametrize("last_beat_seconds_ago", [120, None], ids=["silent-worker", "worker-without-heartbeat"])
def test_reaper_hands_back_the_running_task_of_a_dead_worker(settings, last_beat_seconds_ago):
    # given
    settings.TASK_WORKER_STALE_AFTER_SECONDS = 60
    now = timezone.now()
    if last_beat_seconds_ago is not None:
        heartbeat_beat(worker_id="dead", now=now - timedelta(seconds=last_beat_seconds_ago))
    task = running_task(worker_id="dead", started_at=now - timedelta(seconds=120))

    # when
    requeued = reap_stale_tasks(now=now)

    # then
    assert requeued == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == "READY"
    assert task.started_at is None
    assert task.worker_ids == ["dead"], "the history of who ran it is kept"


@pytest.mark.django_db
def test_reaper_leaves_a_task_claimed_within_the_stale_period_alone(settings):
    # given a task claimed a moment ago by a worker not (yet) known
    settings.TASK_WORKER_STALE_AFTER_SECONDS = 60
    now = timezone.now()
    task = running_task(worker_id="just-started", started_at=now - timedelta(seconds=1))

    # when / then
    assert reap_stale_tasks(now=now) == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


@pytest.mark.django_db
def test_reaper_judges_by_the_worker_that_claimed_the_task_last(settings):
    # given a task handed back once, now run by a live worker
    settings.TASK_WORKER_STALE_AFTER_SECONDS = 60
    now = timezone.now()
    heartbeat_beat(worker_id="second", now=now)
    task = running_task(worker_id="second", started_at=now - timedelta(minutes=5))
    DBTaskResult.objects.filter(pk=task.pk).update(worker_ids=["first", "second"])

    # when / then
    assert reap_stale_tasks(now=now) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_triggers_paused_for_flush")
def test_two_reapers_at_once_hand_a_stale_task_back_once(settings):
    # given
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Threads on an in-memory SQLite database share one cache with table locks, not real writers.")
    settings.TASK_WORKER_STALE_AFTER_SECONDS = 60
    now = timezone.now()
    tasks = [running_task(worker_id="dead", started_at=now - timedelta(minutes=5)) for _ in range(5)]
    start = threading.Barrier(4)
    results = []

    def reaper():
        try:
            start.wait()
            results.append(reap_stale_tasks(now=now))
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=reaper) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then
    requeued = [task_id for result in results for task_id in result]
    assert len(results) == 4
    assert sorted(requeued) == sorted(str(task.pk) for task in tasks)
    assert DBTaskResult.objects.filter(status="READY").count() == 5


# --- real worker processes -------------------------------------------------------------------


def test_a_task_of_a_killed_worker_is_handed_back_and_its_email_delivered_once(worker_processes, smtp_server):
    # given a worker killed while it is in the middle of sending an email
    send_mail("Agenda", "Body", None, ["a@example.org"])
    email = OutboundEmail.objects.get()
    smtp_server.hold()
    first = worker_processes.start("--worker-id", "first")
    assert smtp_server.mail_seen.wait(20), worker_processes.logs()
    assert DBTaskResult.objects.get().status == "RUNNING"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    smtp_server.release()

    # when another worker runs
    second = worker_processes.start("--worker-id", "second")

    # then its reaper hands the task back after the stale period and the email goes out once
    wait_until(
        lambda: (
            OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
            and DBTaskResult.objects.filter(status="SUCCESSFUL").exists()
        ),
        what="the email to be delivered by the second worker\n" + worker_processes.logs(),
    )
    assert smtp_server.message_ids() == [email.message_id]
    task = DBTaskResult.objects.get()
    assert task.worker_ids == ["first", "second"]
    assert OutboundEmail.objects.get().attempts == 1, "the killed attempt was rolled back with its transaction"

    # and when the second worker is stopped gracefully, it removes its heartbeat
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=20) == 0, worker_processes.logs()
    assert not WorkerHeartbeat.objects.filter(worker_id="second").exists()
    assert WorkerHeartbeat.objects.filter(worker_id="first").exists(), "kill -9 leaves the heartbeat behind"


def test_two_workers_at_once_deliver_each_of_twenty_emails_exactly_once(worker_processes, smtp_server):
    # given
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: concurrent claims with SKIP LOCKED; SQLite serialises all writers anyway.")
    for number in range(20):
        send_mail(f"Notice {number}", "Body", None, [f"member{number}@example.org"])
    expected = sorted(OutboundEmail.objects.values_list("message_id", flat=True))

    # when (the server stalls the first sends until both workers are sending, so neither can take
    # all twenty alone however busy the machine is)
    smtp_server.hold()
    workers = [worker_processes.start("--batch", "--worker-id", f"w{n}") for n in range(2)]
    wait_until(lambda: smtp_server.held >= 2, what="both workers sending at once")
    smtp_server.release()
    for worker in workers:
        assert worker.wait(timeout=30) == 0, worker_processes.logs()

    # then
    assert sorted(smtp_server.message_ids()) == expected
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
    assert set(OutboundEmail.objects.values_list("attempts", flat=True)) == {1}
    ran_by = {task.worker_ids[-1] for task in DBTaskResult.objects.all()}
    assert ran_by <= {"w0", "w1"}
    if os.cpu_count() and os.cpu_count() > 1:
        assert ran_by == {"w0", "w1"}, "both workers took part"

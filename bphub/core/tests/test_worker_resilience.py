"""The task worker rides out a database that is briefly unavailable: it logs, waits with backoff,
tries again, and hands back the task it lost, instead of dying."""

import contextlib
import re
import sqlite3

import pytest
from django.core.mail import send_mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bphub.core.models import WorkerHeartbeat
from bphub.core.worker import retry_delay, tasks_hand_back_own
from bphub.outbox.models import OutboundEmail
from bphub.outbox.tasks import deliver_email
from bphub.outbox.testing import wait_until

RETRY_LOG = re.compile(r"database error \((\w+): .*\); retrying in ([\d.]+) s \(failure (\d+) in a row\)")


@contextlib.contextmanager
def database_unavailable():
    """Make the test database refuse the worker, as a busy or restarting server does.

    SQLite: another connection holds the write lock (BEGIN EXCLUSIVE), as a long import did, so
    the worker's transactions end in "database is locked" after the busy timeout. PostgreSQL: the
    database stops accepting connections and the worker's are cut, as in a restart.
    """
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=30)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    else:
        import psycopg

        settings = connection.settings_dict
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (own_pid,) = cursor.fetchone()
        # From another database: PostgreSQL will not close the one a session is connected to.
        admin = psycopg.connect(
            dbname="postgres",
            user=settings["USER"],
            password=settings.get("PASSWORD") or None,
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            autocommit=True,
        )
        name = settings["NAME"]
        try:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                [name, own_pid],
            )
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            admin.close()


def retries(log: str) -> list[tuple[str, float, int]]:
    return [(kind, float(delay), int(count)) for kind, delay, count in RETRY_LOG.findall(log)]


def test_a_worker_survives_a_database_outage_and_then_delivers(worker_processes, smtp_server):
    # given a running worker
    worker = worker_processes.start("--worker-id", "steady")
    wait_until(lambda: WorkerHeartbeat.objects.filter(worker_id="steady").exists(), what="the first heartbeat")
    failures_wanted = 1 if connection.vendor == "sqlite" else 3  # each SQLite failure waits its busy timeout

    # when the database is unavailable for a while
    with database_unavailable():
        wait_until(
            lambda: len(retries(worker_processes.logs())) >= failures_wanted,
            timeout=60,
            what="the worker to log a retry\n" + worker_processes.logs(),
        )
        assert worker.poll() is None, "the worker is still running\n" + worker_processes.logs()

    # then each failure is logged with a growing wait, and the worker carries on afterwards
    logged = retries(worker_processes.logs())
    assert [count for _kind, _delay, count in logged][:failures_wanted] == list(range(1, failures_wanted + 1))
    assert all(kind in {"OperationalError", "InterfaceError"} for kind, _delay, _count in logged)
    delays = [delay for _kind, delay, _count in logged]
    assert delays == sorted(delays) and delays[0] <= 1.0
    send_mail("After the outage", "Body", None, ["a@example.org"])
    wait_until(
        lambda: OutboundEmail.objects.get().status == OutboundEmail.Status.SENT,
        what="the email to be delivered after the outage\n" + worker_processes.logs(),
    )
    assert len(smtp_server.message_ids()) == 1
    assert worker.poll() is None


@pytest.mark.django_db
def test_a_recovering_worker_hands_back_only_the_task_it_lost():
    # given tasks left RUNNING under this worker and under another, live one
    lost = deliver_email.enqueue(email_id=1)
    other = deliver_email.enqueue(email_id=2)
    now = timezone.now()
    DBTaskResult.objects.filter(pk=lost.id).update(status="RUNNING", started_at=now, worker_ids=["old", "me"])
    DBTaskResult.objects.filter(pk=other.id).update(status="RUNNING", started_at=now, worker_ids=["me", "other"])

    # when
    handed_back = tasks_hand_back_own(worker_id="me")

    # then
    assert handed_back == [str(lost.id)]
    assert DBTaskResult.objects.get(pk=lost.id).status == "READY"
    assert DBTaskResult.objects.get(pk=other.id).status == "RUNNING"


def test_the_backoff_doubles_up_to_a_minute():
    waits = [retry_delay(failures) for failures in range(1, 10)]
    assert 0.8 <= waits[0] <= 1.0 and 1.6 <= waits[1] <= 2.0 and 3.2 <= waits[2] <= 4.0
    assert all(48 <= wait <= 60 for wait in waits[6:])


def test_the_worker_preloads_what_its_tasks_need_and_survives_a_broken_module(caplog):
    import sys

    from bphub.core.management.commands.worker import preload

    sys.modules.pop("colorsys", None)
    preload(["colorsys", "bphub.no_such_module"])
    assert "colorsys" in sys.modules
    assert "Worker could not preload bphub.no_such_module." in caplog.text

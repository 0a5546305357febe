"""Maintenance (daily sweep, weekly digest, reminders) runs beside the task loop, never in it.

Found by the soak: a fresh database's first upkeep wrote ~2,700 emails in line and held a
pre-briefing pack someone was waiting for back for almost six minutes.
"""

import threading

import pytest
from django.core.management import call_command
from django.tasks import task

from bphub.core import worker as worker_module

maintenance_started = threading.Event()
maintenance_finished = threading.Event()
task_ran = threading.Event()


def slow_maintenance_job(*, now):
    """Stands in for a weekly digest of a few thousand emails: busy until the task has run."""
    maintenance_started.set()
    task_ran.wait(timeout=10)
    maintenance_finished.set()


def broken_maintenance_job(*, now):
    raise RuntimeError("a bug in one job")


@task
def task_someone_waits_for() -> bool:
    """True if maintenance was in progress (started, not finished) while this task ran."""
    in_progress = maintenance_started.wait(timeout=5) and not maintenance_finished.is_set()
    task_ran.set()
    return in_progress


@pytest.fixture
def fresh_events():
    for event in (maintenance_started, maintenance_finished, task_ran):
        event.clear()
    yield
    task_ran.set()  # never leave a maintenance thread waiting


@pytest.mark.django_db(transaction=True)
def test_a_task_runs_while_a_long_maintenance_job_is_still_working(
    monkeypatch, fresh_events, audit_triggers_paused_for_flush
):
    # given a maintenance job that takes long, and a task someone waits for
    monkeypatch.setattr(worker_module, "MAINTENANCE_JOBS", (f"{__name__}.slow_maintenance_job",))
    result = task_someone_waits_for.enqueue()

    # when a worker runs one task
    call_command("worker", "--max-tasks", "1", "--interval", "0.05", "--worker-id", "maintenance-test", verbosity=0)

    # then the task ran while the job was still busy: it did not wait behind it
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value is True


@pytest.mark.django_db
def test_one_failing_maintenance_job_does_not_stop_the_others(monkeypatch, caplog, fresh_events):
    # given a broken job listed before a working one
    monkeypatch.setattr(
        worker_module, "MAINTENANCE_JOBS", (f"{__name__}.broken_maintenance_job", f"{__name__}.slow_maintenance_job")
    )
    task_ran.set()  # the second job need not wait

    # when
    worker_module.worker_maintenance()

    # then the second still ran, and the first's failure is in the log by name
    assert maintenance_finished.is_set()
    assert f"Maintenance job {__name__}.broken_maintenance_job failed" in caplog.text

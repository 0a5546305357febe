"""Task worker upkeep: heartbeats, and handing back the tasks of workers that died.

django_tasks_db marks a claimed task RUNNING and never looks at it again: if the worker is
killed (OOM, kill -9, a lost host) the task stays RUNNING for ever. Our worker
(`manage.py worker`) writes a heartbeat row every TASK_WORKER_HEARTBEAT_SECONDS; any worker's
reaper hands a RUNNING task back to the queue once the worker that claimed it has been silent for
TASK_WORKER_STALE_AFTER_SECONDS. Tasks must therefore be safe to run again (the outbox is: the
email row, not the task, says whether a message was sent).

Maintenance (the directory's daily sweep, the weekly digest, reminders) runs in a thread of its
own, apart from both the heartbeat and the task loop: the weekly digest writes a couple of thousand
emails over several minutes, and neither a pack someone waits for nor the worker's heartbeat may
wait behind it.

A database that is briefly unavailable (a locked SQLite file, a PostgreSQL restart) does not stop
the worker: `worker_run_resilient` logs the error, waits with exponential backoff and starts the
loop again, handing back first any task it was in the middle of.
"""

import logging
import os
import random
import socket
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bphub.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Run by every worker after each heartbeat, in this order; each takes `now` and must be safe to
# run from several workers at once.
MAINTENANCE_JOBS = (
    "bphub.outbox.services.outbox_requeue_orphans",
    "bphub.directory.services.freshness.freshness_sweep_if_due",
    "bphub.communications.services.digest.digest_run_if_due",  # weekly, Monday 06:00 UTC
    "bphub.meetings.services.reminders.reminder_sweep_if_due",  # hourly; each reminder once per meeting
)


def worker_id_new() -> str:
    """A worker id unique across the pool and readable in the admin: host, pid, random suffix."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"[:64]


def heartbeat_beat(*, worker_id: str, now: datetime | None = None) -> WorkerHeartbeat:
    """Record that `worker_id` is alive (creating its row on the first beat)."""
    now = now or timezone.now()
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen_at": now, "hostname": socket.gethostname()[:255], "pid": os.getpid()},
        create_defaults={
            "started_at": now,
            "last_seen_at": now,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )
    return heartbeat


def heartbeat_forget(*, worker_id: str) -> None:
    """Remove the heartbeat of a worker that stopped cleanly (it holds no task any more)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def reap_stale_tasks(*, now: datetime | None = None) -> list[str]:
    """Hand back to the queue every RUNNING task whose worker has gone silent. Returns their ids.

    A task is stale when it started more than TASK_WORKER_STALE_AFTER_SECONDS ago and the worker
    that claimed it last (worker_ids[-1]) has no heartbeat that recent. It goes back to READY
    with started_at cleared; worker_ids is kept as its history.

    Safe with several reapers at once: each hand-back is one conditional UPDATE that only matches
    the row as it was judged (still RUNNING, same start), so a task is requeued by one reaper only,
    and a task that meanwhile finished or was claimed again is left alone. (On PostgreSQL the second
    UPDATE waits for the first and re-checks the condition; on SQLite writers are serialised.)
    Heartbeats older than ten stale periods are deleted.
    """
    now = now or timezone.now()
    stale_after = timedelta(seconds=settings.TASK_WORKER_STALE_AFTER_SECONDS)
    cutoff = now - stale_after
    live_workers = set(WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff).values_list("worker_id", flat=True))
    candidates = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).values_list(
        "id", "started_at", "worker_ids"
    )
    requeued = []
    for task_id, started_at, worker_ids in candidates:
        last_worker = worker_ids[-1] if worker_ids else None
        if last_worker in live_workers:
            continue
        handed_back = DBTaskResult.objects.filter(
            pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
        if handed_back:
            requeued.append(str(task_id))
            logger.warning(
                "Handed task %s back to the queue: its worker %s has not been seen since before %s.",
                task_id,
                last_worker,
                cutoff.isoformat(),
            )
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - 10 * stale_after).delete()
    return requeued


def worker_liveness(*, worker_id: str, now: datetime | None = None) -> None:
    """The quick part of upkeep, every heartbeat: say this worker is alive, hand back dead ones' tasks."""
    now = now or timezone.now()
    heartbeat_beat(worker_id=worker_id, now=now)
    reap_stale_tasks(now=now)


def worker_maintenance(*, now: datetime | None = None) -> None:
    """Run each maintenance job that is due; one job's failure is logged and the others still run."""
    now = now or timezone.now()
    for path in MAINTENANCE_JOBS:
        try:
            import_string(path)(now=now)
        except TRANSIENT_DATABASE_ERRORS:
            raise  # the database is away: the caller waits and tries the whole round again
        except Exception:  # noqa: BLE001 - a broken job must not starve the others
            logger.exception("Maintenance job %s failed; it is tried again on the next round.", path)


def worker_upkeep(*, worker_id: str, now: datetime | None = None) -> None:
    """A whole round in line (one-shot runs, tests): liveness, then the maintenance jobs."""
    now = now or timezone.now()
    worker_liveness(worker_id=worker_id, now=now)
    worker_maintenance(now=now)


# Errors a database raises while it is unavailable: the worker waits and tries again. Others (a
# bug in a task's bookkeeping, a missing table) are not retried here.
TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_FIRST_DELAY = 1.0  # seconds; doubles on each failure in a row, up to RETRY_MAX_DELAY
RETRY_MAX_DELAY = 60.0
RETRY_RESET_AFTER = 300.0  # a loop that ran this long before failing starts the backoff afresh


def tasks_hand_back_own(*, worker_id: str) -> list[str]:
    """Hand back to the queue the RUNNING tasks last claimed by `worker_id`. Returns their ids.

    For a worker recovering from a database error: it runs one task at a time and holds none
    now, so a RUNNING task in its name was interrupted (its success or failure never recorded).
    Without this the task would wait for ever: this worker's heartbeat keeps the reaper away.
    """
    candidates = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
        "id", "started_at", "worker_ids"
    )
    handed_back = []
    for task_id, started_at, worker_ids in candidates:
        if not worker_ids or worker_ids[-1] != worker_id:
            continue
        if DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at).update(
            status=TaskResultStatus.READY, started_at=None
        ):
            handed_back.append(str(task_id))
            logger.warning(
                "Handed task %s back to the queue: worker %s lost it to a database error.", task_id, worker_id
            )
    return handed_back


def retry_delay(failures: int) -> float:
    """Seconds to wait after `failures` database errors in a row: 1, 2, 4... up to a minute, with
    a little jitter so that workers do not all come back at the same instant."""
    delay = min(RETRY_MAX_DELAY, RETRY_FIRST_DELAY * 2 ** max(failures - 1, 0))
    return delay * random.uniform(0.8, 1.0)  # noqa: S311 - jitter, not secrecy


def worker_run_resilient(worker, *, worker_id: str, sleep=time.sleep) -> None:
    """Run the django_tasks_db `worker` loop until it stops on its own (signal, --batch,
    --max-tasks), riding out transient database errors.

    Each error is logged with the wait before the next attempt (exponential backoff); before it
    starts again the worker beats, reaps, and hands back a task it was interrupted in. Other
    exceptions propagate (the worker exits and `make run`'s supervisor restarts it).
    """
    failures = 0
    while True:
        started = time.monotonic()
        try:
            if failures:
                tasks_hand_back_own(worker_id=worker_id)
            # The first beat comes before the first claim, so no reaper can mistake this worker
            # for a dead one; the first reap picks up what dead workers left behind. Maintenance
            # is not run here: MaintenanceThread does it beside the loop (or, with --batch, the
            # command before it).
            worker_liveness(worker_id=worker_id)
            worker.run()
            return
        except TRANSIENT_DATABASE_ERRORS as error:
            if not worker.running:
                return  # asked to stop while the database was away: nothing to retry
            failures = 1 if time.monotonic() - started > RETRY_RESET_AFTER else failures + 1
            delay = retry_delay(failures)
            logger.warning(
                "Worker %s: database error (%s: %s); retrying in %.1f s (failure %d in a row).",
                worker_id,
                type(error).__name__,
                str(error).strip() or "-",
                delay,
                failures,
            )
            try:
                connection.close()  # a broken connection is not reused
            except TRANSIENT_DATABASE_ERRORS:
                pass
            sleep(delay)


class _RoundThread(threading.Thread):
    """Calls `round()` every `interval` seconds beside the task loop, on its own connection.

    Errors (a locked SQLite file, a database restart, a bug in one round) are logged and the next
    round tries again. `first_delay` is the wait before the first round.
    """

    label = "upkeep"

    def __init__(self, *, name: str, interval: float, first_delay: float):
        super().__init__(name=name, daemon=True)
        self.interval = interval
        self.first_delay = first_delay
        self.stopping = threading.Event()

    def round(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def run(self) -> None:
        try:
            delay = self.first_delay
            while not self.stopping.wait(delay):
                delay = self.interval
                close_old_connections()
                try:
                    self.round()
                except Exception:  # noqa: BLE001 - the thread must outlive any one failed round
                    logger.exception("Worker %s round failed in %s; will try again.", self.label, self.name)
        finally:
            connection.close()

    def stop(self, timeout: float | None = None) -> None:
        self.stopping.set()
        self.join(timeout=max(self.interval, 1) + 30 if timeout is None else timeout)


class HeartbeatThread(_RoundThread):
    """Beats and reaps every TASK_WORKER_HEARTBEAT_SECONDS, so a long task never silences its worker."""

    label = "heartbeat"

    def __init__(self, *, worker_id: str, interval: float):
        super().__init__(name=f"heartbeat-{worker_id}", interval=interval, first_delay=interval)
        self.worker_id = worker_id

    def round(self) -> None:
        worker_liveness(worker_id=self.worker_id)


class MaintenanceThread(_RoundThread):
    """Runs the due maintenance jobs every TASK_WORKER_MAINTENANCE_SECONDS, starting at once.

    Beside the task loop rather than in it: a digest of a few thousand emails then shares the CPU
    with a pack render instead of holding it back for minutes. On stop, a round in progress is not
    waited for beyond a few seconds: every job claims its period and is safe to run again.
    """

    label = "maintenance"

    def __init__(self, *, worker_id: str, interval: float):
        super().__init__(name=f"maintenance-{worker_id}", interval=interval, first_delay=0)

    def round(self) -> None:
        worker_maintenance()

    def stop(self, timeout: float | None = 5) -> None:
        super().stop(timeout=timeout)

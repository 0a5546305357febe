"""`manage.py worker`: the task worker, with a heartbeat and a reaper for tasks of dead workers."""

import importlib
import logging

from django.conf import settings
from django.core.management.base import BaseCommand
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import (
    Worker,
    valid_interval,
    valid_max_tasks,
    validate_worker_id,
)

from bphub.core.worker import (
    TRANSIENT_DATABASE_ERRORS,
    HeartbeatThread,
    MaintenanceThread,
    heartbeat_forget,
    worker_id_new,
    worker_maintenance,
    worker_run_resilient,
)

logger = logging.getLogger("bphub.core.worker")


def preload(modules) -> None:
    """Import what tasks will need before the first task needs it (named in settings, so that core
    imports no higher app by name). A module that fails to import is logged, not fatal: its tasks
    will report the error themselves."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a worker must start even if an optional library is broken
            logger.exception("Worker could not preload %s.", name)


class Command(BaseCommand):
    help = "Run the task worker on every queue, with a heartbeat; hands back tasks of workers that died."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=None,
            help="Seconds to wait when the queue is empty (default: settings.TASK_WORKER_INTERVAL).",
        )
        parser.add_argument("--batch", action="store_true", help="Run every task that is ready, then exit.")
        parser.add_argument("--max-tasks", type=valid_max_tasks, default=None, help="Exit after this many tasks.")
        parser.add_argument(
            "--worker-id", type=validate_worker_id, default=None, help="Unique in the pool (default: host-pid-random)."
        )

    def handle(self, *, interval, batch, max_tasks, worker_id, verbosity, **options):
        if verbosity == 0:
            logging.getLogger("django_tasks_db").setLevel(logging.CRITICAL)
        worker_id = worker_id or worker_id_new()
        if interval is None:
            interval = settings.TASK_WORKER_INTERVAL
        if not batch:
            preload(settings.TASK_WORKER_PRELOAD)
        worker = Worker(
            queue_names=["*"],
            excluded_queue_names=[],
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not batch,
            max_tasks=max_tasks,
            worker_id=worker_id,
        )
        worker.configure_signals()
        heartbeat = HeartbeatThread(worker_id=worker_id, interval=settings.TASK_WORKER_HEARTBEAT_SECONDS)
        maintenance = MaintenanceThread(worker_id=worker_id, interval=settings.TASK_WORKER_MAINTENANCE_SECONDS)
        try:
            heartbeat.start()
            if batch:
                # A one-shot run does the maintenance that is due, then the tasks.
                try:
                    worker_maintenance()
                except TRANSIENT_DATABASE_ERRORS:
                    logger.warning("Worker %s skipped maintenance: database unavailable.", worker_id)
            else:
                maintenance.start()
            # Beats and reaps first, then runs the task loop; waits out database errors.
            worker_run_resilient(worker, worker_id=worker_id)
        finally:
            # Reached on a clean exit, on --batch, and on SIGTERM/SIGINT (the worker finishes the
            # task in hand, or exits through SystemExit when idle). Not on kill -9: the reaper
            # deals with that.
            worker.reset_signals()
            if maintenance.is_alive():
                maintenance.stop()
            heartbeat.stop()
            try:
                heartbeat_forget(worker_id=worker_id)
            except TRANSIENT_DATABASE_ERRORS:
                # Stopped while the database is away: the heartbeat row just goes stale.
                logger.warning("Worker %s could not remove its heartbeat (database unavailable).", worker_id)
            logger.info("Worker %s stopped.", worker_id)

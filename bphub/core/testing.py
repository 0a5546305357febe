"""Test helpers for the core: another connection holding the database's write lock."""

import contextlib
import threading

from django.db import connection, connections, transaction
from django.utils import timezone


class _WriteLockHolder(threading.Thread):
    def __init__(self, row, sql):
        super().__init__(daemon=True)
        self.row = row
        self.sql = sql
        self.holding = threading.Event()
        self.released = threading.Event()
        self.error = None

    def run(self):
        from bphub.core.models import WorkerHeartbeat

        try:
            with transaction.atomic():
                if connection.vendor == "sqlite":
                    WorkerHeartbeat.objects.create(
                        worker_id="lock-holder", started_at=timezone.now(), last_seen_at=timezone.now()
                    )
                elif self.sql is not None:
                    with connection.cursor() as cursor:
                        cursor.execute(*self.sql)
                else:
                    list(self.row.select_for_update())
                self.holding.set()
                self.released.wait(60)
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 - handed to the test
            self.error = error
            self.holding.set()
        finally:
            connections.close_all()


@contextlib.contextmanager
def database_write_locked(*, row=None, sql=None):
    """While the block runs, another connection (a thread) holds a write lock, as a long import does.

    SQLite has one writer at a time: the holder writes a table reads do not touch and keeps its
    transaction open, so any other write waits for "database is locked" (on the in-memory test
    database's shared cache it is refused at once: "database table is locked"). PostgreSQL locks
    rows: the holder locks `row` (a queryset) FOR UPDATE, or runs `sql` (statement, params). Needs
    a transactional test (the rows must be committed for the other connection to see them).
    """
    holder = _WriteLockHolder(row, sql)
    holder.start()
    if not holder.holding.wait(20) or holder.error is not None:
        raise AssertionError(f"Could not take the write lock: {holder.error}")
    try:
        yield
    finally:
        holder.released.set()
        holder.join(timeout=30)

"""Optional writes on read paths: bookkeeping that must never fail, or hold up, the read around it.

A token's or a feed's "last used", a session's "last seen": worth writing, not worth an error. On
SQLite one writer at a time holds the database (a long import, the worker), and every other
write waits for it (20 s, then "database is locked"); on PostgreSQL a write waits for the row's
lock. `optional_write` runs such a write in its own savepoint, waits at most OPTIONAL_WRITE_WAIT
for the lock, and logs and forgets a database error instead of raising it, so the request's
transaction (if any) is left as it was and the read answers as usual.

Required writes (the audit of a restricted read) are never wrapped in this: they fail loudly.
"""

import contextlib
import logging
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

logger = logging.getLogger(__name__)

OPTIONAL_WRITE_WAIT_MS = 200  # how long an optional write may wait for a lock held by another writer


@contextlib.contextmanager
def _lock_wait(connection, milliseconds: int):
    """Wait at most `milliseconds` for a lock held by another connection, inside this block."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            (previous,) = cursor.fetchone()
            cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")
    elif connection.vendor == "postgresql":
        # Set inside the savepoint: rolled back with it on failure, put back by hand on success.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                [f"{int(milliseconds)}ms"],
            )
            (previous, _now) = cursor.fetchone()
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    else:
        yield


def optional_write(
    what: str, write: Callable[[], object], *, using: str = DEFAULT_DB_ALIAS, wait_ms: int = OPTIONAL_WRITE_WAIT_MS
) -> bool:
    """Call `write()` if the database lets it through promptly; otherwise skip it. True if it ran.

    The call runs in a savepoint (a transaction of its own outside one) and waits at most
    `wait_ms` for locks. A DatabaseError on the way (locked, lock timeout, connection lost) is
    logged as a warning naming `what`, the savepoint is rolled back and False is returned: the
    caller goes on as if the write had not been asked for.
    """
    connection = connections[using]
    try:
        if connection.vendor == "sqlite":
            # The busy timeout is per connection: set it before BEGIN, which is what waits.
            with _lock_wait(connection, wait_ms), transaction.atomic(using=using):
                write()
        else:
            with transaction.atomic(using=using), _lock_wait(connection, wait_ms):
                write()
    except DatabaseError as error:
        logger.warning("Skipped an optional write (%s): %s: %s", what, type(error).__name__, error)
        return False
    return True

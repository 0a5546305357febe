"""The database cache's writes on reads (expiring an entry, culling, setting) are optional: while
another connection holds the write lock they are skipped at once, not turned into errors."""

import time

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings

from bphub.core.testing import database_write_locked

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("audit_triggers_paused_for_flush")]

TABLE = "bphub_test_cache"
DATABASE_CACHE = {"default": {"BACKEND": "bphub.core.cache.DatabaseCache", "LOCATION": TABLE}}


@pytest.fixture
def database_cache():
    with override_settings(CACHES=DATABASE_CACHE):
        call_command("createcachetable", verbosity=0)
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


def test_cache_reads_and_writes_go_on_while_the_database_is_write_locked(database_cache, caplog):
    # given an entry that has expired (reading it deletes it) and one that is fresh
    database_cache.set("expired", "old", timeout=1)
    database_cache.set("fresh", "kept", timeout=600)
    time.sleep(1.1)
    entry_lock = (f"SELECT * FROM {TABLE} WHERE cache_key LIKE %s FOR UPDATE", ["%expired%"])

    # when pages read and fill the cache while a long write holds the database
    with database_write_locked(sql=entry_lock):
        started = time.monotonic()
        expired = database_cache.get("expired")
        fresh = database_cache.get("fresh")
        database_cache.set("expired", "new", timeout=600)
        took = time.monotonic() - started

    # then every call answers at once; the writes are skipped (and logged), the reads are right
    assert (expired, fresh) == (None, "kept")
    assert took < 5, f"the cache waited {took:.1f} s for the lock"
    assert "Skipped an optional write (cache" in caplog.text

    # and once the lock is gone the cache writes again (the skipped set left nothing behind)
    assert database_cache.get("expired") is None
    database_cache.set("expired", "new", timeout=600)
    assert database_cache.get("expired") == "new"

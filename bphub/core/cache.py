"""The database cache (used when there is no REDIS_URL), with its writes made optional.

Django's DatabaseCache writes on reads: `get` deletes an expired entry, `set` may cull the table.
Under a long write (an import on SQLite) each of those waits for the lock (20 s) and then raises,
turning a page that only wanted a cached fragment into an error. Here every cache write is an
optional write (`bphub.core.db.optional_write`): it waits a moment at most and is otherwise
skipped, as a cache may always be.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import router

from bphub.core.db import optional_write


class DatabaseCache(DjangoDatabaseCache):
    def _optional(self, what: str, write):
        done = []
        using = router.db_for_write(self.cache_model_class)
        if optional_write(f"cache {what}", lambda: done.append(write()), using=using):
            return done[0]
        return False

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        write = super()._base_set
        return self._optional(mode, lambda: write(mode, key, value, timeout))

    def _base_delete_many(self, keys):
        delete = super()._base_delete_many
        return self._optional("delete", lambda: delete(keys))

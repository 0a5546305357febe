"""The demo year in a test database, as `make run` loads it, at the cost of one real load per process.

The first `demo_year_ensure()` of a test process on an empty database loads the reference data and
the demo year for real (reference_load, `load_demo`: ten seconds and more) and keeps every row it
made; a later call on an empty database (the next live-server test, after pytest-django's flush)
writes the same rows back in one insert per table and batch, in a fraction of a second.

Rows go back as they were read: the fields Django would stamp on insert (`updated_at`, auto_now)
keep their stored values, references to content types and permissions (which the flush recreates
with new ids) are kept by natural key and resolved again, and sequences are reset afterwards.
"""

import contextlib

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

# Not kept: rows the database makes for itself after a flush, sessions, and queued work.
SKIPPED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "django_tasks_db.dbtaskresult"}

_TABLES: list[tuple] = []  # (model, attnames, rows, {column index: related model}) of the first real load


def demo_year_ensure() -> None:
    """Reference data and the demo year in the database (DEMO_MODE is switched on for the load)."""
    from bphub.members.models import Member

    empty = not Member.objects.exists()
    if empty and _TABLES:
        _restore()
        return
    from bphub.members.services import reference_load

    with override_settings(DEMO_MODE=True):
        reference_load()
        call_command("load_demo", verbosity=0)
    if empty:
        _capture()


def _natural(model, pk):
    if pk is None:
        return None
    if model is ContentType:
        return ContentType.objects.get_for_id(pk).natural_key()
    return Permission.objects.select_related("content_type").get(pk=pk).natural_key()


def _resolve(model, key):
    if key is None:
        return None
    if model is ContentType:
        return ContentType.objects.get_by_natural_key(*key).pk
    return Permission.objects.get_by_natural_key(*key).pk


def _capture() -> None:
    tables = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in SKIPPED:
            continue
        fields = meta.concrete_fields
        names = [field.attname for field in fields]
        rows = list(model._base_manager.values_list(*names))
        if not rows:
            continue
        keyed = {
            index: field.related_model
            for index, field in enumerate(fields)
            if field.is_relation and field.related_model in (ContentType, Permission)
        }
        if keyed:
            rows = [
                tuple(_natural(keyed[i], value) if i in keyed else value for i, value in enumerate(row)) for row in rows
            ]
        tables.append((model, names, rows, keyed))
    _TABLES[:] = tables


@contextlib.contextmanager
def _stored_timestamps(model):
    """Insert the stored `updated_at`, not now: auto_now fields are off for the restore."""
    stamped = [
        field
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]
    for field in stamped:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _restore() -> None:
    with transaction.atomic():
        for model, names, rows, keyed in _TABLES:
            if keyed:
                rows = [
                    tuple(_resolve(keyed[i], value) if i in keyed else value for i, value in enumerate(row))
                    for row in rows
                ]
            with _stored_timestamps(model):
                model._base_manager.bulk_create(
                    [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=500
                )
        with connection.cursor() as cursor:  # new rows after these must not reuse their ids
            for statement in connection.ops.sequence_reset_sql(no_style(), [table[0] for table in _TABLES]):
                cursor.execute(statement)

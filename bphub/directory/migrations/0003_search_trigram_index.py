"""Trigram indexes for name search on PostgreSQL (a LIKE '%part%' then uses the index).

pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may create it. SQLite
has no such index; its LIKE scans, which is fine at the sizes SQLite is used for.
"""

from django.db import migrations

INDEXES = (
    ("directory_focalpoint", "directory_fp_search_trgm"),
    ("directory_agency", "directory_agency_search_trgm"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_stakeholder_map")]
    operations = [migrations.RunPython(create, drop)]

"""Backup and restore of the whole platform: every record, the audit log, and the uploaded files.

One `.tar.gz` holds
- `manifest.json`: format, when, the database it came from, the migrations applied, the row count
  of every model and the name, size and SHA-256 of every file;
- `database.json`: every row of every model in Django's fixture format (plain JSON, primary keys
  kept, references to content types and permissions by natural key, times to the microsecond),
  so it loads into SQLite or PostgreSQL alike with `loaddata`;
- `files/<name>`: every file a FileField refers to, read through the storage (`MEDIA_ROOT` or S3).

Left out, because they are ephemeral or rebuilt by `migrate`: sessions (everyone signs in again),
allauth's sessions list, worker heartbeats, content types and permissions.

The audit log refuses UPDATE and DELETE (migration core 0002), so a restore only ever inserts: it
refuses any database that already holds a record of a backed-up model. Core imports no higher
app: models are found through `django.apps`.
"""

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from bphub.core.audit import audit_record

FORMAT = "bphub-backup"
VERSION = 1
EXCLUDED = (
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "usersessions.usersession",
    "core.workerheartbeat",
)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    records: int
    files: int
    audit_events: int


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model whose rows a backup holds (proxies and unmanaged ones are covered by
    their concrete model, or not ours to keep)."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED
    ]


def _file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in backed_up_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def _stored_file_names() -> list[str]:
    names = set()
    for model, field in _file_fields():
        names.update(name for name in model._base_manager.values_list(field, flat=True) if name)
    return sorted(names)


def _counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}


def _applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connections[using]).applied_migrations())


def _sha256_of(stream) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(content))


def backup_write(path: str | os.PathLike) -> BackupSummary:
    """Write a backup of the database and the uploaded files to `path` (a new .tar.gz).

    The records are read in one transaction (on PostgreSQL a REPEATABLE READ snapshot, so they
    agree with each other; on SQLite writers wait while it runs). Raises BackupError when `path`
    exists or a file a record names is missing from the storage.
    """
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new name (a backup never overwrites one).")
    connection = connections[DEFAULT_DB_ALIAS]
    with tempfile.TemporaryDirectory(prefix="bphub-backup-") as work:
        dump = Path(work) / "database.json"
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            with dump.open("w", encoding="utf-8") as stream:
                _dump_records(stream)
            counts = _counts()
            names = _stored_file_names()
            migrations = _applied_migrations()
        missing = [name for name in names if not default_storage.exists(name)]
        if missing:
            raise BackupError(f"{len(missing)} file(s) named by records are missing from the storage: {missing[:5]}")
        files = []
        partial = path.with_name(path.name + ".partial")
        # Readable by its owner only: it holds password hashes and authenticator secrets.
        os.close(os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600))
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname="database.json")
            for name in names:
                with default_storage.open(name, "rb") as stream:
                    sha256, size = _sha256_of(stream)
                    stream.seek(0)
                    info = tarfile.TarInfo(f"files/{name}")
                    info.size = size
                    archive.addfile(info, stream)
                files.append({"name": name, "size": size, "sha256": sha256})
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "database_vendor": connection.vendor,
                "migrations": migrations,
                "counts": counts,
                "files": files,
            }
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
        partial.rename(path)
    return BackupSummary(
        path=path, records=sum(counts.values()), files=len(files), audit_events=counts.get("core.auditevent", 0)
    )


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder (and so `dumpdata`) cuts them to milliseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _dump_records(stream) -> None:
    """Every backed-up row as Django's JSON fixture format, in an order that loads (dependencies
    first), references to content types and permissions by natural key."""
    by_app: dict = {}
    for model in backed_up_models():
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    ordered = serializers.sort_dependencies(by_app.items(), allow_cycles=True)

    def rows():
        for model in ordered:
            yield from model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)

    serializers.serialize("json", rows(), stream=stream, use_natural_foreign_keys=True, cls=_ExactJSONEncoder)


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError(f"{path} is not a bphub backup (no readable manifest.json).") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"{path} is not a bphub backup of version {VERSION}.")
    return manifest


def restore_refusals(manifest: dict) -> list[str]:
    """Why the current database cannot take the backup described by `manifest` (empty: it can)."""
    reasons = []
    applied = {tuple(migration) for migration in _applied_migrations()}
    missing = sorted({tuple(migration) for migration in manifest["migrations"]} - applied)
    if missing:
        shown = ", ".join(f"{app}.{name}" for app, name in missing[:5])
        reasons.append(
            f"The backup was made with migrations not applied here ({shown}…): run `manage.py migrate` "
            "with the same or a newer version of bphub first."
        )
    holding = {label: count for label, count in _counts().items() if count}
    if holding:
        shown = ", ".join(f"{label} ({count})" for label, count in sorted(holding.items())[:8])
        reasons.append(
            f"The database is not empty: {shown}. A restore only inserts (the audit log can be "
            "neither changed nor deleted): restore into a new, migrated, empty database."
        )
    present = [item["name"] for item in manifest["files"] if default_storage.exists(item["name"])]
    if present:
        reasons.append(
            f"The file storage already holds {len(present)} of the backup's files (e.g. {present[0]}): "
            "restore into an empty MEDIA_ROOT or bucket."
        )
    return reasons


def backup_restore(path: str | os.PathLike) -> BackupSummary:
    """Load the backup at `path` into the current, empty database and file storage.

    Files first (checked against the manifest's SHA-256), then every record in one transaction,
    then the row counts are checked against the manifest; on any failure the records are rolled
    back and the files written are removed. Appends one `system.restored` audit event.
    Raises BackupError (nothing changed) when the archive is not a backup, is damaged, or the
    database or storage is not empty.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    written: list[str] = []
    try:
        with tarfile.open(path, "r:gz") as archive:
            manifest = _read_manifest(archive, path)
            reasons = restore_refusals(manifest)
            if reasons:
                raise BackupError("Nothing was restored: " + " ".join(reasons))
            for item in manifest["files"]:
                try:
                    member = archive.getmember(f"files/{item['name']}")
                except KeyError:
                    raise BackupError(f"The backup lacks the file {item['name']} its manifest lists.") from None
                stream = archive.extractfile(member)
                sha256, _size = _sha256_of(stream)
                if sha256 != item["sha256"]:
                    raise BackupError(f"The file {item['name']} in the backup is damaged (its SHA-256 differs).")
                stream = archive.extractfile(member)
                saved = default_storage.save(item["name"], File(stream, name=item["name"]))
                written.append(saved)
                if saved != item["name"]:
                    raise BackupError(f"The storage renamed {item['name']} to {saved}; restore into an empty storage.")
            with tempfile.TemporaryDirectory(prefix="bphub-restore-") as work:
                dump = Path(work) / "database.json"
                with archive.extractfile("database.json") as source, dump.open("wb") as target:
                    while chunk := source.read(CHUNK):
                        target.write(chunk)
                _load_records(dump, manifest)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    counts = manifest["counts"]
    return BackupSummary(
        path=path, records=sum(counts.values()), files=len(written), audit_events=counts.get("core.auditevent", 0)
    )


def _load_records(dump: Path, manifest: dict) -> None:
    with transaction.atomic():
        # loaddata inserts each row (an UPDATE that matches no row comes first and touches
        # nothing, so the audit log's triggers never fire) and resets PostgreSQL's sequences.
        call_command("loaddata", str(dump), verbosity=0)
        counts = _counts()
        wrong = {
            label: (count, counts.get(label))
            for label, count in manifest["counts"].items()
            if counts.get(label) != count
        }
        if wrong:
            raise BackupError(f"The restored records do not match the backup (expected, found): {wrong}")
        audit_record(
            verb="system.restored",
            backup=manifest["created_at"],
            records=sum(counts.values()),
            files=len(manifest["files"]),
        )

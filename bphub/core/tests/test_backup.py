"""`manage.py backup` / `manage.py restore`: every record, file and audit event comes back, into an
empty database only (the audit log can be neither updated nor deleted, so a restore only inserts).

The "empty database" is the test database itself, emptied after the backup: `flush` (with the
audit log's triggers paused, as the test teardown does) leaves it as a fresh `migrate` would —
tables, content types and permissions (with new ids), no records — and the file storage is
deleted. The triggers are back on for the restore, so it proves the restore never updates or
deletes an audit event. This runs on SQLite (in memory or a file) and on PostgreSQL alike.
"""

import hashlib
import shutil
import tarfile
from importlib import import_module
from pathlib import Path

import pytest
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from bphub.core.audit import audit_record
from bphub.core.backup import backed_up_models
from bphub.core.models import AuditEvent, Classification
from bphub.directory.models import Agency, FocalPoint
from bphub.directory.testing import make_agency, make_focal_point
from bphub.meetings.models import DocumentVersion
from bphub.meetings.testing import make_document, make_meeting
from bphub.members.models import Member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("audit_triggers_paused_for_flush")]

PAPER = b"%PDF-1.4\n% fictitious background paper on safe return\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def audit_log_append_only(on: bool) -> None:
    """Put the audit log's triggers on (as in production) or off (so the test database can be emptied)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditevent {'ENABLE' if on else 'DISABLE'} TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
            if on:
                for statement in import_module("bphub.core.migrations.0002_audit_append_only").SQLITE:
                    cursor.execute(statement)


def everything() -> dict[str, list[dict]]:
    """Every backed-up row, field for field (times to the microsecond), content types by natural
    key (their ids differ after a flush)."""
    return {
        model._meta.label_lower: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in backed_up_models()
    }


def stored_files() -> dict[str, str]:
    root = Path(default_storage.location)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_a_backup_restores_every_record_file_and_audit_event_into_an_empty_database(reference, make_user, tmp_path):
    # given people, members (reference data), a directory record, a meeting document with its
    # file, and audit events
    rso = make_user("rso_admin")
    thailand = Member.objects.get(code="TH")
    make_user("member_coordinator", member=thailand)
    police = make_agency(thailand, name="Royal Thai Police", acronym="RTP", actor=rso)
    make_focal_point(
        thailand,
        full_name="Somchai Thongdee",
        local_name="สมชาย ทองดี",
        agency=police,
        actor=rso,
        phones=["+66812345678"],
        classification=Classification.PUBLIC,
    )
    document = make_document(make_meeting(title="Returns working group"), content=PAPER, name="paper.pdf")
    audit_record(verb="record.read", actor=rso, target=document, via="web", classification="restricted")
    before, files_before = everything(), stored_files()
    assert before["core.auditevent"] and before["accounts.user"] and before["members.member"]
    assert len(files_before) == 1 and document.current_version.file.name in files_before

    # when it is backed up
    backup = tmp_path / "bphub.tar.gz"
    call_command("backup", str(backup), verbosity=0)
    assert backup.stat().st_mode & 0o777 == 0o600, "readable by its owner only"

    # and restored into an empty database and storage (audit log append-only, as in production)
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(default_storage.location)
    assert not AuditEvent.objects.exists() and not Member.objects.exists()
    audit_log_append_only(True)
    try:
        call_command("restore", str(backup), verbosity=0)

        # then every record is back, field for field, with every audit event (plus the restore's)
        after = everything()
        restored_events = after["core.auditevent"]
        assert restored_events[: len(before["core.auditevent"])] == before["core.auditevent"]
        assert [event["fields"]["verb"] for event in restored_events[len(before["core.auditevent"]) :]] == [
            "system.restored"
        ]
        after["core.auditevent"] = before["core.auditevent"]
        assert after == before
        assert FocalPoint.objects.get().full_name == "Somchai Thongdee"
        assert Agency.objects.get().acronym == "RTP"

        # and every file, with the same bytes, where its record expects it
        assert stored_files() == files_before
        with DocumentVersion.objects.get().file.open("rb") as stream:
            assert stream.read() == PAPER

        # and the audit log is still append-only after the restore
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(verb="record.read").update(verb="changed")

        # and a second restore is refused, naming why: the database is not empty any more
        with pytest.raises(CommandError, match="The database is not empty: .*core.auditevent"):
            call_command("restore", str(backup), verbosity=0)
        assert AuditEvent.objects.filter(verb="system.restored").count() == 1
    finally:
        audit_log_append_only(False)  # the teardown empties the database


def test_a_backup_never_overwrites_and_a_restore_refuses_what_is_not_a_backup(tmp_path, make_user):
    make_user("rso_admin")
    backup = tmp_path / "bphub.tar.gz"
    call_command("backup", str(backup), verbosity=0)
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup), verbosity=0)

    stranger = tmp_path / "photos.tar.gz"
    with tarfile.open(stranger, "w:gz") as archive:
        archive.add(backup, arcname="holiday.jpg")
    with pytest.raises(CommandError, match="not a bphub backup"):
        call_command("restore", str(stranger), verbosity=0)

"""`manage.py restore IN.tar.gz`: load a backup into a new, migrated, empty database and storage."""

from django.core.management.base import BaseCommand, CommandError

from bphub.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database (after `manage.py migrate`) "
        "and an empty file storage. Refuses anything else: the audit log can only be inserted into."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file (.tar.gz) to restore.")

    def handle(self, *, path, **options):
        try:
            summary = backup_restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {summary.records} records ({summary.audit_events} audit events) "
            f"and {summary.files} files from {summary.path}."
        )

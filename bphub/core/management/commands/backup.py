"""`manage.py backup OUT.tar.gz`: every record (audit log included) and every uploaded file."""

from django.core.management.base import BaseCommand, CommandError

from bphub.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one new .tar.gz (restore with `manage.py restore`)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to write, e.g. bphub-2026-12-07.tar.gz (must not exist).")

    def handle(self, *, path, **options):
        try:
            summary = backup_write(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {summary.records} records ({summary.audit_events} audit events) "
            f"and {summary.files} files to {summary.path}."
        )

"""Send this week's digests now (the worker does it every Monday 06:00 UTC by itself).

    manage.py send_digest [--user EMAIL] [--dry-run]

Safe to run any number of times: a user's digest for a week is sent once (DigestRun).
"""

from django.core.management.base import BaseCommand, CommandError

from bphub.accounts.models import User
from bphub.communications.services.digest import digest_send_all, digest_week_start


class Command(BaseCommand):
    help = "Send the weekly digest of the current week to every recipient, or to one user."

    def add_arguments(self, parser):
        parser.add_argument("--user", metavar="EMAIL", help="Only this user (by email address).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be sent; write and send nothing.")

    def handle(self, *, user, dry_run, verbosity, **options):
        week_start = digest_week_start()
        users = None
        if user:
            found = User.objects.filter(email__iexact=user.strip()).first()
            if found is None:
                raise CommandError(f"No user with the email address {user!r}.")
            if not found.is_active:
                raise CommandError(f"{found.email} is deactivated: no digest.")
            users = [found]

        def report(person, outcome, digest):
            if verbosity < 1:
                return
            line = f"{person.email}: {outcome}"
            if digest is not None:
                line += f" ({digest.item_count} item(s))"
            self.stdout.write(line)
            if dry_run and digest is not None and verbosity > 1:
                for section in digest.sections:
                    self.stdout.write(f"  {section.title}: " + "; ".join(item.title for item in section.items))

        counts = digest_send_all(week_start=week_start, users=users, dry_run=dry_run, report=report)
        window = f"{week_start.date()} (the 7 days before {week_start:%Y-%m-%d %H:%M} UTC)"
        summary = ", ".join(f"{key} {value}" for key, value in counts.items() if value)
        self.stdout.write(
            f"Weekly digest for {window}: {summary or 'no recipients'}" + (" [dry run]" if dry_run else "")
        )

from django.core.management.base import BaseCommand, CommandError

from bphub.members.services import ReferenceFileError, reference_load


class Command(BaseCommand):
    help = "Load members, observers, bodies, seats and themes from the reference files (idempotent)."

    def handle(self, *args, **options):
        try:
            report = reference_load()
        except ReferenceFileError as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        for bucket in ("created", "updated", "unchanged"):
            counts = getattr(report, bucket)
            if counts:
                self.stdout.write(f"{bucket}: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
        for item in report.kept_local:
            self.stdout.write(f"kept the RSO's correction of {item}")

"""`manage.py directory_sweep [--today YYYY-MM-DD]`: run the directory's daily upkeep by hand.

The workers run it once a day on their own (bphub.core.worker.MAINTENANCE_JOBS); this runs it now,
whether or not it ran today (it is idempotent), and prints what it did.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from bphub.directory.services.freshness import freshness_sweep


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Send due confirmation links, tell coordinators about delinquent records, verify trusted domains."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=str, default=None, help="Run as if today were this day (YYYY-MM-DD).")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the counts as JSON.")

    def handle(self, *, today, as_json: bool = False, **options):
        counts = freshness_sweep(today=_day(today) if today else None)
        if as_json:
            self.stdout.write(json.dumps(counts, sort_keys=True))
            return
        for key, value in counts.items():
            self.stdout.write(f"{key.replace('_', ' ')}: {value}")

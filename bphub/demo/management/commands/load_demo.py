from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from bphub.demo.data import demo_accounts_ensure, demo_content_ensure
from bphub.demo.directory import demo_directory_ensure
from bphub.demo.meetings import demo_meetings_ensure
from bphub.demo.needs import demo_needs_ensure


class Command(BaseCommand):
    help = "Load the fictitious demo accounts (one per role) and content. Demo mode only (BPHUB_DEMO=1)."

    def handle(self, *args, **options):
        try:
            accounts = demo_accounts_ensure()
            created = demo_content_ensure()
            directory = demo_directory_ensure()
            meetings = demo_meetings_ensure()
            demo_needs_ensure()  # after both: something waits for each role that would have work
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo data ready: {len(accounts)} accounts, {created['agencies']} new agencies, "
            f"{created['resources']} new resources; directory: {directory['agencies']} agencies and "
            f"{directory['focal_points']} focal points added; {meetings['meetings']} meetings added."
        )

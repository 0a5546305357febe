import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bphub.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the demo accounts, their password, the shared TOTP secret and the current code."

    def add_arguments(self, parser):
        parser.add_argument("--code", action="store_true", help="Print only the current TOTP code.")

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo accounts exist only in demo mode (BPHUB_DEMO=1).")
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
        if options["code"]:
            self.stdout.write(code)
            return
        port = settings.SITE_URL
        lines = [
            "",
            f"bphub demo — fictitious accounts, one per role (sign in at {port}/accounts/login/)",
            "",
            *[f"  {role.label:<24} {email}" for email, _name, role, _member, _bodies in DEMO_ACCOUNTS],
            "",
            f"  Password (all):        {DEMO_PASSWORD}",
            f"  Authenticator secret:  {DEMO_TOTP_SECRET}  (add it once to any TOTP app; works for every demo account)",
            f"  Current code:          {code}   (a code works once; a fresh one: make code)",
            "",
        ]
        self.stdout.write("\n".join(lines))

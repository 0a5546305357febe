"""Signed-in sessions for the benchmark, made on the server as a real sign-in (password + TOTP) would.

Prints one line per session: "<session key>\t<email>\t<role>" (only the key with --keys-only), so a
load tool can send the key as the session cookie (settings.SESSION_COOKIE_NAME). Each session also
gets the allauth UserSession row a real sign-in creates, with the user agent the load tool sends.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError

from bphub.accounts.middleware import MFA_SESSION_KEY, SESSION_SEEN_KEY, SESSION_STARTED_KEY

BACKEND = "bphub.accounts.backends.AuthenticationBackend"
BENCH_USER_AGENT = "bphub-bench"


class Command(BaseCommand):
    help = "Create signed-in (MFA-passed) sessions for users and print their session keys."

    def add_arguments(self, parser):
        parser.add_argument("emails", nargs="*", help="users to sign in (default: --count bench users)")
        parser.add_argument("--count", type=int, default=0, help="sign in this many @bench.invalid users, every role")
        parser.add_argument("--user-agent", default=BENCH_USER_AGENT)
        parser.add_argument("--ip", default="127.0.0.1")
        parser.add_argument("--keys-only", action="store_true")

    def handle(self, *args, **options):
        from bphub.accounts.models import User

        if options["emails"]:
            users = list(User.objects.filter(email__in=[e.lower() for e in options["emails"]], is_active=True))
            missing = {e.lower() for e in options["emails"]} - {u.email for u in users}
            if missing:
                raise CommandError(f"No active user for: {', '.join(sorted(missing))}")
        elif options["count"] > 0:
            users = self._mixed(options["count"])
        else:
            raise CommandError("Name users by email, or give --count N.")
        for user in users:
            key = self._session_for(user, options["ip"], options["user_agent"])
            self.stdout.write(key if options["keys_only"] else f"{key}\t{user.email}\t{user.role}")

    @staticmethod
    def _mixed(count):
        """`count` bench users: at least one of every role, the rest in the roles' real proportions."""
        from bench.commands.bench_data import BENCH_DOMAIN
        from bphub.accounts.models import User

        bench = User.objects.filter(email__endswith="@" + BENCH_DOMAIN, is_active=True).order_by("pk")
        picked = []
        for role in bench.order_by().values_list("role", flat=True).distinct():
            picked += list(bench.filter(role=role)[:1])
        total = bench.count()
        if total == 0:
            raise CommandError("No bench users: run `bench/manage_bench.py bench_data` first.")
        step = max(1, total // max(1, count))
        ids = list(bench.values_list("pk", flat=True))[::step]
        chosen = {u.pk for u in picked}
        for pk in ids:
            if len(chosen) >= count:
                break
            chosen.add(pk)
        return list(User.objects.filter(pk__in=chosen).order_by("pk"))

    @staticmethod
    def _session_for(user, ip, user_agent) -> str:
        from allauth.usersessions.models import UserSession

        store = import_module(settings.SESSION_ENGINE).SessionStore()
        now = time.time()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)
        store[BACKEND_SESSION_KEY] = BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[MFA_SESSION_KEY] = True
        store[SESSION_STARTED_KEY] = now
        store[SESSION_SEEN_KEY] = now
        store.set_expiry(settings.SESSION_IDLE_TIMEOUT + 60)
        store.create()
        UserSession.objects.update_or_create(
            session_key=store.session_key, defaults={"user": user, "ip": ip, "user_agent": user_agent}
        )
        return store.session_key

"""Fictitious data at production scale for the benchmark (bench/run.sh). Never run against real data.

Every row it makes is recognisable and removed again on the next run:
users and their email addresses by the domain @bench.invalid, agencies by the acronym prefix "BX-",
resources by a link under https://bench.invalid/. Audit events are append-only (the database refuses
DELETE), so they are written only when no bench audit events exist yet (e.g. on a fresh database).
"""

import random
import time
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

BENCH_DOMAIN = "bench.invalid"
BENCH_PASSWORD = "bench passphrase, not a secret"
AGENCY_PREFIX = "BX-"
RESOURCE_URL = "https://bench.invalid/resource/"

# Share of users per role; the rest are member officials (the bulk of real users).
ROLE_SHARES = {
    "rso_admin": 0.0005,
    "rso_staff": 0.004,
    "member_coordinator": 0.02,
    "wg_co_chair": 0.005,
    "researcher": 0.03,
    "alumnus": 0.04,
}
CLASSIFICATION_SHARES = [
    ("public", 0.30),
    ("members", 0.35),
    ("body", 0.15),
    ("restricted", 0.15),
    ("secretariat", 0.05),
]
AGENCY_NAMES = [
    "Immigration Department",
    "Federal Police",
    "Ministry of Foreign Affairs",
    "Border Force",
    "Coast Guard",
    "Ministry of Justice",
    "Anti-Trafficking Unit",
    "Labour Ministry",
    "Attorney-General's Office",
    "Customs Service",
]
FIRST = [
    "Ana",
    "Budi",
    "Chen",
    "Dewi",
    "Erik",
    "Farah",
    "Gita",
    "Hiro",
    "Ines",
    "Joko",
    "Kim",
    "Lina",
    "Minh",
    "Nadia",
    "Omar",
    "Priya",
    "Quan",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vina",
    "Wei",
    "Xin",
    "Yuki",
    "Zara",
]
LAST = [
    "Abdullah",
    "Bui",
    "Chandra",
    "Dao",
    "Evans",
    "Fernando",
    "Gunawardena",
    "Hassan",
    "Ito",
    "Jensen",
    "Khan",
    "Lee",
    "Marzuki",
    "Nguyen",
    "Ortiz",
    "Perera",
    "Rahman",
    "Santoso",
    "Tanaka",
    "Wibowo",
    "Yamada",
    "Zhang",
]


class Command(BaseCommand):
    help = "Generate fictitious users, agencies, resources and audit events for the benchmark (@bench.invalid)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--resources", type=int, default=2_000)
        parser.add_argument("--agencies-per-member", type=int, default=6)
        parser.add_argument("--audit-per-user", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        from bphub.members.models import Member

        if not Member.objects.exists():
            raise CommandError("No members: run `manage.py load_reference` first.")
        started = time.monotonic()
        rng = random.Random(options["seed"])
        self._clear()
        cleared = time.monotonic()
        with transaction.atomic():
            agencies = self._agencies(rng, options["agencies_per_member"])
            users = self._users(rng, options["users"], agencies)
            resources, released = self._resources(rng, options["resources"])
        audit = self._audit(rng, users, options["audit_per_user"])
        done = time.monotonic()
        self.stdout.write(
            f"bench_data: {len(users)} users ({self._role_counts(users)}), {len(agencies)} agencies, "
            f"{resources} resources ({released} released_to rows), {audit} audit events; "
            f"cleared previous rows in {cleared - started:.1f}s, created in {done - cleared:.1f}s"
        )

    # --- clearing --------------------------------------------------------------------------------
    def _clear(self):
        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator
        from allauth.usersessions.models import UserSession
        from django.contrib.sessions.models import Session

        from bphub.accounts.models import User
        from bphub.directory.models import Agency
        from bphub.knowledge.models import Resource

        with transaction.atomic():
            users = User.objects.filter(email__endswith="@" + BENCH_DOMAIN)
            keys = list(UserSession.objects.filter(user__in=users).values_list("session_key", flat=True))
            Session.objects.filter(session_key__in=keys).delete()
            UserSession.objects.filter(user__in=users).delete()
            EmailAddress.objects.filter(user__in=users).delete()
            Authenticator.objects.filter(user__in=users).delete()
            User.chaired_bodies.through.objects.filter(user__in=users).delete()
            users.delete()
            resources = Resource.objects.filter(url__startswith=RESOURCE_URL)
            Resource.released_to.through.objects.filter(resource__in=resources).delete()
            Resource.themes.through.objects.filter(resource__in=resources).delete()
            resources.delete()
            Agency.objects.filter(acronym__startswith=AGENCY_PREFIX).delete()

    # --- agencies --------------------------------------------------------------------------------
    def _agencies(self, rng, per_member):
        from bphub.directory.models import Agency
        from bphub.members.models import Member

        rows = []
        for member in Member.objects.filter(kind__in=["state", "economy"]).order_by("code"):
            for n, name in enumerate(rng.sample(AGENCY_NAMES, min(per_member, len(AGENCY_NAMES))), start=1):
                rows.append(
                    Agency(
                        member=member,
                        name={"en": f"{name} of {member.code}"},
                        acronym=f"{AGENCY_PREFIX}{member.code}{n}",
                    )
                )
        return Agency.objects.bulk_create(rows, batch_size=1000)

    # --- users -------------------------------------------------------------------------------------
    def _users(self, rng, count, agencies):
        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import generate_totp_secret
        from allauth.mfa.utils import encrypt

        from bphub.accounts.models import User
        from bphub.members.models import Body, BodyMembership, Member

        password = make_password(BENCH_PASSWORD)  # one hash for everyone: 10,000 hashes would take minutes
        members = list(Member.objects.order_by("code"))
        states = [m for m in members if m.kind in {"state", "economy"}]
        agencies_of = {}
        for agency in agencies:
            agencies_of.setdefault(agency.member_id, []).append(agency)
        roles = []
        for role, share in ROLE_SHARES.items():
            roles += [role] * max(1, round(count * share))
        roles += ["member_official"] * (count - len(roles))
        rng.shuffle(roles)
        now = timezone.now()
        rows = []
        for number, role in enumerate(roles[:count], start=1):
            member = None
            if role in {"member_coordinator", "member_official", "wg_co_chair"}:
                # Most people work for a state; organisations and observers have fewer.
                member = rng.choice(states) if rng.random() < 0.9 else rng.choice(members)
            elif role == "alumnus" and rng.random() < 0.5:
                member = rng.choice(states)
            choices = agencies_of.get(member.pk) if member else None
            agency = rng.choice(choices) if choices and rng.random() < 0.8 else None
            first, last = rng.choice(FIRST), rng.choice(LAST)
            rows.append(
                User(
                    email=f"{role.replace('_', '-')}-{number:05d}@{BENCH_DOMAIN}",
                    full_name=f"{first} {last}",
                    password=password,
                    role=role,
                    member=member,
                    agency=agency,
                    time_zone=rng.choice(["UTC", "Asia/Jakarta", "Asia/Bangkok", "Australia/Sydney", "Asia/Manila"]),
                    language=rng.choice(["en", "en", "en", "id", "th"]),
                    is_staff=role == "rso_admin",
                    date_joined=now - timedelta(days=rng.randint(0, 3 * 365)),
                )
            )
        users = User.objects.bulk_create(rows, batch_size=2000)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=2000
        )
        secret = {"secret": encrypt(generate_totp_secret())}  # one secret: nobody signs in with it
        Authenticator.objects.bulk_create(
            [Authenticator(user=u, type=Authenticator.Type.TOTP, data=secret) for u in users], batch_size=2000
        )
        # Co-chairs chair the working groups on which their member holds a seat (else any working group).
        groups = list(Body.objects.filter(kind__in=["working_group", "task_force"]).values_list("pk", flat=True))
        seats = {}
        for member_id, body_id in BodyMembership.objects.filter(body_id__in=groups).values_list("member_id", "body_id"):
            seats.setdefault(member_id, []).append(body_id)
        through = User.chaired_bodies.through
        chairs = [
            through(user_id=u.pk, body_id=rng.choice(seats.get(u.member_id) or groups))
            for u in users
            if u.role == "wg_co_chair" and groups
        ]
        through.objects.bulk_create(chairs, batch_size=2000)
        return users

    @staticmethod
    def _role_counts(users):
        counts = {}
        for user in users:
            counts[user.role] = counts.get(user.role, 0) + 1
        return ", ".join(f"{n} {role}" for role, n in sorted(counts.items(), key=lambda item: -item[1]))

    # --- resources ---------------------------------------------------------------------------------
    def _resources(self, rng, count):
        from bphub.knowledge.models import Resource
        from bphub.members.models import Body, Member, Theme

        members = list(Member.objects.values_list("pk", flat=True))
        bodies = list(Body.objects.values_list("pk", flat=True))
        themes = list(Theme.objects.values_list("pk", flat=True))
        levels = [level for level, _share in CLASSIFICATION_SHARES]
        weights = [share for _level, share in CLASSIFICATION_SHARES]
        kinds = [kind for kind, _label in Resource.Kind.choices]
        today = date.today()
        rows = []
        for number in range(1, count + 1):
            level = rng.choices(levels, weights)[0]
            originator = None if level == "secretariat" or rng.random() < 0.3 else rng.choice(members)
            rows.append(
                Resource(
                    title={"en": f"Bench resource {number}: {rng.choice(AGENCY_NAMES)} practice note"},
                    summary={"en": "A fictitious resource made by bench_data."},
                    kind=rng.choice(kinds),
                    url=f"{RESOURCE_URL}{number}",
                    classification=level,
                    originator_id=originator,
                    body_id=rng.choice(bodies) if level == "body" or rng.random() < 0.2 else None,
                    published_on=today - timedelta(days=rng.randint(0, 10 * 365)),
                )
            )
        resources = Resource.objects.bulk_create(rows, batch_size=1000)
        released = [
            Resource.released_to.through(resource_id=r.pk, member_id=m)
            for r in resources
            if r.classification == "restricted"
            for m in rng.sample(members, rng.randint(1, 4))
        ]
        Resource.released_to.through.objects.bulk_create(released, batch_size=5000)
        Resource.themes.through.objects.bulk_create(
            [
                Resource.themes.through(resource_id=r.pk, theme_id=t)
                for r in resources
                for t in rng.sample(themes, rng.randint(1, min(2, len(themes))))
            ]
            if themes
            else [],
            batch_size=5000,
        )
        return len(resources), len(released)

    # --- audit events ------------------------------------------------------------------------------
    def _audit(self, rng, users, per_user):
        from bphub.core.models import AuditEvent

        if per_user <= 0 or AuditEvent.objects.filter(actor_email__endswith="@" + BENCH_DOMAIN).exists():
            return 0  # append-only: earlier bench events stay; don't pile up more
        now = timezone.now()
        verbs = ["auth.login", "mfa.added", "auth.logout", "auth.login", "record.read", "auth.login_failed"]
        rows = [
            AuditEvent(
                occurred_at=now - timedelta(minutes=rng.randint(1, 3 * 365 * 24 * 60)),
                actor_id=u.pk,
                actor_email=u.email,
                verb=verbs[n % len(verbs)],
                ip_address=f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            )
            for u in users
            for n in range(per_user)
        ]
        AuditEvent.objects.bulk_create(rows, batch_size=5000)
        return len(rows)

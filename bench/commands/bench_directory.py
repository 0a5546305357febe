"""Fictitious stakeholder map at production scale for bench/directory/ (never against real data).

`bench/manage_bench.py bench_directory --members 50 --agencies 5000 --focal-points 100000 [--clear] [--seed 1]`

Uses the reference members already loaded (`load_reference`; states and economies first), makes
agencies with mandate themes and focal points with names in several scripts (Thai, Chinese,
Japanese, Korean, Arabic, Persian, Devanagari, Cyrillic, Latin with diacritics), 1–2 emails,
a phone for half of them, current roles, every freshness state and one minimal revision per
record, all with `bulk_create` in batches. Every row is recognisable and removed by the next run
(or `--clear`): agencies by the acronym prefix "BXD-", focal points by their bench agency, emails
under `bench.invalid`.
"""

import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

AGENCY_PREFIX = "BXD-"
EMAIL_DOMAIN = "dir.bench.invalid"
BATCH = 5000
CADENCE = 182
CLASSIFICATIONS = [("members", 0.75), ("public", 0.15), ("restricted", 0.08), ("secretariat", 0.02)]
# Several scripts in every batch, so search hits Thai, Chinese, Arabic... as well as Latin names.
STYLES = ["thai", "chinese", "cantonese", "japanese", "korean", "vietnamese", "arabic", "persian", "hindi", "nepali",
          "mongolian", "urdu", "bengali", "indonesian", "filipino", "khmer", "lao", "burmese", "english", "french",
          "turkish", "polynesian", "international"]


class Command(BaseCommand):
    help = "Generate (or --clear) a fictitious directory at scale for the benchmark (acronyms BXD-...)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=50)
        parser.add_argument("--agencies", type=int, default=5_000)
        parser.add_argument("--focal-points", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--clear", action="store_true", help="only remove the previous bench rows")

    def handle(self, *args, **options):
        from bphub.members.models import Member

        started = time.monotonic()
        cleared = self._clear()
        self.stdout.write(f"bench_directory: removed {cleared[0]} agencies and {cleared[1]} focal points "
                          f"in {time.monotonic() - started:.1f}s")
        if options["clear"]:
            return
        members = list(Member.objects.order_by("kind", "code"))  # economies, organisations, states (alphabetical)
        members.sort(key=lambda m: m.kind != "state")  # states first
        members = members[: options["members"]]
        if not members:
            raise CommandError("No members: run `manage.py load_reference` first.")
        rng = random.Random(options["seed"])
        began = time.monotonic()
        agencies = self._agencies(rng, members, options["agencies"])
        made_agencies = time.monotonic()
        people = self._focal_points(rng, members, agencies, options["focal_points"])
        made_people = time.monotonic()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("directory_agency", "directory_focalpoint", "directory_email", "directory_focalpointrole",
                              "directory_revision", "directory_focalpoint_released_to"):
                    cursor.execute(f"ANALYZE {table}")
        self.stdout.write(
            f"bench_directory: {len(agencies)} agencies ({made_agencies - began:.1f}s), {people} focal points "
            f"({made_people - made_agencies:.1f}s) for {len(members)} members; total {time.monotonic() - started:.1f}s"
        )

    # --- clearing ------------------------------------------------------------------------------
    @staticmethod
    def _clear() -> tuple[int, int]:
        """Remove the bench rows with plain DELETEs (100,000 people through the ORM's cascade would take minutes)."""
        from bphub.directory.models import (
            Agency,
            ChangeProposal,
            ConfirmationRequest,
            Email,
            FocalPoint,
            FocalPointRole,
            Phone,
            Revision,
        )

        agencies = Agency.all_objects.filter(acronym__startswith=AGENCY_PREFIX)
        people = FocalPoint.all_objects.filter(agency__in=agencies.values("pk"))
        person_ids = people.values("pk")
        with transaction.atomic():
            counts = (agencies.count(), people.count())
            for model in (Email, Phone, FocalPointRole, ConfirmationRequest, ChangeProposal):
                model.objects.filter(focal_point_id__in=person_ids)._raw_delete(connection.alias)
            FocalPoint.released_to.through.objects.filter(focalpoint_id__in=person_ids)._raw_delete(connection.alias)
            Revision.objects.filter(record_type="focal_point", record_id__in=person_ids)._raw_delete(connection.alias)
            people._raw_delete(connection.alias)
            agency_ids = agencies.values("pk")
            for model in (Agency.themes.through, Agency.released_to.through):
                model.objects.filter(agency_id__in=agency_ids)._raw_delete(connection.alias)
            Revision.objects.filter(record_type="agency", record_id__in=agency_ids)._raw_delete(connection.alias)
            Agency.all_objects.filter(parent__in=agency_ids).update(parent=None)
            agencies._raw_delete(connection.alias)
        return counts

    # --- shared --------------------------------------------------------------------------------
    @staticmethod
    def _review(rng, now):
        """(created_at, last_confirmed_at, via, review_due_on) with the demo's spread of freshness."""
        from bphub.demo.directory import _confirmation_history

        created, confirmed, via = _confirmation_history(rng, now)
        due = timezone.localdate(confirmed or created) + timedelta(days=CADENCE)
        return created, confirmed, via, due

    @staticmethod
    def _classification(rng) -> str:
        return rng.choices([c for c, _w in CLASSIFICATIONS], [w for _c, w in CLASSIFICATIONS])[0]

    # --- agencies --------------------------------------------------------------------------------
    def _agencies(self, rng, members, count):
        from bphub.demo.directory import AGENCY_KINDS
        from bphub.directory.models import Agency, Revision
        from bphub.directory.text import search_text_for
        from bphub.members.models import Theme

        themes = list(Theme.objects.values_list("pk", flat=True))
        kinds = list(AGENCY_KINDS.items())
        now = timezone.now()
        rows = []
        for number in range(count):
            member = members[number % len(members)]
            kind, (english, acronym, sub, _themes) = kinds[number % len(kinds)]
            created, confirmed, via, due = self._review(rng, now)
            name = {"en": f"{english} – Office {number // len(members) + 1}"}
            short = f"{AGENCY_PREFIX}{member.code}-{acronym}{number // len(members) + 1}"
            rows.append(Agency(
                member=member, originator=member, name=name, acronym=short, kind=kind, classification="public",
                email_domains=f"{sub}{number}.{member.code.lower()}.{EMAIL_DOMAIN}", created_at=created,
                last_confirmed_at=confirmed, last_confirmed_via=via, review_due_on=due,
                search_text=search_text_for(name["en"], short),
            ))
        agencies = []
        for start in range(0, len(rows), BATCH):
            with transaction.atomic():
                chunk = Agency.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)
                Agency.themes.through.objects.bulk_create(
                    [Agency.themes.through(agency_id=a.pk, theme_id=t) for a in chunk
                     for t in rng.sample(themes, rng.randint(1, 3))], batch_size=BATCH)
                Revision.objects.bulk_create([self._revision("agency", a.pk, a.created_at, {"acronym": a.acronym})
                                              for a in chunk], batch_size=BATCH)
            agencies += chunk
        return agencies

    @staticmethod
    def _revision(record_type, pk, at, snapshot):
        from bphub.directory.models import Revision

        return Revision(record_type=record_type, record_id=pk, number=1, created_at=at, actor_label="bench_directory",
                        source=Revision.Source.IMPORT, source_ref="bench", snapshot=snapshot)

    # --- focal points ----------------------------------------------------------------------------
    def _focal_points(self, rng, members, agencies, count) -> int:
        import phonenumbers

        from bphub.demo.directory import DEFAULT_MEMBER, DEFAULT_TITLES, MEMBERS, NAME_STYLES, TITLES, _phone, _slug
        from bphub.directory.models import Email, FocalPoint, FocalPointRole, Phone, Revision, RoleKind
        from bphub.directory.text import search_text_for
        from bphub.members.models import Body, Theme

        themes = list(Theme.objects.values_list("pk", flat=True))
        groups = list(Body.objects.filter(kind__in=["working_group", "task_force"]).values_list("pk", flat=True))
        agencies_of: dict[int, list] = {}
        for agency in agencies:
            agencies_of.setdefault(agency.member_id, []).append(agency)
        # A few valid numbers per member, reused: checking 100,000 numbers one by one would take minutes.
        phone_pool = {}
        for member in members:
            region = MEMBERS.get(member.code, DEFAULT_MEMBER)[3]
            phone_pool[member.pk] = [p for p in {_phone(rng, region, phonenumbers.PhoneNumberType.FIXED_LINE)
                                                 for _n in range(20)} if p] or ["+41225550100"]
        # Every name a style can make, ready to draw from.
        names = {}
        for style in STYLES:
            given, family, family_first, spaced = NAME_STYLES[style]
            made = []
            for g in given:
                for f in family:
                    parts = [f, g] if family_first else [g, f]
                    local = (" " if spaced else "").join(p[1] for p in parts if p[1]) \
                        if all(p[1] or not p[0] for p in parts) else ""
                    made.append((" ".join(p[0] for p in parts if p[0]), local))
            names[style] = made
        now = timezone.now()
        search_texts: dict[tuple, str] = {}  # names repeat: fold and transliterate each once
        total = 0
        member_ids = [m.pk for m in members]
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            rows, extras = [], []
            for n in range(start, start + size):
                member = members[n % len(members)]
                own_style = MEMBERS.get(member.code, DEFAULT_MEMBER)[0]
                style = own_style if own_style in names and rng.random() < 0.7 else rng.choice(STYLES)
                latin, local = rng.choice(names[style])
                agency = rng.choice(agencies_of[member.pk])
                created, confirmed, via, due = self._review(rng, now)
                classification = self._classification(rng)
                rows.append(FocalPoint(
                    member=member, originator=member, agency=agency, full_name=latin, local_name=local,
                    title=rng.choice(TITLES.get(agency.kind, DEFAULT_TITLES)), classification=classification,
                    preferred_language="en", time_zone=MEMBERS.get(member.code, DEFAULT_MEMBER)[2],
                    created_at=created, updated_at=created, last_confirmed_at=confirmed, last_confirmed_via=via,
                    review_due_on=due, search_text=search_texts.get((latin, local)) or search_texts.setdefault(
                        (latin, local), search_text_for(latin, local)),
                ))
                extras.append((_slug(latin) or "person", agency, n))
            with transaction.atomic():
                people = FocalPoint.objects.bulk_create(rows, batch_size=BATCH)
                emails, phones, roles, released, revisions = [], [], [], [], []
                for person, (slug, agency, n) in zip(people, extras, strict=True):
                    domain = agency.email_domains
                    emails.append(Email(focal_point_id=person.pk, address=f"{slug}.{n}@{domain}", is_primary=True,
                                        bounced_at=now if rng.random() < 0.02 else None))
                    if rng.random() < 0.3:
                        emails.append(Email(focal_point_id=person.pk, address=f"{slug[:1]}{n}@{EMAIL_DOMAIN}"))
                    if rng.random() < 0.5:
                        phones.append(Phone(focal_point_id=person.pk, number=rng.choice(phone_pool[person.member_id]),
                                            is_primary=True))
                    roll = rng.random()
                    valid_from = timezone.localdate(person.created_at)
                    if roll < 0.40 and themes:
                        roles.append(FocalPointRole(focal_point_id=person.pk, kind=RoleKind.THEMATIC,
                                                    theme_id=rng.choice(themes), valid_from=valid_from))
                    elif roll < 0.45 and groups:
                        roles.append(FocalPointRole(focal_point_id=person.pk, kind=RoleKind.WORKING_GROUP,
                                                    body_id=rng.choice(groups), valid_from=valid_from))
                    elif roll < 0.48:
                        roles.append(FocalPointRole(focal_point_id=person.pk, kind=RoleKind.SOM_DELEGATE,
                                                    valid_from=valid_from))
                    elif roll < 0.49:
                        roles.append(FocalPointRole(focal_point_id=person.pk, kind=RoleKind.NATIONAL,
                                                    valid_from=valid_from))
                    if person.classification == "restricted":
                        released.append(FocalPoint.released_to.through(focalpoint_id=person.pk,
                                                                       member_id=rng.choice(member_ids)))
                    revisions.append(self._revision("focal_point", person.pk, person.created_at,
                                                    {"full_name": person.full_name, "local_name": person.local_name}))
                Email.objects.bulk_create(emails, batch_size=BATCH)
                Phone.objects.bulk_create(phones, batch_size=BATCH)
                FocalPointRole.objects.bulk_create(roles, batch_size=BATCH)
                FocalPoint.released_to.through.objects.bulk_create(released, batch_size=BATCH,
                                                                   ignore_conflicts=True)
                Revision.objects.bulk_create(revisions, batch_size=BATCH)
            total += len(people)
        return total

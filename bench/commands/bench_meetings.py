"""Fictitious secretariat archive at production scale for bench/meetings/ (never against real data).

`bench/manage_bench.py bench_meetings [--meetings 10000] [--documents 200000] [--actions 50000] [--public 502]
[--seed 1] [--reference 2026-11-29] [--participants 20]`

Needs the reference data (`load_reference`) and an empty meetings area (it refuses otherwise: run it on
the benchmark's own database). Deterministic: one seeded random stream, and every date is placed
relative to fixed days (meetings spread over 2022-01-03..2026-12-31; "today", which decides whether
a meeting is past or upcoming and an action overdue, is `--reference`), so two runs give the same rows.

What it makes, written with PostgreSQL COPY (`_write`; bulk_create on other databases):
- `--meetings` meetings of every kind, classification and status, in numbered series, with small
  agendas, delegations (1-3 delegates each, people from a pool of focal points per member),
  outcomes for the meetings held, and exactly `--public` public, non-draft meetings (Indico's
  5-year calendar has 502 events);
- THE BIG MEETING, shaped like Indico's big meeting (`../shared/peer/indico/gen_data.py`): public,
  3 days, 3 parallel sessions x 2 blocks a day (18 sessions), 200 agenda items with 1-3 presenters,
  45 approved delegations with 300 delegates, key documents and presentations linked to items; it is
  the 12th of a series whose previous meeting has published outcomes and open (some overdue) actions;
- `--documents` documents with one version each, all versions pointing at ONE stored small PDF
  (`meetings/documents/bench/bench-document.pdf`), `search_text` and `extracted_text` filled;
- `--actions` action items owned by members, bodies or the RSO (open, in progress, done, dropped;
  overdue ones among them), a progress update on most of those that moved.
`--participants` bench users (`bench_data`, member officials) are linked to delegates of the big
meeting, so a signed-in benchmark reads the page as one of its approved participants.
Prints the big meeting's id as `big_meeting_id=<id>` and the participants as `participant=<email>`.
"""

import hashlib
import random
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from bench.commands.meetings_followup import FollowUpParts
from bench.commands.meetings_vocabulary import (
    BATCH,
    BIG_DAY,
    FIRST,
    FIRST_DAY,
    GROUP_OF_KIND,
    ITEM_TITLES,
    KIND_WEIGHTS,
    LAST,
    LAST_DAY,
    ONLINE_KINDS,
    OTHER_CLASSIFICATIONS,
    PERSON_PREFIX,
    PUBLIC_KINDS,
    SERIES_KINDS,
    SERIES_SIZE,
    SESSION_TITLES,
    STORED_PDF,
    TOPICS,
    WORDS,
    _batches,
    _ordinal,
)


class Command(FollowUpParts, BaseCommand):
    help = "Generate a fictitious meetings archive at scale for the benchmark (empty meetings area only)."

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, default=10_000)
        parser.add_argument("--documents", type=int, default=200_000)
        parser.add_argument("--actions", type=int, default=50_000)
        parser.add_argument("--public", type=int, default=502, help="public, non-draft meetings (the public feed)")
        parser.add_argument("--participants", type=int, default=20, help="bench users linked to big-meeting delegates")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--reference", type=date.fromisoformat, default=date(2026, 11, 29),
                            help="the day taken as today for statuses and due dates (fixed, for reproducibility)")

    def handle(self, *args, **options):
        from bphub.meetings.models import Meeting
        from bphub.members.models import Body, Member

        if Meeting.objects.exists():
            raise CommandError("The meetings area is not empty: run this on a fresh benchmark database.")
        self.rng = random.Random(options["seed"])
        self.today = options["reference"]
        self.members = list(Member.objects.order_by("code"))
        if not self.members:
            raise CommandError("No members: run `manage.py load_reference` first.")
        self.full_members = [m for m in self.members if m.standing == Member.Standing.MEMBER]
        self.bodies = {b.code: b for b in Body.objects.all()}
        self.timings = []
        started = time.monotonic()
        with transaction.atomic():
            self._step("stored PDF and focal points", self._people)
            self._step("meetings", self._meetings, options["meetings"], options["public"])
            self._step("agendas", self._agendas)
            self._step("delegations", self._delegations)
            self._step("outcomes", self._outcomes)
            self._step("documents", self._documents, options["documents"])
            self._step("actions", self._actions, options["actions"])
            participants = self._participants(options["participants"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        made = ", ".join(f"{label} {seconds:.1f}s" for label, seconds in self.timings)
        self.stdout.write(f"bench_meetings: {self.counts()}")
        self.stdout.write(f"bench_meetings: {made}; total {time.monotonic() - started:.1f}s")
        self.stdout.write(f"big_meeting_id={self.big.pk}")
        for email in participants:
            self.stdout.write(f"participant={email}")

    def _step(self, label, function, *args):
        began = time.monotonic()
        function(*args)
        self.timings.append((label, time.monotonic() - began))

    @staticmethod
    def counts() -> str:
        from bphub.meetings.models import (
            ActionItem,
            ActionItemUpdate,
            AgendaItem,
            AgendaSession,
            Delegate,
            Delegation,
            Document,
            DocumentVersion,
            Meeting,
            Outcome,
        )

        public = Meeting.objects.filter(classification="public").exclude(status="draft").count()
        parts = [f"{Meeting.objects.count()} meetings ({public} public and not draft)"]
        for model, label in [(AgendaSession, "sessions"), (AgendaItem, "agenda items"), (Delegation, "delegations"),
                             (Delegate, "delegates"), (Document, "documents"), (DocumentVersion, "versions"),
                             (Outcome, "outcomes"), (ActionItem, "actions"), (ActionItemUpdate, "action updates")]:
            parts.append(f"{model.objects.count()} {label}")
        return ", ".join(parts)

    # --- people and the one stored file ----------------------------------------------------------
    def _people(self):
        from bphub.demo.meetings import demo_pdf
        from bphub.directory.models import FocalPoint
        from bphub.directory.text import search_text_for

        content = demo_pdf(["FICTITIOUS BENCHMARK DOCUMENT", "Every benchmark document version points at this file."])
        if not default_storage.exists(STORED_PDF):
            default_storage.save(STORED_PDF, ContentFile(content))
        self.pdf = {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        rng = self.rng
        rows = []
        for member in self.members:
            for n in range(14):  # enough for the biggest delegation (10 people)
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                rows.append({
                    "member_id": member.pk, "originator_id": member.pk, "full_name": name,
                    "title": f"{PERSON_PREFIX} {member.code}-{n + 1}", "classification": "members",
                    "preferred_language": "en", "time_zone": member.time_zone, "search_text": search_text_for(name),
                    "review_due_on": self.today + timedelta(days=90),
                })
        self.people = {}
        for row in self._write(FocalPoint, rows):
            self.people.setdefault(row["member_id"], []).append(row["id"])

    # --- meetings ------------------------------------------------------------------------------
    def _meetings(self, count, public_target):
        from bphub.meetings.models import Meeting, MeetingInvitation, MeetingSeries

        rng = self.rng
        # The big meeting's series: plenaries every 23 weeks from January 2022; the 12th is the big one.
        plenary = MeetingSeries.objects.create(
            code="som-plenary", name={"en": "Senior Officials' Plenary"}, kind="senior_officials",
            group=self.bodies.get("SOM"),
        )
        specs = []  # dicts, turned into Meeting rows below
        for number in range(1, 12):
            day = BIG_DAY - timedelta(days=161 * (12 - number))
            spec = self._spec("senior_officials", day, series=plenary, number=number, days=3,
                              classification="public", host=rng.choice(self.full_members), special=True)
            spec.update(title=f"Senior Officials' Plenary ({_ordinal(number)})",
                        status="closed" if (self.today - day).days > 150 else "outcomes_published")
            specs.append(spec)
        big = self._spec("senior_officials", BIG_DAY, series=plenary, number=12, days=3, classification="public",
                         host=next((m for m in self.members if m.code == "ID"), self.members[0]), special=True)
        big.update(title="Senior Officials' Plenary (12th): regional cooperation on irregular migration",
                   status="registration_open", hour=8, end_hour=18,
                   venue="Bali International Convention Centre, Nusa Dua", online_url="")
        specs.append(big)
        # Everything else, spread evenly over five years.
        span = (LAST_DAY - FIRST_DAY).days
        kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
        for _n in range(count - len(specs)):
            kind = rng.choices(kinds, weights)[0]
            day = FIRST_DAY + timedelta(days=rng.randrange(span + 1))
            specs.append(self._spec(kind, day))
        # Exactly `public_target` public, non-draft meetings (the specials are public already).
        candidates = [s for s in specs if not s.get("special") and s["status"] != "draft"
                      and s["kind"] in PUBLIC_KINDS]
        wanted = public_target - sum(1 for s in specs if s["classification"] == "public" and s["status"] != "draft")
        for spec in rng.sample(candidates, max(0, min(wanted, len(candidates)))):
            spec["classification"] = "public"
            spec["body"] = None
        drafts = [s for s in specs if s["status"] == "draft"]
        for spec in rng.sample(drafts, min(10, len(drafts))):
            spec["classification"], spec["body"] = "public", None  # drafts are never in the public feed
        # Series: numbered by date, at most SERIES_SIZE meetings each.
        specs.sort(key=lambda s: (s["day"], s["hour"], s["kind"]))
        series_rows, in_series, next_number = {}, {}, {}
        for spec in specs:
            if spec.get("special") or spec["kind"] not in SERIES_KINDS:
                continue
            key = (spec["kind"], spec["group"].code if spec["group"] else "")
            index = in_series.get(key, 0)
            in_series[key] = index + 1
            cycle = index // SERIES_SIZE
            code = f"{key[0].replace('_', '-')}-{key[1].lower() or 'rso'}-{cycle + 1}"
            if code not in series_rows:
                label = Meeting.Kind(key[0]).label
                name = f"{spec['group'] or 'RSO'} {label} meetings" + (f", cycle {cycle + 1}" if cycle else "")
                series_rows[code] = MeetingSeries(code=code, name={"en": name}, kind=key[0], group=spec["group"])
            spec["series_code"] = code
            next_number[code] = next_number.get(code, 0) + 1
            spec["number"] = next_number[code]
        made = {s.code: s for s in MeetingSeries.objects.bulk_create(list(series_rows.values()))}
        rows = []
        for spec in specs:
            series = spec["series"] or made.get(spec.get("series_code"))
            if series is not None and not spec.get("special"):
                spec["title"] = f"{series.name['en']} ({_ordinal(spec['number'])})"
            zone = ZoneInfo(spec["zone"])
            day = spec["day"]
            start = datetime(day.year, day.month, day.day, spec["hour"], 0, tzinfo=zone)
            last = day + timedelta(days=spec["days"] - 1)
            end = datetime(last.year, last.month, last.day, spec["end_hour"], 0, tzinfo=zone)
            rows.append(Meeting(
                title={"en": spec["title"]}, kind=spec["kind"], series=series,
                number=spec["number"] if series else None, group=spec["group"], host=spec["host"],
                description={"en": spec["description"]},
                classification=spec["classification"], originator=spec["originator"], body=spec["body"],
                venue=spec["venue"], online_url=spec["online_url"], starts_at=start, ends_at=end,
                time_zone=spec["zone"], status=spec["status"], is_emergency=spec["is_emergency"],
                nomination_deadline=start - timedelta(days=14) if spec["status"] != "draft" else None,
                created_at=start - timedelta(days=60), status_changed_at=start - timedelta(days=30),
            ))
        self.meetings = []
        for chunk in _batches(rows):
            self.meetings += Meeting.objects.bulk_create(chunk)
        released = []
        for meeting in self.meetings:
            meeting.released = []
            if meeting.classification == "restricted":
                others = [m for m in self.full_members if m.pk != meeting.originator_id]
                meeting.released = [m.pk for m in rng.sample(others, rng.randint(2, 4))]
                released += [{"meeting_id": meeting.pk, "member_id": pk} for pk in meeting.released]
        self._write(Meeting.released_to.through, released)
        self.big = next(m for m in self.meetings if m.series_id == plenary.pk and m.number == 12)
        self.previous = next(m for m in self.meetings if m.series_id == plenary.pk and m.number == 11)
        MeetingInvitation.objects.create(meeting=self.big, target="body", body=self.bodies.get("SOM"),
                                         label="Senior Officials' Meeting")

    def _spec(self, kind, day, *, series=None, number=None, days=None, classification=None, host=None,
              special=False):
        rng = self.rng
        group_code = rng.choice(GROUP_OF_KIND[kind])
        group = self.bodies.get(group_code) if group_code else None
        online = kind in ONLINE_KINDS
        if host is None and not online and rng.random() < 0.85:
            host = rng.choice(self.full_members)
        zone = (host.time_zone if host else "") or "Asia/Bangkok"
        if days is None:
            days = 1 if online else rng.choices([1, 2, 3], [55, 30, 15])[0]
        hour = rng.choice([9, 14]) if online else 9
        end_hour = hour + 2 if online else 17
        past = day < self.today
        if past:
            status = "draft" if rng.random() < 0.005 else (
                "closed" if (self.today - day).days > 150 else rng.choice(["held", "outcomes_published"]))
        else:
            status = rng.choices(["draft", "announced", "registration_open"], [20, 40, 40])[0]
        if classification is None:
            classification = "restricted" if kind == "consultation" and rng.random() < 0.7 else \
                rng.choices([c for c, _w in OTHER_CLASSIFICATIONS], [w for _c, w in OTHER_CLASSIFICATIONS])[0]
            if classification == "body" and group is None:
                classification = "members"
        originator = None
        if classification == "restricted":
            originator = host or rng.choice(self.full_members)
        topic = rng.choice(TOPICS)
        label = {"workshop": "Capacity-building workshop", "thematic_dialogue": "Thematic dialogue",
                 "roundtable": "Roundtable", "pre_briefing": "Pre-briefing", "consultation": "Consultation"}
        title = f"{label.get(kind, kind.replace('_', ' ').capitalize())} on {topic}"
        return {
            "kind": kind, "day": day, "days": days, "hour": hour, "end_hour": end_hour, "zone": zone,
            "series": series, "number": number, "group": group, "host": host, "classification": classification,
            "body": group if classification == "body" else None, "originator": originator, "status": status,
            "is_emergency": kind == "consultation" and rng.random() < 0.3, "title": title,
            "description": " ".join(rng.choice(WORDS) for _w in range(rng.randint(20, 60))).capitalize() + ".",
            "venue": "" if online else f"{host or 'RSO'} conference venue, room {rng.randint(1, 12)}",
            "online_url": f"https://meet.bench.invalid/{rng.randrange(10**8)}" if online else "",
            "special": special,
        }

    # --- agendas -------------------------------------------------------------------------------
    def _agendas(self):
        from bphub.meetings.models import AgendaItem, AgendaSession

        rng = self.rng
        sessions, plans = [], []
        for meeting in self.meetings:
            if meeting.pk == self.big.pk:
                sessions += self._big_sessions()
                plans += [None] * 18
                continue
            if meeting.status == "draft" or rng.random() < 0.3:
                continue
            per_day = 2 if meeting.is_online else rng.randint(1, 3)
            days = (meeting.ends_at.date() - meeting.starts_at.date()).days + 1
            for day in range(min(days, 3)):
                for index in range(per_day):
                    start = meeting.starts_at + timedelta(days=day, minutes=105 * index)
                    sessions.append({
                        "meeting_id": meeting.pk, "position": day * 10 + index, "starts_at": start,
                        "ends_at": start + timedelta(minutes=90), "title": {"en": rng.choice(SESSION_TITLES)},
                        "room": "" if meeting.is_online else rng.choice(["Plenary hall", "Room A", "Room B"]),
                    })
                    plans.append(rng.randint(2, 5))
        self._write(AgendaSession, sessions)
        items, big_sessions = [], []
        for session, size in zip(sessions, plans, strict=True):
            if size is None:
                big_sessions.append(session)
                continue
            for position in range(size):
                start = session["starts_at"] + timedelta(minutes=20 * position)
                items.append({
                    "session_id": session["id"], "position": position, "starts_at": start,
                    "ends_at": start + timedelta(minutes=20), "title": {"en": rng.choice(ITEM_TITLES)},
                    "presenters": rng.choice(["Co-chairs", "RSO", "IOM", "UNHCR", "UNODC", "Host member", ""]),
                })
        self.big_items = self._big_items(big_sessions)
        self._write(AgendaItem, items + self.big_items)

    def _big_sessions(self):
        """3 days x 2 blocks (09:00 and 14:00, 210 minutes) x 3 parallel tracks = 18 sessions."""
        zone = ZoneInfo(self.big.time_zone)
        sessions = []
        for day in range(3):
            when = BIG_DAY + timedelta(days=day)
            for block, hour in enumerate((9, 14)):
                for track, room in enumerate(("Plenary hall", "Room Melati", "Room Kenanga")):
                    start = datetime(when.year, when.month, when.day, hour, 0, tzinfo=zone)
                    topic = TOPICS[(day * 6 + block * 3 + track) % len(TOPICS)]
                    sessions.append({
                        "meeting_id": self.big.pk, "position": day * 100 + block * 10 + track, "starts_at": start,
                        "ends_at": start + timedelta(minutes=210), "room": room,
                        "title": {"en": f"Track {'ABC'[track]}: {topic}"},
                    })
        return sessions

    def _big_items(self, sessions):
        """200 items over the 18 sessions (11 or 12 each, 18 minutes), 1-3 presenters with their member."""
        rng = self.rng
        items = []
        for number in range(200):
            session = sessions[number % len(sessions)]
            position = number // len(sessions)
            start = session["starts_at"] + timedelta(minutes=18 * position)
            presenters = ", ".join(
                f"{rng.choice(FIRST)} {rng.choice(LAST)} ({rng.choice(self.full_members).code})"
                for _p in range(rng.randint(1, 3))
            )
            items.append({
                "session_id": session["id"], "position": position, "starts_at": start,
                "ends_at": start + timedelta(minutes=18), "presenters": presenters,
                "title": {"en": f"{rng.choice(ITEM_TITLES)}: {rng.choice(TOPICS)}"},
            })
        return items

    # --- delegations ---------------------------------------------------------------------------

    def _write(self, model, rows: list[dict]) -> list[dict]:
        """Insert `rows` (dicts keyed by attname, e.g. "meeting_id") and set each row's "id".

        PostgreSQL: ids drawn from the table's sequence, rows sent with COPY (several times faster
        than bulk_create's INSERTs, and no model instances). Fields left out take their default
        (`auto_now` ones: now). Elsewhere: bulk_create.
        """
        if not rows:
            return rows
        meta = model._meta
        if connection.vendor != "postgresql":
            made = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
            for row, obj in zip(rows, made, strict=True):
                row["id"] = obj.pk
            return rows
        from psycopg.types.json import Jsonb

        now = timezone.now()
        plan = []
        for field in meta.concrete_fields:
            if field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                fallback = now
            else:
                fallback = field.get_default()  # its default, "" for text, else None
            plan.append((field.attname, field.column, isinstance(field, models.JSONField), fallback))
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in [meta.pk.column] + [column for _a, column, _j, _f in plan])
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(rows)])
            ids = sorted(pk for (pk,) in cursor.fetchall())
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for pk, row in zip(ids, rows, strict=True):
                    row["id"] = pk
                    values = [pk]
                    for attname, _column, is_json, fallback in plan:
                        value = row.get(attname, fallback)
                        values.append(Jsonb(value) if is_json and value is not None else value)
                    copy.write_row(values)
        return rows

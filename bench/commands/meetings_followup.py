"""The meetings bench generator's second half: delegations, outcomes, documents, action items and the
bench users linked to the big meeting's delegates (a mixin of `bench_meetings.Command`)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

from bench.commands.meetings_vocabulary import (
    ACTIONS,
    DECISIONS,
    DOC_TYPES,
    FIRST_DAY,
    LAST_DAY,
    RANK,
    RECOMMENDATIONS,
    STORED_PDF,
    TOPICS,
    WORDS,
)


class FollowUpParts:
    def _delegations(self):
        from bphub.meetings.models import Delegate, Delegation

        rng = self.rng
        held = {"held", "outcomes_published", "closed"}
        delegations, sizes = [], []
        for meeting in self.meetings:
            if meeting.status == "draft":
                continue
            past = meeting.status in held
            if meeting.pk == self.big.pk:
                # 300 people over 45 approved delegations: 6 or 7 each, a few larger (at most 10).
                big_sizes = [6] * 45
                for _n in range(300 - 6 * 45):
                    big_sizes[rng.randrange(45)] += 1
                big_sizes = [min(size, 10) for size in big_sizes]
                big_sizes[0] += 300 - sum(big_sizes)
                for member, size in zip(rng.sample(self.full_members, 45), big_sizes, strict=True):
                    delegations.append({
                        "meeting_id": meeting.pk, "member_id": member.pk, "status": "approved",
                        "submitted_at": meeting.starts_at - timedelta(days=30),
                        "decided_at": meeting.starts_at - timedelta(days=25),
                    })
                    sizes.append(size)
                continue
            if meeting.classification == "restricted":
                invited = [m for m in self.members if m.pk in set(meeting.released) | {meeting.originator_id}]
            else:
                invited = rng.sample(self.full_members, rng.randint(3, 12))
            for member in invited:
                status = "approved" if past else rng.choices(
                    ["invited", "submitted", "approved", "returned", "declined"], [30, 25, 35, 5, 5])[0]
                if past and rng.random() < 0.05:
                    status = "declined"
                delegations.append({
                    "meeting_id": meeting.pk, "member_id": member.pk, "status": status,
                    "submitted_at": meeting.starts_at - timedelta(days=20) if status != "invited" else None,
                    "decided_at": meeting.starts_at - timedelta(days=15) if status == "approved" else None,
                })
                sizes.append(0 if status in {"invited", "declined"} else rng.randint(1, 3))
        self._write(Delegation, delegations)
        meetings = {m.pk: m for m in self.meetings}
        delegates = []
        for delegation, size in zip(delegations, sizes, strict=True):
            if not size:
                continue
            meeting = meetings[delegation["meeting_id"]]
            attended = meeting.status in held and delegation["status"] == "approved"
            pool = self.people[delegation["member_id"]]
            for position, person in enumerate(rng.sample(pool, min(size, len(pool)))):
                delegates.append({
                    "delegation_id": delegation["id"], "focal_point_id": person, "position": position,
                    "role": "head" if position == 0 else rng.choice(["delegate", "delegate", "adviser"]),
                    "attended": (rng.random() > 0.1) if attended else None,
                    "attendance_recorded_at": meeting.ends_at if attended else None,
                })
        self._write(Delegate, delegates)
        members_of = {d["id"]: d["member_id"] for d in delegations if d["meeting_id"] == self.big.pk}
        self.big_seats = {}  # member id -> focal point ids of the big meeting's delegates
        for delegate in delegates:
            if delegate["delegation_id"] in members_of:
                self.big_seats.setdefault(members_of[delegate["delegation_id"]], []).append(delegate["focal_point_id"])

    # --- outcomes ------------------------------------------------------------------------------
    def _outcomes(self):
        from bphub.meetings.models import Outcome

        rng = self.rng
        rows = []
        for meeting in self.meetings:
            if meeting.status not in {"outcomes_published", "closed"}:
                continue
            texts = [("decision", t) for t in rng.sample(DECISIONS, rng.randint(1, 3))]
            texts += [("recommendation", t) for t in rng.sample(RECOMMENDATIONS, rng.randint(0, 2))]
            if meeting.kind in {"ministerial", "senior_officials", "ad_hoc_group", "consultation"}:
                texts.append(("co_chairs_statement", "Co-chairs' statement: members reaffirmed their commitment "
                                                     "to cooperation against people smuggling and trafficking."))
            texts.append(("minutes", "Minutes: the meeting followed the agenda and agreed the decisions above."))
            if meeting.pk == self.previous.pk:
                texts = [("decision", t) for t in DECISIONS] + [("recommendation", t) for t in RECOMMENDATIONS] + texts
            for position, (kind, text) in enumerate(texts):
                rows.append({"meeting_id": meeting.pk, "kind": kind, "text": {"en": text}, "position": position,
                             "classification": meeting.classification, "originator_id": meeting.originator_id,
                             "body_id": meeting.body_id})
        self._write(Outcome, rows)
        self.outcomes = {}
        for row in rows:
            self.outcomes.setdefault(row["meeting_id"], []).append(row["id"])
        self._release(Outcome, "outcome", [(row["id"], row["meeting_id"]) for row in rows])

    def _release(self, model, field, pairs):
        """released_to rows for the restricted records among `pairs` [(record pk, meeting pk)]."""
        meetings = {m.pk: m for m in self.meetings if m.classification == "restricted"}
        rows = [{f"{field}_id": pk, "member_id": member}
                for pk, meeting_pk in pairs if meeting_pk in meetings for member in meetings[meeting_pk].released]
        self._write(model.released_to.through, rows)

    # --- documents -----------------------------------------------------------------------------
    def _narrower(self, meeting) -> str:
        """A classification no wider than the meeting's: mostly the same, sometimes one step narrower."""
        rng = self.rng
        if rng.random() > 0.1:
            return meeting.classification
        options = [c for c in ("members", "body", "secretariat") if RANK[c] > RANK[meeting.classification]]
        if not meeting.body_id and not meeting.group_id:
            options = [c for c in options if c != "body"]
        return rng.choice(options) if options else meeting.classification

    def _documents(self, count):
        from bphub.meetings.models import AgendaItem, Document, DocumentVersion

        rng = self.rng
        types = [t for t, _l, _w in DOC_TYPES]
        labels = {t: label for t, label, _w in DOC_TYPES}
        type_weights = [w for _t, _l, w in DOC_TYPES]
        groups = [self.bodies[c] for c in ("TIPWG", "DWG", "TEGRR", "TFPP", "AHG", "SG") if c in self.bodies]
        weight = {"ministerial": 6, "senior_officials": 5, "ad_hoc_group": 4}
        candidates = [m for m in self.meetings if m.pk != self.big.pk]
        cumulative, total = [], 0.0
        for meeting in candidates:
            total += weight.get(meeting.kind, 1) * (0.2 if meeting.status == "draft" else 1)
            cumulative.append(total)
        big_plan = [("concept_note", True), ("agenda", True), ("background", True), ("background", True),
                    ("background", True), ("co_chairs_statement", False), ("other", True), ("work_plan", True)]
        big_plan += [("presentation", False)] * 52
        body_docs = count // 50
        plan = [(self.big, t, key) for t, key in big_plan]
        for meeting in rng.choices(candidates, cum_weights=cumulative, k=count - len(plan) - body_docs):
            doc_type = rng.choices(types, type_weights)[0]
            plan.append((meeting, doc_type, doc_type in {"concept_note", "agenda"} or
                         (doc_type == "background" and rng.random() < 0.2)))
        plan += [(None, rng.choice(["work_plan", "background", "other"]), False) for _n in range(body_docs)]
        span = (LAST_DAY - FIRST_DAY).days
        pdf = self.pdf
        texts = [" ".join(rng.choice(WORDS) for _w in range(rng.randint(30, 60))) for _n in range(2000)]
        documents, versions = [], []
        for meeting, doc_type, is_key in plan:
            language = rng.choices(["en", "id", "th", "vi", "fr"], [80, 10, 4, 3, 3])[0]
            if meeting is not None:
                about = meeting.title["en"]
                classification = "public" if meeting.pk == self.big.pk else self._narrower(meeting)
                group_id = meeting.group_id
                body_id = (meeting.body_id or meeting.group_id) if classification == "body" else None
                originator_id = meeting.originator_id
                uploaded = meeting.starts_at - timedelta(days=rng.randint(1, 30))
            else:
                group = rng.choice(groups)
                group_id = group.pk
                about = f"{group}: {rng.choice(TOPICS)}"
                classification = rng.choice(["members", "body"])
                body_id = group.pk if classification == "body" else None
                originator_id = None
                day = FIRST_DAY + timedelta(days=rng.randrange(span))
                uploaded = datetime(day.year, day.month, day.day, 3, 0, tzinfo=ZoneInfo("UTC"))
            title = f"{labels[doc_type]}: {about}"
            titles = {"en": title}
            if language == "id":
                titles["id"] = f"{labels[doc_type]} (Bahasa Indonesia): {about}"
            extracted = rng.choice(texts)
            documents.append({
                "meeting_id": meeting.pk if meeting is not None else None, "group_id": group_id,
                "doc_type": doc_type, "title": titles, "language": language, "is_key": is_key,
                "classification": classification, "originator_id": originator_id, "body_id": body_id,
                # the fold of these ASCII titles is their casefold (bphub.meetings.services.documents)
                "search_text": "\n".join([" ".join(t.casefold() for t in titles.values()), extracted]),
                "created_at": uploaded,
            })
            versions.append({
                "number": 1, "file": STORED_PDF, "original_name": f"{doc_type.replace('_', '-')}.pdf",
                "content_type": "application/pdf", "size": pdf["size"], "sha256": pdf["sha256"],
                "extracted_text": extracted, "uploaded_at": uploaded,
            })
        self._write(Document, documents)
        for document, version in zip(documents, versions, strict=True):
            version["document_id"] = document["id"]
        self._write(DocumentVersion, versions)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE meetings_document SET current_version_id = v.id FROM meetings_documentversion v "
                "WHERE v.document_id = meetings_document.id AND meetings_document.current_version_id IS NULL"
            )
        self._release(Document, "document", [(d["id"], d["meeting_id"]) for d in documents
                                             if d["meeting_id"] and d["classification"] == "restricted"])
        # The big meeting's presentations hang on agenda items, one per talk.
        presentations = [d["id"] for d in documents
                         if d["meeting_id"] == self.big.pk and d["doc_type"] == "presentation"]
        self._write(AgendaItem.documents.through, [
            {"agendaitem_id": item["id"], "document_id": pk}
            for item, pk in zip(rng.sample(self.big_items, len(presentations)), presentations, strict=True)
        ])

    # --- actions -------------------------------------------------------------------------------
    def _actions(self, count):
        from bphub.meetings.models import ActionItem, ActionItemUpdate

        rng = self.rng
        held = [m for m in self.meetings if m.status in {"held", "outcomes_published", "closed"}
                and m.pk != self.previous.pk]
        plan = [self.previous] * 15  # the big meeting's previous meeting: 15 actions, most still open
        plan += rng.choices(held, k=count - len(plan))
        rows = []
        for index, meeting in enumerate(plan):
            owner = rng.choices(["member", "body", "rso"], [50, 25, 25])[0]
            owner_member_id = rng.choice(self.full_members).pk if owner == "member" else None
            owner_body_id = (meeting.group_id or self.bodies["AHG"].pk) if owner == "body" else None
            due = meeting.ends_at.date() + timedelta(days=rng.choice([30, 60, 90, 120, 180]))
            if meeting.pk == self.previous.pk:
                due = self.today + timedelta(days=rng.randint(-60, 45))  # some overdue
                status = rng.choices(["open", "in_progress", "done"], [50, 40, 10])[0]
            elif (self.today - due).days > 180:
                status = rng.choices(["done", "dropped", "open", "in_progress"], [85, 7, 4, 4])[0]
            elif due < self.today:
                status = rng.choices(["done", "in_progress", "open", "dropped"], [50, 20, 25, 5])[0]
            else:
                status = rng.choices(["open", "in_progress", "done"], [60, 30, 10])[0]
            classification = meeting.classification if rng.random() > 0.05 else self._narrower(meeting)
            outcome_ids = self.outcomes.get(meeting.pk)
            rows.append({
                "meeting_id": meeting.pk, "title": {"en": f"{rng.choice(ACTIONS)} ({index + 1})"},
                "outcome_id": rng.choice(outcome_ids) if outcome_ids and rng.random() < 0.5 else None,
                "owner_kind": owner, "owner_member_id": owner_member_id, "owner_body_id": owner_body_id,
                "due_on": due, "status": status, "completed_on": min(due, self.today) if status == "done" else None,
                "classification": classification, "originator_id": meeting.originator_id,
                "body_id": (meeting.body_id or meeting.group_id) if classification == "body" else None,
                "created_at": meeting.ends_at,
            })
        self._write(ActionItem, rows)
        updates = []
        for action in rows:
            status = action["status"]
            if status == "open" or rng.random() < 0.2:
                continue
            at = datetime.combine(action["due_on"], datetime.min.time(), tzinfo=ZoneInfo("UTC")) - timedelta(days=10)
            if status != "in_progress" and rng.random() < 0.5:
                updates.append({"action_item_id": action["id"], "text": "Work started with the members concerned.",
                                "status_before": "open", "status_after": "in_progress",
                                "created_at": at - timedelta(days=20)})
            updates.append({"action_item_id": action["id"], "text": f"Progress note: {status.replace('_', ' ')}.",
                            "status_before": "open", "status_after": status, "created_at": at})
        self._write(ActionItemUpdate, updates)
        self._release(ActionItem, "actionitem", [(a["id"], a["meeting_id"]) for a in rows
                                                 if a["classification"] == "restricted"])

    # --- signed-in readers -----------------------------------------------------------------------
    def _participants(self, count) -> list[str]:
        """Link `count` bench member officials to delegates of the big meeting (their own member's)."""
        from bphub.accounts.models import User
        from bphub.directory.models import FocalPoint

        if count <= 0:
            return []
        seats = {member_id: list(people) for member_id, people in self.big_seats.items()}
        users = User.objects.filter(email__endswith="@bench.invalid", role="member_official", is_active=True,
                                    member_id__in=list(seats), focal_point__isnull=True).order_by("pk")
        linked = []
        for user in users:
            if len(linked) >= count:
                break
            free = seats.get(user.member_id)
            if not free:
                continue
            FocalPoint.all_objects.filter(pk=free.pop()).update(user=user)
            linked.append(user.email)
        return linked

    # --- writing -------------------------------------------------------------------------------

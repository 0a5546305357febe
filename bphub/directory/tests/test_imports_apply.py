"""The focal-point import: preview and apply (all or nothing, once, as focal_point_save would)."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bphub.core.models import AuditEvent
from bphub.directory.models import ConfirmedVia, FocalPoint, FocalPointRole, ImportBatch, Revision, RoleKind
from bphub.directory.services import imports
from bphub.directory.services.imports import (
    import_apply,
    import_preview,
)
from bphub.directory.services.records import focal_point_save, focal_point_snapshot, revision_list
from bphub.directory.testing import make_agency, make_focal_point
from bphub.directory.tests.imports_support import HEADER, csv_bytes, xlsx_bytes
from bphub.directory.validation import clean_roles

pytestmark = pytest.mark.django_db


# -- preview and apply ----------------------------------------------------------------------------


def test_apply_creates_updates_and_confirms_with_import_history(indonesia, coordinator):
    agency = make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    existing = make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.go.id"], title="Director")
    same = make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@example.go.id"])
    rows = [
        HEADER,
        [
            "Dewi Lestari",
            "",
            "Analyst",
            "DGI",
            "dewi@example.go.id; d.lestari@example.org",
            "021 5550100",
            "national; wg:TIPWG; theme:safety-at-sea",
            "id",
            "Asia/Jakarta",
        ],
        ["Siti Rahma", "", "Director-General", "", "", "", "som", "", ""],
        ["Budi Santoso", "", "", "", "budi@example.go.id", "", "", "", ""],
    ]
    batch = import_preview(member=indonesia, filename="list.xlsx", content=xlsx_bytes(rows), actor=coordinator)
    assert batch.report["counts"] == {"new": 1, "updated": 1, "unchanged": 1, "conflicting": 0, "rejected": 0}
    assert not FocalPoint.objects.filter(full_name="Dewi Lestari").exists()  # a preview writes no person

    import_apply(batch=batch, actor=coordinator)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    dewi = FocalPoint.objects.get(full_name="Dewi Lestari")
    assert dewi.agency == agency and dewi.member == indonesia and dewi.originator == indonesia
    assert [e.address for e in dewi.emails.all()] == ["dewi@example.go.id", "d.lestari@example.org"]
    assert [p.number for p in dewi.phones.all()] == ["+62215550100"]
    assert {str(r.kind) for r in dewi.roles.all()} == {"national", "working_group", "thematic"}
    assert dewi.last_confirmed_via == ConfirmedVia.IMPORT and dewi.review_due_on is not None
    assert "dewi lestari" in dewi.search_text
    [created] = revision_list(dewi)
    assert (created.source, created.source_ref, created.actor) == ("import", f"import:{batch.pk}", coordinator)
    assert created.snapshot == focal_point_snapshot(FocalPoint.objects.get(pk=dewi.pk))  # as the service writes it

    existing.refresh_from_db()
    assert existing.title == "Director-General"
    assert existing.last_confirmed_via == ConfirmedVia.IMPORT
    latest = revision_list(existing)[0]
    assert (latest.source, latest.source_ref) == (Revision.Source.IMPORT, f"import:{batch.pk}")
    assert "title" in latest.changes and "roles" in latest.changes

    same.refresh_from_db()
    assert same.last_confirmed_via == ConfirmedVia.IMPORT
    confirmed = revision_list(same)[0]
    assert confirmed.source_ref == f"import:{batch.pk}"
    assert confirmed.snapshot == focal_point_snapshot(FocalPoint.objects.get(pk=same.pk))

    assert AuditEvent.objects.filter(verb="directory.import_previewed", target_id=str(batch.pk)).exists()
    applied = AuditEvent.objects.get(verb="directory.import_applied", target_id=str(batch.pk))
    assert applied.data["created"] == [dewi.pk] and applied.actor == coordinator

    # A later edit compares against the bulk-written snapshot: only what the edit changed.
    focal_point_save(focal_point=FocalPoint.objects.get(pk=dewi.pk), data={"title": "Senior Analyst"})
    assert revision_list(dewi)[0].changes == {"title": ["Analyst", "Senior Analyst"]}


def _save_one_by_one(batch, actor):
    """The batch's updated rows saved through `records.focal_point_save`, one call per person:
    what the bulk apply must store, column for column and revision for revision."""
    state = imports.load_directory_state(batch.member)
    data_by_row = {row["row"]: row["data"] for row in batch.rows}
    for entry in batch.report["rows"]:
        if entry["outcome"] != "updated":
            continue
        after = imports._merged(
            state.people[entry["match"]], data_by_row[entry["row"]], by_email=entry["match_reason"] == "email"
        )
        changed = entry["changes"]
        data = {name: after[name] for name in (*imports.SCALAR_FIELDS, "emails", "phones") if name in changed}
        if "agency" in changed:
            data["agency"] = state.agencies[after["agency_id"]]
        if "roles" in changed:
            data["roles"] = clean_roles("; ".join(after["roles"]), bodies=state.bodies, themes=state.themes)
        focal_point_save(
            focal_point=FocalPoint.objects.get(pk=entry["match"]),
            data=data,
            actor=actor,
            source=Revision.Source.IMPORT,
            source_ref=f"import:{batch.pk}",
            confirmed_via=ConfirmedVia.IMPORT,
        )


def _stored(pks) -> dict:
    """Everything stored about these people, the moment of the apply left out."""

    def timeless(snapshot):
        snapshot = json.loads(json.dumps(snapshot))
        if "last_confirmed_at" in snapshot:
            snapshot["last_confirmed_at"] = snapshot["last_confirmed_at"] and "<apply>"
        return snapshot

    def timeless_changes(changes):
        changes = json.loads(json.dumps(changes))
        if "last_confirmed_at" in changes:
            changes["last_confirmed_at"][1] = "<apply>"
        return changes

    stored = {}
    for person in FocalPoint.objects.filter(pk__in=pks):
        columns = {f.attname: getattr(person, f.attname) for f in FocalPoint._meta.concrete_fields}
        del columns["last_confirmed_at"], columns["updated_at"]
        stored[person.pk] = {
            "columns": columns,
            "released_to": sorted(m.code for m in person.released_to.all()),
            "emails": [(e.address, e.is_primary) for e in person.emails.all()],
            "phones": [(p.number, p.kind, p.is_primary) for p in person.phones.all()],
            "roles": [
                (r.kind, r.body_id, r.theme_id, r.valid_from, r.valid_to) for r in person.roles.order_by("kind", "id")
            ],
            "revisions": [
                (
                    r.number,
                    r.source,
                    r.source_ref,
                    r.actor_id,
                    r.actor_label,
                    timeless(r.snapshot),
                    timeless_changes(r.changes),
                )
                for r in revision_list(person)
            ],
            "audit": [
                (e.verb, e.actor_id, e.actor_email, e.target_label, e.data)
                for e in AuditEvent.objects.filter(
                    target_type="directory.focalpoint", target_id=str(person.pk)
                ).order_by("id")
            ],
        }
    return stored


def test_the_bulk_apply_stores_exactly_what_focal_point_save_would_one_by_one(indonesia, thailand, coordinator):
    dgi = make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    make_agency(indonesia, name="Indonesian National Police", acronym="POLRI")
    national = {"kind": RoleKind.NATIONAL, "body": None, "theme": None}
    by_email = make_focal_point(
        indonesia,
        full_name="Siti Rahma",
        emails=["siti@example.go.id"],
        phones=["+62215550100"],
        agency=dgi,
        roles=[national],
        classification="restricted",
        released_to=[thailand],
        review_cadence_days=180,
    )
    by_name = make_focal_point(
        indonesia, full_name="Nguyễn Văn An", emails=["an@example.org"], title="Analyst", roles=[national]
    )
    FocalPointRole.objects.create(
        focal_point=by_name, kind=RoleKind.SOM_DELEGATE, valid_from=date(2020, 1, 1), valid_to=date(2021, 1, 1)
    )
    focal_point_save(focal_point=by_name, data={})  # a role that ended, kept with its dates
    renamed = make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@example.go.id", "b@example.org"])
    renamed.emails.update(is_primary=False)  # no main address: the first one known becomes it
    bare = FocalPoint.objects.create(member=indonesia, full_name="Rina Putri")  # made outside the services
    make_focal_point(indonesia, full_name="Dewi Lestari", emails=["dewi@example.go.id"])
    rows = [
        HEADER,
        [
            "Siti Rahma",
            "",
            "Director",
            "POLRI",
            "siti@example.go.id; s.rahma@example.org",
            "+62 21 5550100; 0812 3456 7890",
            "national; wg:TIPWG",
            "id",
            "Asia/Jakarta",
        ],
        ["AN VAN NGUYEN", "", "Senior Analyst", "", "", "021 5550199", "theme:safety-at-sea", "", ""],
        [
            "Budi Santoso Wijaya",
            "บุดี",
            "",
            "DGI",
            "b@example.org; budi@example.go.id; bw@example.org",
            "",
            "som",
            "en",
            "",
        ],
        ["Rina Putri", "", "Head of Section", "", "rina@example.org", "", "", "", "Asia/Makassar"],
        ["Dewi Lestari", "", "", "", "dewi@example.go.id", "", "", "", ""],
        ["Agus Salim", "", "Liaison Officer", "DGI", "agus@example.org", "", "national", "", ""],
    ]
    batch = import_preview(member=indonesia, filename="list.xlsx", content=xlsx_bytes(rows), actor=coordinator)
    assert batch.report["counts"] == {"new": 1, "updated": 4, "unchanged": 1, "conflicting": 0, "rejected": 0}
    assert {e["match_reason"] for e in batch.report["rows"] if e["outcome"] == "updated"} == {"email", "name"}
    people = [by_email.pk, by_name.pk, renamed.pk, bare.pk]

    with transaction.atomic():
        _save_one_by_one(batch, coordinator)
        expected = _stored(people)
        transaction.set_rollback(True)
    import_apply(batch=batch, actor=coordinator)

    stored = _stored(people)
    for pk in people:
        assert stored[pk] == expected[pk]
    assert stored[renamed.pk]["emails"] == [
        ("budi@example.go.id", True),
        ("b@example.org", False),
        ("bw@example.org", False),
    ]
    assert [r[0] for r in stored[bare.pk]["revisions"]] == [1]  # its first revision, made by the import
    assert ("som_delegate", None, None, date(2020, 1, 1), date(2021, 1, 1)) in stored[by_name.pk]["roles"]
    assert all(person["audit"][-1][4]["source_ref"] == f"import:{batch.pk}" for person in stored.values())


def test_apply_is_refused_while_any_row_is_rejected_or_conflicting(indonesia):
    rows = [["Full name", "Email"], ["Dewi Lestari", "dewi@example.org"], ["Rina Putri", "broken"]]
    batch = import_preview(member=indonesia, filename="list.csv", content=csv_bytes(rows))
    with pytest.raises(ValidationError, match="rejected or conflicting"):
        import_apply(batch=batch)
    assert not FocalPoint.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_apply_is_refused_when_the_directory_changed_since_the_preview(indonesia):
    person = make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.go.id"], title="Director")
    rows = [
        ["Full name", "Email", "Title"],
        ["Siti Rahma", "siti@example.go.id", "Director-General"],
        ["Dewi Lestari", "dewi@example.org", ""],
    ]
    batch = import_preview(member=indonesia, filename="list.csv", content=csv_bytes(rows))
    focal_point_save(focal_point=person, data={"title": "Director-General"})  # someone else did it meanwhile

    with pytest.raises(ValidationError, match="changed since this preview"):
        import_apply(batch=batch)
    assert not FocalPoint.objects.filter(full_name="Dewi Lestari").exists()


def test_apply_is_all_or_nothing_when_the_database_fails_midway(indonesia, monkeypatch):
    make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.go.id"])
    make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@example.go.id"])
    rows = [
        ["Full name", "Email", "Title"],
        ["Dewi Lestari", "dewi@example.org", ""],
        ["Siti Rahma", "siti@example.go.id", "Director"],
        ["Budi Santoso", "budi@example.go.id", "Head"],
    ]
    batch = import_preview(member=indonesia, filename="list.csv", content=csv_bytes(rows))
    real_latest, calls = imports._latest_revisions, []

    def failing_latest(pks):  # called after the new person and the changed titles are written
        calls.append(pks)
        if len(calls) == 1:
            assert FocalPoint.objects.filter(full_name="Dewi Lestari").exists()
            assert FocalPoint.objects.filter(title__in=["Director", "Head"]).count() == 2
            raise IntegrityError("disk full")
        return real_latest(pks)

    monkeypatch.setattr(imports, "_latest_revisions", failing_latest)
    with pytest.raises(IntegrityError):
        import_apply(batch=batch)

    assert not FocalPoint.objects.filter(full_name="Dewi Lestari").exists()
    assert not FocalPoint.objects.filter(title__in=["Director", "Head"]).exists()
    assert not Revision.objects.filter(source=Revision.Source.IMPORT).exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_a_batch_is_applied_once(indonesia):
    batch = import_preview(member=indonesia, filename="l.csv", content=b"Full name\nDewi Lestari\n")
    import_apply(batch=batch)
    with pytest.raises(ValidationError, match="already applied"):
        import_apply(batch=batch)
    assert FocalPoint.objects.count() == 1

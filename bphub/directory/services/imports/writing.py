"""The bulk writes an apply is made of: rows inserted (COPY on PostgreSQL), new people created with
their contacts, roles and first revision, unchanged people confirmed, revisions appended."""

import json
from collections import defaultdict
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from bphub.directory.models import (
    ConfirmedVia,
    Email,
    FocalPoint,
    FocalPointRole,
    ImportBatch,
    Phone,
    Revision,
    directory_date,
)
from bphub.directory.services.imports.matching import SCALAR_FIELDS
from bphub.directory.services.imports.state import DirectoryState
from bphub.directory.services.records import diff_snapshots, focal_point_snapshot
from bphub.directory.text import search_text_for
from bphub.directory.validation import clean_roles

# Field types whose Python values (str, int, bool, date, aware datetime, None, a related pk) COPY
# takes as they are; any other field's value goes through its get_db_prep_save.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.DateField,
    models.ForeignKey,
)


def _pg_sequence(model) -> str | None:
    """The sequence of `model`'s primary key on PostgreSQL (None elsewhere: use bulk_create)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        return cursor.fetchone()[0]


def _copy(model, rows: list[dict], *, sequence: str, with_pks: bool) -> list[int]:
    """COPY `rows` ({attname: value}; the model's defaults for the other columns) into `model`'s
    table, primary keys drawn from `sequence` first when `with_pks` (returned in row order)."""
    db = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    template = model()
    fields = [f for f in opts.concrete_fields if with_pks or not f.primary_key]
    for f in fields:  # a default computed per row (a token, a uuid) cannot come from one template
        given = all(f.attname in row for row in rows)
        if not given and f.has_default() and callable(f.default) and f.default is not timezone.now:
            raise NotImplementedError(f"{opts.label}.{f.name} has a per-row default")
    defaults = [f.get_db_prep_save(f.pre_save(template, True), db) for f in fields]
    plain = [isinstance(f, _PLAIN_FIELDS) for f in fields]
    pks: list[int] = []
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        if with_pks:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(rows)])
            pks = sorted(row[0] for row in cursor.fetchall())
        columns = ", ".join(quote(f.column) for f in fields)
        spec = list(zip(fields, [f.attname for f in fields], defaults, plain, strict=True))
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for position, row in enumerate(rows):
                if with_pks:
                    row = {**row, opts.pk.attname: pks[position]}
                copy.write_row(
                    [
                        (row[name] if is_plain else f.get_db_prep_save(row[name], db)) if name in row else default
                        for f, name, default, is_plain in spec
                    ]
                )
    return pks


def _insert_rows(model, rows: list[dict], *, with_pks: bool = False) -> list[int]:
    """INSERT `rows` ({attname: value}) as `bulk_create([model(**row) ...])` would, without making
    the model objects: on PostgreSQL through COPY, several times faster than a multi-row INSERT.
    With `with_pks`, returns the new primary keys in row order (ascending, as bulk_create's)."""
    if not rows:
        return []
    sequence = _pg_sequence(model)
    if sequence is not None:
        try:
            return _copy(model, rows, sequence=sequence, with_pks=with_pks)
        except NotImplementedError:
            pass
    objs = [model(**row) for row in rows]
    model._base_manager.bulk_create(objs, batch_size=1000)
    return [obj.pk for obj in objs]


def _insert(model, objs: list, *, with_pks: bool = False) -> None:
    """`_insert_rows` for model objects (their primary keys set when `with_pks`)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._base_manager.bulk_create(objs, batch_size=1000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    rows = [{f.attname: f.pre_save(obj, True) for f in fields} for obj in objs]
    for obj, pk in zip(objs, _insert_rows(model, rows, with_pks=with_pks) or [None] * len(objs), strict=True):
        if with_pks:
            obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _latest_revisions(pks: list[int]) -> dict[int, Revision]:
    """The last revision of each of these focal points (one query per 2,000 people)."""
    last_number = (
        Revision.objects.filter(record_type="focal_point", record_id=OuterRef("record_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    latest: dict[int, Revision] = {}
    for chunk in _chunks(list(pks), 2000):
        for revision in Revision.objects.filter(
            record_type="focal_point", record_id__in=chunk, number=Subquery(last_number)
        ):
            latest[revision.record_id] = revision
    return latest


def _next_revision(person_pk, snapshot: dict, last: Revision | None, *, batch, actor, now) -> Revision | None:
    """The revision `records.revision_record` would append for this snapshot (None: nothing changed)."""
    changes = diff_snapshots(last.snapshot if last else None, snapshot)
    if last is not None and not changes:
        return None
    return Revision(
        record_type="focal_point",
        record_id=person_pk,
        number=(last.number + 1) if last else 1,
        created_at=now,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=getattr(actor, "email", "") or "",
        source=Revision.Source.IMPORT,
        source_ref=f"import:{batch.pk}",
        snapshot=snapshot,
        changes=changes if last else {},
    )


def _real_snapshot(pk) -> dict:
    return focal_point_snapshot(FocalPoint.objects.select_related("member", "agency").get(pk=pk))


def _same_json(a: dict, b: dict) -> bool:
    return json.dumps(a, cls=DjangoJSONEncoder, sort_keys=True) == json.dumps(b, cls=DjangoJSONEncoder, sort_keys=True)


def _confirm_columns(pks: list[int], cadences: dict[int, int], now, **columns) -> None:
    """Set `columns` (the same for all these people) and the review date that follows from a
    confirmation at `now`: a few UPDATEs, one per review cadence, instead of one per person."""
    by_cadence: dict[int, list[int]] = defaultdict(list)
    for pk in pks:
        by_cadence[cadences[pk]].append(pk)
    today = directory_date(now)
    for cadence, group in by_cadence.items():
        for chunk in _chunks(group, 2000):
            FocalPoint.all_objects.filter(pk__in=chunk).update(
                last_confirmed_at=now,
                last_confirmed_via=ConfirmedVia.IMPORT,
                review_due_on=today + timedelta(days=cadence),
                updated_at=now,
                **columns,
            )


def _bulk_confirm(batch: ImportBatch, pks: list[int], *, actor, now) -> None:
    """The file lists these people as they are: their records count as confirmed by the import."""
    if not pks:
        return
    people = list(FocalPoint.objects.filter(pk__in=pks).only("pk", "review_cadence_days", "created_at"))
    for person in people:
        person.last_confirmed_at = now
        person.last_confirmed_via = ConfirmedVia.IMPORT
        person.review_due_on = person.compute_review_due_on()
        person.updated_at = now
    _confirm_columns([p.pk for p in people], {p.pk: p.review_cadence_days for p in people}, now)
    latest = _latest_revisions(pks)
    from bphub.directory.services.records import revision_record

    revisions = []
    for person in people:
        last = latest.get(person.pk)
        if last is None:  # a record made outside the services: snapshot it the slow way
            revision_record(person, actor=actor, source=Revision.Source.IMPORT, source_ref=f"import:{batch.pk}")
            continue
        snapshot = {
            **last.snapshot,
            "last_confirmed_at": now.isoformat(),
            "last_confirmed_via": ConfirmedVia.IMPORT.value,
        }
        revision = _next_revision(person.pk, snapshot, last, batch=batch, actor=actor, now=now)
        if revision is not None:
            revisions.append(revision)
    _insert(Revision, revisions)


def _bulk_create_new(batch: ImportBatch, rows: list[dict], state: DirectoryState, *, actor, now) -> list[int]:
    """Create the new people in bulk, each with emails, phones, roles and a first revision whose
    snapshot is what `records.focal_point_snapshot` would write."""
    if not rows:
        return []
    member = state.member
    today = directory_date(now)
    template = FocalPoint(member=member)  # the defaults every new person gets
    review_due_on = today + timedelta(days=template.review_cadence_days)
    people = [
        {
            "member_id": member.pk,
            "originator_id": member.pk,
            "agency_id": row["data"].get("agency"),
            **{name: row["data"].get(name, "") for name in SCALAR_FIELDS},
            "last_confirmed_at": now,
            "last_confirmed_via": ConfirmedVia.IMPORT.value,
            "review_due_on": review_due_on,
            "search_text": search_text_for(row["data"].get("full_name", ""), row["data"].get("local_name", "")),
            "created_at": now,
            "updated_at": now,
        }
        for row in rows
    ]
    pks = _insert_rows(FocalPoint, people, with_pks=True)
    emails, phones, roles, revisions = [], [], [], []
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    agency_labels = {pk: str(agency) for pk, agency in state.agencies.items()}
    revision_row = {
        "record_type": "focal_point",
        "number": 1,
        "created_at": now,
        "actor_id": getattr(actor_user, "pk", None),
        "actor_label": getattr(actor, "email", "") or "",
        "source": Revision.Source.IMPORT.value,
        "source_ref": f"import:{batch.pk}",
        "changes": {},
    }
    for pk, person, row in zip(pks, people, rows, strict=True):
        data = row["data"]
        emails += [
            {"focal_point_id": pk, "address": a, "is_primary": i == 0} for i, a in enumerate(data.get("emails", []))
        ]
        phones += [
            {"focal_point_id": pk, "number": n, "is_primary": i == 0} for i, n in enumerate(data.get("phones", []))
        ]
        wanted = clean_roles("; ".join(data.get("roles", [])), bodies=state.bodies, themes=state.themes)
        # Created in the order records._set_current_roles uses, so the snapshots agree.
        keyed = sorted(
            (((str(r["kind"]), getattr(r["body"], "pk", None), getattr(r["theme"], "pk", None)), r) for r in wanted),
            key=lambda item: str(item[0]),
        )
        roles += [
            {"focal_point_id": pk, "kind": key[0], "body_id": key[1], "theme_id": key[2], "valid_from": today}
            for key, _role in keyed
        ]
        snapshot_roles = sorted(
            (
                {
                    "kind": key[0],
                    "body": role["body"].code if role["body"] else None,
                    "theme": role["theme"].code if role["theme"] else None,
                    "valid_from": today.isoformat(),
                    "valid_to": None,
                }
                for key, role in keyed
            ),
            key=lambda r: r["kind"],
        )
        revisions.append(
            {
                **revision_row,
                "record_id": pk,
                "snapshot": {
                    "member": member.code,
                    "agency": person["agency_id"],
                    "agency_label": agency_labels[person["agency_id"]] if person["agency_id"] else "",
                    **{name: person[name] for name in SCALAR_FIELDS},
                    "classification": template.classification,
                    "released_to": [],
                    "emails": data.get("emails", []),
                    "phones": data.get("phones", []),
                    "roles": snapshot_roles,
                    "is_active": template.is_active,
                    "account": None,
                    "review_cadence_days": template.review_cadence_days,
                    "last_confirmed_at": now.isoformat(),
                    "last_confirmed_via": ConfirmedVia.IMPORT.value,
                    "verified_until": None,
                },
            }
        )
    _insert_rows(Email, emails)
    _insert_rows(Phone, phones)
    _insert_rows(FocalPointRole, roles)
    # Should records.focal_point_snapshot gain a field, a new record's value of it is the same
    # for every person created here: take it from one real snapshot.
    real = _real_snapshot(pks[0])
    missing = {key: value for key, value in real.items() if key not in revisions[0]["snapshot"]}
    for revision in revisions:
        revision["snapshot"].update(missing)
    _insert_rows(Revision, revisions)
    return pks

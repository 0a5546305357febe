"""Revisions of agencies and focal points: full snapshots, what changed, who and from where.

`revision_record` appends one after every write (the services in `records` and `merges` call it);
the history pages read them back (`revision_list`, `revision_get`, `revision_compare`).
"""

from typing import Any

from bphub.directory.models import Agency, FocalPoint, Revision

# The focal-point fields a person edits (forms, imports, proposals, restore).
FOCAL_POINT_FIELDS = ("full_name", "local_name", "title", "preferred_language", "time_zone")
AGENCY_FIELDS = ("name", "acronym", "kind", "website", "email_domains", "is_active")

# -- snapshots and revisions ------------------------------------------------------------------


def focal_point_snapshot(focal_point: FocalPoint) -> dict[str, Any]:
    """Everything a person would call "the record", as plain JSON."""
    return {
        "member": focal_point.member.code,
        "agency": focal_point.agency_id,
        "agency_label": str(focal_point.agency) if focal_point.agency_id else "",
        **{field: getattr(focal_point, field) for field in FOCAL_POINT_FIELDS},
        "classification": focal_point.classification,
        "released_to": sorted(m.code for m in focal_point.released_to.all()) if focal_point.pk else [],
        "emails": [e.address for e in focal_point.emails.all()],
        "phones": [p.number for p in focal_point.phones.all()],
        "roles": [
            {
                "kind": r.kind,
                "body": r.body.code if r.body_id else None,
                "theme": r.theme.code if r.theme_id else None,
                "valid_from": r.valid_from.isoformat() if r.valid_from else None,
                "valid_to": r.valid_to.isoformat() if r.valid_to else None,
            }
            for r in focal_point.roles.select_related("body", "theme").order_by("kind", "id")
        ],
        "is_active": focal_point.is_active,
        "account": focal_point.user_id,
        "review_cadence_days": focal_point.review_cadence_days,
        "last_confirmed_at": focal_point.last_confirmed_at.isoformat() if focal_point.last_confirmed_at else None,
        "last_confirmed_via": focal_point.last_confirmed_via,
        "verified_until": focal_point.verified_until.isoformat() if focal_point.verified_until else None,
    }


def agency_snapshot(agency: Agency) -> dict[str, Any]:
    return {
        "member": agency.member.code,
        **{field: getattr(agency, field) for field in AGENCY_FIELDS},
        "parent": agency.parent_id,
        "themes": sorted(t.code for t in agency.themes.all()) if agency.pk else [],
        "classification": agency.classification,
        "review_cadence_days": agency.review_cadence_days,
        "last_confirmed_at": agency.last_confirmed_at.isoformat() if agency.last_confirmed_at else None,
    }


def _record_type(record) -> str:
    return "agency" if isinstance(record, Agency) else "focal_point"


def snapshot_of(record) -> dict[str, Any]:
    return agency_snapshot(record) if isinstance(record, Agency) else focal_point_snapshot(record)


def diff_snapshots(before: dict | None, after: dict) -> dict[str, list]:
    """{field: [before, after]} for every field that differs."""
    before = before or {}
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def revision_list(record) -> list[Revision]:
    return list(Revision.objects.filter(record_type=_record_type(record), record_id=record.pk).select_related("actor"))


def revision_record(record, *, actor=None, source: str, source_ref: str = "", actor_label: str = "") -> Revision | None:
    """Append a revision of `record` if anything changed since the last one (None otherwise)."""
    record_type = _record_type(record)
    last = Revision.objects.filter(record_type=record_type, record_id=record.pk).order_by("-number").first()
    snapshot = snapshot_of(record)
    changes = diff_snapshots(last.snapshot if last else None, snapshot)
    if last is not None and not changes:
        return None
    return Revision.objects.create(
        record_type=record_type,
        record_id=record.pk,
        number=(last.number + 1) if last else 1,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label or getattr(actor, "email", "") or "",
        source=source,
        source_ref=source_ref,
        snapshot=snapshot,
        changes=changes if last else {},
    )


# -- focal points -------------------------------------------------------------------------------


# -- reads for the record pages (history, diff, duplicate suggestions) ----------------------------


def revision_get(record, number: int) -> Revision:
    """Revision `number` of `record`; Revision.DoesNotExist when there is none."""
    return Revision.objects.select_related("actor").get(
        record_type=_record_type(record), record_id=record.pk, number=number
    )


def revision_compare(record, revision: Revision, *, against_current: bool = False) -> tuple[dict, dict]:
    """The (before, after) snapshots to show for `revision`.

    By default: the previous revision's snapshot (empty for the first) and this revision's.
    With `against_current`: this revision's snapshot and the record as it is now.
    """
    if against_current:
        return revision.snapshot, snapshot_of(record)
    previous = (
        Revision.objects.filter(
            record_type=revision.record_type, record_id=revision.record_id, number__lt=revision.number
        )
        .order_by("-number")
        .first()
    )
    return (previous.snapshot if previous else {}), revision.snapshot


def revision_count(record) -> int:
    return Revision.objects.filter(record_type=_record_type(record), record_id=record.pk).count()

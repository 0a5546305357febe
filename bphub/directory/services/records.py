"""Writes to agencies and focal points, each kept as a numbered revision with a full snapshot.

Every change goes through `focal_point_save` / `agency_save` (or a function built on them), which
own the transaction, the revision (who, when, what changed, from which source) and the audit
event. Nothing here deletes a role: ending a role sets its `valid_to`.
"""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.core.audit import audit_record
from bphub.core.models import Classification
from bphub.directory.models import (
    VERIFICATION_VALID_DAYS,
    Agency,
    ConfirmationRequest,
    Email,
    FocalPoint,
    FocalPointRole,
    Phone,
    Revision,
    directory_date,
    directory_today,
)
from bphub.directory.text import search_text_for

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


def _refresh_derived(record) -> None:
    record.review_due_on = record.compute_review_due_on()
    if isinstance(record, FocalPoint):
        record.search_text = search_text_for(record.full_name, record.local_name)
    else:
        record.search_text = search_text_for(*(record.name or {}).values(), record.acronym)


def _set_emails(focal_point: FocalPoint, addresses: list[str]) -> None:
    existing = {e.address: e for e in focal_point.emails.all()}
    for position, address in enumerate(addresses):
        email = existing.pop(address, None)
        if email is None:
            Email.objects.create(focal_point=focal_point, address=address, is_primary=position == 0)
        elif email.is_primary != (position == 0):
            email.is_primary = position == 0
            email.save(update_fields=["is_primary"])
    for email in existing.values():
        email.delete()


def _set_phones(focal_point: FocalPoint, numbers: list[str]) -> None:
    existing = {p.number: p for p in focal_point.phones.all()}
    for position, number in enumerate(numbers):
        phone = existing.pop(number, None)
        if phone is None:
            Phone.objects.create(focal_point=focal_point, number=number, is_primary=position == 0)
        elif phone.is_primary != (position == 0):
            phone.is_primary = position == 0
            phone.save(update_fields=["is_primary"])
    for phone in existing.values():
        phone.delete()


def _role_key(kind, body_id, theme_id) -> tuple:
    return (str(kind), body_id, theme_id)


def _set_current_roles(focal_point: FocalPoint, roles: list[dict], *, today) -> None:
    """Make `roles` the current roles: end the others (valid_to = yesterday), start new ones today."""
    wanted = {
        _role_key(r["kind"], getattr(r.get("body"), "pk", r.get("body")), getattr(r.get("theme"), "pk", r.get("theme")))
        for r in roles
    }
    current = [r for r in focal_point.roles.all() if r.is_current]
    current_keys = {_role_key(r.kind, r.body_id, r.theme_id) for r in current}
    for role in current:
        if _role_key(role.kind, role.body_id, role.theme_id) not in wanted:
            # A role that started today and ends today never really was: keep it, closed on today.
            role.valid_to = max(today - timedelta(days=1), role.valid_from or today - timedelta(days=1))
            role.save(update_fields=["valid_to"])
    for kind, body_id, theme_id in sorted(wanted - current_keys, key=str):
        FocalPointRole.objects.create(
            focal_point=focal_point, kind=kind, body_id=body_id, theme_id=theme_id, valid_from=today
        )


@transaction.atomic
def focal_point_save(
    *,
    focal_point: FocalPoint | None = None,
    member=None,
    data: dict,
    actor=None,
    source: str = Revision.Source.EDIT,
    source_ref: str = "",
    actor_label: str = "",
    confirmed_via: str = "",
) -> FocalPoint:
    """Create (focal_point=None, member given) or change a focal point from cleaned `data`.

    `data` keys (all optional on change): the FOCAL_POINT_FIELDS, "agency" (Agency or None),
    "classification", "released_to" (members), "emails" (clean addresses, primary first),
    "phones" (E.164, primary first), "roles" ([{"kind", "body", "theme"}]: the current roles),
    "review_cadence_days". With `confirmed_via` the save also counts as a confirmation.
    Writes one revision (when something changed) and one audit event. Raises ValidationError
    (nothing saved) when the record is invalid, e.g. an agency of another member.
    """
    creating = focal_point is None
    if creating:
        focal_point = FocalPoint(member=member)
    for field in (*FOCAL_POINT_FIELDS, "agency", "classification", "review_cadence_days"):
        if field in data:
            setattr(focal_point, field, data[field])
    if focal_point.agency_id and focal_point.agency.member_id != focal_point.member_id:
        raise ValidationError({"agency": _("The agency belongs to another member.")})
    focal_point.originator_id = focal_point.member_id
    now = timezone.now()
    if confirmed_via:
        focal_point.last_confirmed_at = now
        focal_point.last_confirmed_via = confirmed_via
    if creating:
        focal_point.created_at = now
    _refresh_derived(focal_point)
    focal_point.full_clean(exclude=["body", "released_to"])
    focal_point.save()
    if "released_to" in data:
        focal_point.released_to.set(data["released_to"])
    if "emails" in data:
        _set_emails(focal_point, data["emails"])
    if "phones" in data:
        _set_phones(focal_point, data["phones"])
    if "roles" in data:
        _set_current_roles(focal_point, data["roles"], today=directory_today())
    revision = revision_record(
        focal_point,
        actor=actor,
        source=Revision.Source.CREATED if creating and source == Revision.Source.EDIT else source,
        source_ref=source_ref,
        actor_label=actor_label,
    )
    if revision is not None:
        audit_record(
            verb="focal_point.created" if creating else "focal_point.changed",
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            target=focal_point,
            source=source,
            source_ref=source_ref,
            fields=sorted(revision.changes),
        )
    return focal_point


@transaction.atomic
def focal_point_confirm(
    *, focal_point: FocalPoint, via: str, actor=None, actor_label: str = "", source_ref: str = ""
) -> FocalPoint:
    """Record a confirmation without change: the review clock restarts from now."""
    focal_point.last_confirmed_at = timezone.now()
    focal_point.last_confirmed_via = via
    focal_point.review_due_on = focal_point.compute_review_due_on()
    focal_point.save(update_fields=["last_confirmed_at", "last_confirmed_via", "review_due_on", "updated_at"])
    revision_record(
        focal_point, actor=actor, source=Revision.Source.CONFIRMATION, source_ref=source_ref, actor_label=actor_label
    )
    audit_record(
        verb="focal_point.confirmed",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        target=focal_point,
        via=via,
    )
    return focal_point


def focal_point_sign_of_life(*, focal_point: FocalPoint, at=None) -> None:
    """A meeting attended or an invitation opened: shown, but never a confirmation."""
    FocalPoint.all_objects.filter(pk=focal_point.pk).update(last_sign_of_life_at=at or timezone.now())


@transaction.atomic
def focal_point_verify(*, focal_point: FocalPoint, via: str, actor=None) -> FocalPoint:
    """Mark the person verified for a year (via "nomination" or "trusted_domain")."""
    now = timezone.now()
    focal_point.verified_at = now
    focal_point.verified_via = via
    focal_point.verified_until = directory_date(now) + timedelta(days=VERIFICATION_VALID_DAYS)
    focal_point.save(update_fields=["verified_at", "verified_via", "verified_until", "updated_at"])
    revision_record(focal_point, actor=actor, source=Revision.Source.VERIFICATION, source_ref=via)
    audit_record(
        verb="focal_point.verified",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        target=focal_point,
        via=via,
    )
    return focal_point


def trusted_domain_matches(focal_point: FocalPoint) -> bool:
    """Is one of the person's addresses on a trusted domain of one of their member's agencies?"""
    domains: set[str] = set()
    for agency in Agency.objects.filter(member_id=focal_point.member_id).exclude(email_domains=""):
        domains |= agency.trusted_domains
    return any(email.address.rsplit("@", 1)[-1] in domains for email in focal_point.emails.all())


@transaction.atomic
def focal_point_restore(*, focal_point: FocalPoint, revision: Revision, actor) -> FocalPoint:
    """Bring back the person's details as they were in `revision` (as a new revision)."""
    if revision.record_type != "focal_point" or revision.record_id != focal_point.pk:
        raise ValidationError(_("That version belongs to another record."))
    snap = revision.snapshot
    from bphub.members.models import Body, Member, Theme

    agency = Agency.objects.filter(pk=snap.get("agency"), member=focal_point.member).first()
    bodies = {b.code: b for b in Body.objects.all()}
    themes = {t.code: t for t in Theme.objects.all()}
    today = directory_today()
    roles = [
        {"kind": r["kind"], "body": bodies.get(r["body"]), "theme": themes.get(r["theme"])}
        for r in snap.get("roles", [])
        if r.get("valid_to") is None or r["valid_to"] >= today.isoformat()
    ]
    data = {field: snap.get(field, "") for field in FOCAL_POINT_FIELDS}
    data.update(
        agency=agency,
        classification=snap.get("classification", focal_point.classification),
        released_to=list(Member.objects.filter(code__in=snap.get("released_to", []))),
        emails=snap.get("emails", []),
        phones=snap.get("phones", []),
        roles=roles,
    )
    return focal_point_save(
        focal_point=focal_point,
        data=data,
        actor=actor,
        source=Revision.Source.RESTORE,
        source_ref=f"revision:{revision.number}",
    )


STRICTNESS = [
    Classification.PUBLIC,
    Classification.MEMBERS,
    Classification.BODY,
    Classification.RESTRICTED,
    Classification.SECRETARIAT,
]


def _narrowest_readership(survivor, duplicate) -> None:
    """A merged record is read by no one who could not read both: the survivor takes the stricter
    classification, and when both are restricted only the members both were released to."""
    a, b = STRICTNESS.index(survivor.classification), STRICTNESS.index(duplicate.classification)
    released_both = set(survivor.released_to.all()) & set(duplicate.released_to.all())
    if b > a:
        survivor.classification = duplicate.classification
        survivor.body_id = duplicate.body_id
        survivor.save(update_fields=["classification", "body"])
        survivor.released_to.set(duplicate.released_to.all())
    elif a == b and survivor.classification == Classification.RESTRICTED:
        survivor.released_to.set(released_both)
    elif a == b and survivor.classification == Classification.BODY and survivor.body_id != duplicate.body_id:
        survivor.classification = Classification.RESTRICTED  # readers of both bodies differ: originator only
        survivor.save(update_fields=["classification"])
        survivor.released_to.clear()


def _repoint_relations(duplicate, survivor, *, skip: tuple = ()) -> dict[str, int]:
    """Point every row that refers to `duplicate` at `survivor` (every module's relations).

    Walks the model's reverse relations, hidden ones included, so that relations added by later
    modules (meeting delegations, enrolments...) move too without this function knowing them.
    `skip` lists related models handled by the caller.
    """
    moved: dict[str, int] = {}
    for relation in duplicate._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.related_model in skip:
            continue
        model = relation.related_model
        if relation.many_to_many:
            field = relation.field
            through = field.remote_field.through
            ours, theirs = field.m2m_reverse_field_name(), field.m2m_field_name()
            count = 0
            for row in list(through._base_manager.filter(**{ours: duplicate})):
                if through._base_manager.filter(**{ours: survivor, theirs: getattr(row, f"{theirs}_id")}).exists():
                    row.delete()
                else:
                    setattr(row, ours, survivor)
                    row.save(update_fields=[ours])
                count += 1
        elif relation.one_to_one:
            if model._base_manager.filter(**{relation.field.name: survivor}).exists():
                continue
            count = model._base_manager.filter(**{relation.field.name: duplicate}).update(
                **{relation.field.name: survivor}
            )
        elif model._meta.auto_created:
            # The through table of a many-to-many field of the record itself (released_to, themes):
            # a pair the survivor already has is dropped, not duplicated (it would break uniqueness).
            ours = relation.field.name
            theirs = next(f.name for f in model._meta.fields if f.is_relation and f.name != ours)
            count = 0
            for row in list(model._base_manager.filter(**{ours: duplicate})):
                if model._base_manager.filter(**{ours: survivor, theirs: getattr(row, f"{theirs}_id")}).exists():
                    row.delete()
                else:
                    setattr(row, ours, survivor)
                    row.save(update_fields=[ours])
                count += 1
        else:
            count = model._base_manager.filter(**{relation.field.name: duplicate}).update(
                **{relation.field.name: survivor}
            )
        if count:
            moved[f"{model._meta.label_lower}.{relation.field.name}"] = count
    return moved


@transaction.atomic
def focal_point_merge(*, survivor: FocalPoint, duplicate: FocalPoint, actor) -> FocalPoint:
    """Merge `duplicate` into `survivor`, keeping every dated role and relationship of both.

    The survivor keeps its values; its blank fields take the duplicate's. Emails and phones are
    united, roles of both are kept with their dates (identical ones once), every other relation
    (from any module) moves to the survivor. The duplicate is kept, marked as merged, so links
    and history still resolve. Raises ValidationError for people of different members.
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))
    if survivor.member_id != duplicate.member_id:
        raise ValidationError(_("Only records of the same member can be merged."))
    if duplicate.merged_into_id or survivor.merged_into_id:
        raise ValidationError(_("One of these records was already merged."))
    for field in ("local_name", "title", "preferred_language", "time_zone"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
    if survivor.agency_id is None:
        survivor.agency_id = duplicate.agency_id
    if duplicate.last_confirmed_at and (
        survivor.last_confirmed_at is None or duplicate.last_confirmed_at > survivor.last_confirmed_at
    ):
        survivor.last_confirmed_at = duplicate.last_confirmed_at
        survivor.last_confirmed_via = duplicate.last_confirmed_via
    if duplicate.verified_until and (
        survivor.verified_until is None or duplicate.verified_until > survivor.verified_until
    ):
        survivor.verified_at, survivor.verified_via, survivor.verified_until = (
            duplicate.verified_at,
            duplicate.verified_via,
            duplicate.verified_until,
        )
    if survivor.user_id is None and duplicate.user_id is not None:
        survivor.user_id, duplicate.user_id = duplicate.user_id, None
        duplicate.save(update_fields=["user"])
    survivor_emails = {e.address for e in survivor.emails.all()}
    for email in duplicate.emails.all():
        if email.address in survivor_emails:
            email.delete()
        else:
            email.is_primary = False
            email.focal_point = survivor
            email.save(update_fields=["focal_point", "is_primary"])
    survivor_phones = {p.number for p in survivor.phones.all()}
    for phone in duplicate.phones.all():
        if phone.number in survivor_phones:
            phone.delete()
        else:
            phone.is_primary = False
            phone.focal_point = survivor
            phone.save(update_fields=["focal_point", "is_primary"])
    survivor_roles = {(r.kind, r.body_id, r.theme_id, r.valid_from, r.valid_to) for r in survivor.roles.all()}
    for role in duplicate.roles.all():
        if (role.kind, role.body_id, role.theme_id, role.valid_from, role.valid_to) in survivor_roles:
            role.delete()
        else:
            role.focal_point = survivor
            role.save(update_fields=["focal_point"])
    _narrowest_readership(survivor, duplicate)
    # A link mailed to the duplicate must not confirm (or show) the survivor: it is used up.
    ConfirmationRequest.objects.filter(focal_point=duplicate, used_at__isnull=True).update(
        used_at=timezone.now(), outcome="merged"
    )
    moved = _repoint_relations(
        duplicate,
        survivor,
        skip=(Email, Phone, FocalPointRole, FocalPoint, FocalPoint.released_to.through, ConfirmationRequest),
    )
    FocalPoint.all_objects.filter(merged_into=duplicate).update(merged_into=survivor)
    _refresh_derived(survivor)
    survivor.save()
    duplicate.merged_into = survivor
    duplicate.is_active = False
    duplicate.save(update_fields=["merged_into", "is_active", "updated_at"])
    ref = f"merge:{duplicate.pk}->{survivor.pk}"
    revision_record(survivor, actor=actor, source=Revision.Source.MERGE, source_ref=ref)
    revision_record(duplicate, actor=actor, source=Revision.Source.MERGE, source_ref=ref)
    audit_record(verb="focal_point.merged", actor=actor, target=survivor, duplicate=duplicate.pk, moved=moved)
    return survivor


# -- agencies -----------------------------------------------------------------------------------


@transaction.atomic
def agency_save(
    *,
    agency: Agency | None = None,
    member=None,
    data: dict,
    actor=None,
    source: str = Revision.Source.EDIT,
    source_ref: str = "",
    confirmed_via: str = "",
) -> Agency:
    """Create or change an agency from cleaned `data` (AGENCY_FIELDS, "parent", "themes",
    "classification"); one revision and one audit event. Raises ValidationError (nothing saved)."""
    creating = agency is None
    if creating:
        agency = Agency(member=member)
    for field in (*AGENCY_FIELDS, "parent", "classification", "review_cadence_days"):
        if field in data:
            setattr(agency, field, data[field])
    if agency.parent_id and (agency.parent.member_id != agency.member_id or agency.parent_id == agency.pk):
        raise ValidationError({"parent": _("The parent must be another agency of the same member.")})
    agency.originator_id = agency.member_id
    now = timezone.now()
    if confirmed_via:
        agency.last_confirmed_at = now
        agency.last_confirmed_via = confirmed_via
    if creating:
        agency.created_at = now
    _refresh_derived(agency)
    agency.full_clean(exclude=["body", "released_to", "themes"])
    agency.save()
    if "themes" in data:
        agency.themes.set(data["themes"])
    revision = revision_record(
        agency,
        actor=actor,
        source=Revision.Source.CREATED if creating and source == Revision.Source.EDIT else source,
        source_ref=source_ref,
    )
    if revision is not None:
        audit_record(
            verb="agency.created" if creating else "agency.changed",
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            target=agency,
            source=source,
            fields=sorted(revision.changes),
        )
    return agency


@transaction.atomic
def agency_restore(*, agency: Agency, revision: Revision, actor) -> Agency:
    if revision.record_type != "agency" or revision.record_id != agency.pk:
        raise ValidationError(_("That version belongs to another record."))
    from bphub.members.models import Theme

    snap = revision.snapshot
    data = {field: snap.get(field, getattr(agency, field)) for field in AGENCY_FIELDS}
    data.update(
        parent=Agency.objects.filter(pk=snap.get("parent"), member=agency.member).first(),
        themes=list(Theme.objects.filter(code__in=snap.get("themes", []))),
        classification=snap.get("classification", agency.classification),
    )
    return agency_save(
        agency=agency, data=data, actor=actor, source=Revision.Source.RESTORE, source_ref=f"revision:{revision.number}"
    )


@transaction.atomic
def agency_merge(*, survivor: Agency, duplicate: Agency, actor) -> Agency:
    """Merge `duplicate` into `survivor`: people, sub-agencies, accounts and every other relation
    move; mandates and trusted domains are united; the duplicate is kept, marked as merged."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))
    if survivor.member_id != duplicate.member_id:
        raise ValidationError(_("Only agencies of the same member can be merged."))
    if duplicate.merged_into_id or survivor.merged_into_id:
        raise ValidationError(_("One of these records was already merged."))
    names = dict(duplicate.name or {})
    names.update({k: v for k, v in (survivor.name or {}).items() if v})
    survivor.name = names
    survivor.acronym = survivor.acronym or duplicate.acronym
    survivor.website = survivor.website or duplicate.website
    survivor.email_domains = " ".join(sorted(survivor.trusted_domains | duplicate.trusted_domains))
    survivor.themes.add(*duplicate.themes.all())
    _narrowest_readership(survivor, duplicate)
    moved_people = list(FocalPoint.all_objects.filter(agency=duplicate))
    moved_children = list(Agency.all_objects.filter(parent=duplicate))
    moved = _repoint_relations(duplicate, survivor, skip=(Agency, Agency.released_to.through))
    Agency.all_objects.filter(parent=duplicate).update(parent=survivor)
    Agency.all_objects.filter(merged_into=duplicate).update(merged_into=survivor)
    if survivor.parent_id == survivor.pk:
        survivor.parent = None
    _refresh_derived(survivor)
    survivor.save()
    duplicate.merged_into = survivor
    duplicate.is_active = False
    duplicate.save(update_fields=["merged_into", "is_active", "updated_at"])
    ref = f"merge:{duplicate.pk}->{survivor.pk}"
    revision_record(survivor, actor=actor, source=Revision.Source.MERGE, source_ref=ref)
    revision_record(duplicate, actor=actor, source=Revision.Source.MERGE, source_ref=ref)
    # The people and sub-agencies that moved keep it in their own history too.
    for person in moved_people:
        person.agency = survivor
        revision_record(person, actor=actor, source=Revision.Source.MERGE, source_ref=ref)
    for child in moved_children:
        child.parent = survivor
        revision_record(child, actor=actor, source=Revision.Source.MERGE, source_ref=ref)
    audit_record(verb="agency.merged", actor=actor, target=survivor, duplicate=duplicate.pk, moved=moved)
    return survivor


def focal_points_sign_of_life_by_email(address: str, *, at=None) -> int:
    """Someone opened a link mailed to `address` (an invitation): a sign of life of that person."""
    ids = Email.objects.filter(address=address.strip().lower()).values("focal_point_id")
    return FocalPoint.objects.filter(pk__in=ids).update(last_sign_of_life_at=at or timezone.now())


def focal_point_link_account(*, user) -> FocalPoint | None:
    """Link a new platform account to the one focal point of its member with the same email.

    One person record serves the directory, meetings, training and alumni. Nothing is linked
    when no record or several match, or the record already has an account.
    """
    if not user.member_id:
        return None
    matches = list(
        FocalPoint.objects.filter(
            member_id=user.member_id, user__isnull=True, emails__address=user.email.strip().lower()
        ).distinct()[:2]
    )
    if len(matches) != 1:
        return None
    person = matches[0]
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    revision_record(person, actor=user, source=Revision.Source.EDIT, source_ref=f"account:{user.pk}")
    return person


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


def agency_duplicate_candidates(agency: Agency, *, limit: int = 5) -> list[Agency]:
    """Other active agencies of the same member with the same acronym or the same English name."""
    from bphub.directory.text import fold

    others = Agency.objects.filter(member_id=agency.member_id).exclude(pk=agency.pk)
    english = fold((agency.name or {}).get("en", ""))
    result = []
    for other in others.order_by("id")[:500]:
        same_acronym = agency.acronym and other.acronym.strip().lower() == agency.acronym.strip().lower()
        if same_acronym or (english and fold((other.name or {}).get("en", "")) == english):
            result.append(other)
        if len(result) >= limit:
            break
    return result

"""Writes to agencies and focal points, each kept as a numbered revision with a full snapshot.

Every change goes through `focal_point_save` / `agency_save` (or a function built on them), which
own the transaction, the revision (who, when, what changed, from which source) and the audit
event. Nothing here deletes a role: ending a role sets its `valid_to`.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.core.audit import audit_record
from bphub.directory.models import (
    VERIFICATION_VALID_DAYS,
    Agency,
    Email,
    FocalPoint,
    FocalPointRole,
    Phone,
    Revision,
    directory_date,
    directory_today,
)
from bphub.directory.services.revisions import (  # noqa: F401 - the history's names, re-exported for callers
    AGENCY_FIELDS,
    FOCAL_POINT_FIELDS,
    agency_snapshot,
    diff_snapshots,
    focal_point_snapshot,
    revision_compare,
    revision_count,
    revision_get,
    revision_list,
    revision_record,
    snapshot_of,
)
from bphub.directory.text import search_text_for


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

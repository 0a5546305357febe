"""Merging two agencies or two focal points after review.

The survivor keeps every dated role, email, phone and relation of both (relations of any module
move, found through the model's reverse relations), takes the narrower readership, and the move is
written into the history of everything it touched.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.core.audit import audit_record
from bphub.core.models import Classification
from bphub.core.policy import CLASSIFICATION_RANK
from bphub.directory.models import Agency, ConfirmationRequest, Email, FocalPoint, FocalPointRole, Phone, Revision
from bphub.directory.services.records import _refresh_derived
from bphub.directory.services.revisions import revision_record


def _narrowest_readership(survivor, duplicate) -> None:
    """A merged record is read by no one who could not read both: the survivor takes the stricter
    classification, and when both are restricted only the members both were released to."""
    # The policy's order of classifications, widest first.
    a, b = CLASSIFICATION_RANK[survivor.classification], CLASSIFICATION_RANK[duplicate.classification]
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

"""Changes a focal point proposes through its confirmation link, and their review.

A proposal stores only the fields the person changed (cleaned, as JSON) and an optional note.
It waits, PENDING, for a coordinator of the person's member (or the RSO), who approves it (the
changes are applied through `focal_point_save` as a PROPOSAL revision that also counts as a
confirmation) or rejects it with a note. Each proposal is reviewed once.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.directory.models import ChangeProposal, ConfirmationRequest, ConfirmedVia, FocalPoint, Revision
from bphub.directory.permissions import can_manage_member, focal_points_visible_to, managed_member_ids
from bphub.directory.services.freshness import (
    absolute_url,
    confirmation_claim,
    mail_language,
    mail_queue,
    member_coordinators,
)
from bphub.directory.services.records import focal_point_save
from bphub.directory.validation import clean_emails, clean_language, clean_phones, clean_time_zone

# The fields a person may propose changes to, in the order they are shown.
PROPOSAL_FIELDS = {
    "full_name": gettext_lazy("Name (Latin script)"),
    "local_name": gettext_lazy("Name in own script"),
    "title": gettext_lazy("Title / position"),
    "emails": gettext_lazy("Email addresses"),
    "phones": gettext_lazy("Phone numbers"),
    "preferred_language": gettext_lazy("Preferred language"),
    "time_zone": gettext_lazy("Time zone"),
}
TEXT_LIMITS = {"full_name": 200, "local_name": 200, "title": 200}


def phone_region(member) -> str:
    """The region numbers without a country code are read in: the member's two-letter code."""
    code = getattr(member, "code", "") or ""
    return code.upper() if len(code) == 2 and code.isalpha() else ""


def proposal_current_values(focal_point: FocalPoint) -> dict:
    """The person's values of PROPOSAL_FIELDS, as a proposal stores them."""
    emails = sorted(focal_point.emails.all(), key=lambda e: (not e.is_primary, e.pk))
    phones = sorted(focal_point.phones.all(), key=lambda p: (not p.is_primary, p.pk))
    return {
        "full_name": focal_point.full_name,
        "local_name": focal_point.local_name,
        "title": focal_point.title,
        "emails": [e.address for e in emails],
        "phones": [p.number for p in phones],
        "preferred_language": focal_point.preferred_language,
        "time_zone": focal_point.time_zone,
    }


def proposal_clean(raw: dict, *, member) -> dict:
    """Validate proposed values (form strings or stored lists) with the directory's field rules.

    Returns {field: clean value} for the PROPOSAL_FIELDS present in `raw`. Raises ValidationError
    with a message per field.
    """
    errors: dict[str, list] = {}
    cleaned: dict = {}
    for field in PROPOSAL_FIELDS:
        if field not in raw:
            continue
        value = raw[field]
        try:
            if field in TEXT_LIMITS:
                value = " ".join(str(value or "").split())
                if len(value) > TEXT_LIMITS[field]:
                    raise ValidationError(_("Use at most %(limit)s characters.") % {"limit": TEXT_LIMITS[field]})
                if field == "full_name" and not value:
                    raise ValidationError(_("A name is required."))
            elif field == "emails":
                value = clean_emails(value)
                if not value:
                    raise ValidationError(_("Give at least one email address."))
            elif field == "phones":
                value = clean_phones(value, region=phone_region(member))
            elif field == "preferred_language":
                value = clean_language(value)
            elif field == "time_zone":
                value = clean_time_zone(value)
        except ValidationError as error:
            errors[field] = error.messages
            continue
        cleaned[field] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def proposal_submit(*, confirmation: ConfirmationRequest, raw: dict, note: str = "") -> ChangeProposal:
    """The person behind a usable link proposes changes to their record.

    Validates `raw` (the form's values of PROPOSAL_FIELDS), keeps only what differs from the
    record, and stores a PENDING proposal; the link is used up (outcome "proposed") and the
    member's coordinators are mailed, through the outbox, a link to review it. Raises
    ValidationError (nothing stored, the link still usable) for invalid values or when nothing
    changed and there is no note; ConfirmationUnusable when the link was used or expired meanwhile.
    """
    focal_point = confirmation.focal_point
    cleaned = proposal_clean(raw, member=focal_point.member)
    current = proposal_current_values(focal_point)
    changes = {field: value for field, value in cleaned.items() if current.get(field) != value}
    note = (note or "").strip()[:4000]
    if not changes and not note:
        raise ValidationError(
            _("You changed nothing. If everything is right, choose “Confirm without change” instead.")
        )
    confirmation_claim(confirmation, outcome="proposed")
    proposal = ChangeProposal.objects.create(
        focal_point=focal_point,
        confirmation=confirmation,
        proposed=changes,
        base={field: current.get(field) for field in changes},
        note=note,
    )
    coordinators_told = 0
    for coordinator in member_coordinators(focal_point.member):
        if not policy.can(coordinator, policy.Action.CHANGE, focal_point):
            continue
        with translation.override(mail_language(coordinator.language)):
            mail_queue(
                subject=_("Directory: %(name)s proposed changes to their record") % {"name": focal_point.full_name},
                template="directory/email/proposal_submitted.txt",
                context={
                    "coordinator": coordinator,
                    "person": focal_point,
                    "fields": [str(PROPOSAL_FIELDS[field]) for field in changes],
                    "note": note,
                    "link": absolute_url(reverse("directory:proposal_detail", kwargs={"pk": proposal.pk})),
                },
                to=[coordinator.email],
            )
        coordinators_told += 1
    audit_record(
        verb="change_proposal.submitted",
        target=focal_point,
        actor_email="confirmation link",
        proposal=proposal.pk,
        fields=sorted(changes),
        coordinators_told=coordinators_told,
    )
    return proposal


# -- review -------------------------------------------------------------------------------------


def proposals_pending_for(user) -> QuerySet:
    """The pending proposals `user` reviews: all for the RSO, their member's for a coordinator.

    Raises Http404 for anyone who reviews no member's directory. Only proposals on records the
    user may see are listed.
    """
    managed = managed_member_ids(user)
    if managed is not None and not managed:
        raise Http404
    proposals = ChangeProposal.objects.filter(
        status=ChangeProposal.Status.PENDING, focal_point__in=focal_points_visible_to(user)
    )
    if managed is not None:
        proposals = proposals.filter(focal_point__member_id__in=managed)
    return proposals.select_related("focal_point", "focal_point__member").order_by("submitted_at", "pk")


def get_proposal_for_review(user, pk) -> ChangeProposal:
    """The proposal if `user` may review it (may change its record); Http404 otherwise, as if missing."""
    proposal = get_object_or_404(
        ChangeProposal.objects.select_related("focal_point", "focal_point__member", "reviewed_by"), pk=pk
    )
    record = proposal.focal_point
    if (
        record.merged_into_id is not None
        or not policy.can(user, policy.Action.CHANGE, record)
        or not can_manage_member(user, record.member)
    ):
        raise Http404
    return proposal


def proposal_field_labels(proposal: ChangeProposal) -> list[str]:
    """The labels of the fields a proposal changes, in form order."""
    return [str(label) for field, label in PROPOSAL_FIELDS.items() if field in proposal.proposed]


def proposal_comparison(proposal: ChangeProposal) -> list[dict]:
    """Rows of (label, current, proposed, changed) for every proposable field, for the review page."""
    current = proposal_current_values(proposal.focal_point)
    rows = []
    for field, label in PROPOSAL_FIELDS.items():
        now_value = current.get(field)
        proposed_value = proposal.proposed.get(field, now_value)
        rows.append(
            {
                "field": field,
                "label": label,
                "current": now_value,
                "proposed": proposed_value,
                "changed": field in proposal.proposed and proposed_value != now_value,
            }
        )
    return rows


LIST_FIELDS = ("emails", "phones")


def proposal_rebase(proposal: ChangeProposal, cleaned: dict) -> dict:
    """The values to save for an approved proposal, on top of the record as it is now.

    Lists (emails, phones) take the person's own additions and removals, so what others changed
    since (another address added, a merge) is kept. A single value someone else changed since the
    proposal raises ValidationError naming the field: the reviewer decides, nothing is overwritten.
    """
    current = proposal_current_values(proposal.focal_point)
    base = proposal.base or {}
    data: dict = {}
    conflicts = []
    for field, value in cleaned.items():
        then = base.get(field, current.get(field))
        now = current.get(field)
        if field in LIST_FIELDS:
            then, now = list(then or []), list(now or [])
            added = [item for item in value if item not in then]
            removed = {item for item in then if item not in value}
            data[field] = [item for item in now if item not in removed] + [item for item in added if item not in now]
        elif now != then and now != value:
            conflicts.append(str(PROPOSAL_FIELDS.get(field, field)))
        else:
            data[field] = value
    if conflicts:
        raise ValidationError(
            _("The record changed since this proposal (%(fields)s). Reject it and edit the record instead.")
            % {"fields": ", ".join(conflicts)}
        )
    return data


def _lock_pending(proposal: ChangeProposal, actor) -> ChangeProposal:
    locked = ChangeProposal.objects.select_for_update(of=("self",)).select_related("focal_point").get(pk=proposal.pk)
    if locked.status != ChangeProposal.Status.PENDING:
        raise ValidationError(
            _("This proposal was already reviewed (%(status)s).") % {"status": locked.get_status_display()}
        )
    record = locked.focal_point
    if not (policy.can(actor, policy.Action.CHANGE, record) and can_manage_member(actor, record.member)):
        raise PermissionDenied
    return locked


@transaction.atomic
def proposal_approve(*, proposal: ChangeProposal, actor) -> ChangeProposal:
    """Apply a pending proposal: the record takes the proposed values, as a PROPOSAL revision
    (source_ref "proposal:<id>") that also counts as a confirmation.

    The values are validated again. Raises ValidationError (nothing changes) when they no longer
    pass or the proposal is not pending; PermissionDenied when `actor` may not change the record.
    """
    proposal = _lock_pending(proposal, actor)
    cleaned = proposal_clean(proposal.proposed, member=proposal.focal_point.member)
    data = proposal_rebase(proposal, cleaned)
    focal_point_save(
        focal_point=proposal.focal_point,
        data=data,
        actor=actor,
        source=Revision.Source.PROPOSAL,
        source_ref=f"proposal:{proposal.pk}",
        confirmed_via=ConfirmedVia.PROPOSAL,
    )
    proposal.status = ChangeProposal.Status.APPROVED
    proposal.reviewed_by = actor
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit_record(verb="change_proposal.approved", actor=actor, target=proposal.focal_point, proposal=proposal.pk)
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: ChangeProposal, actor, note: str = "") -> ChangeProposal:
    """Turn down a pending proposal, with an optional note; the record does not change.

    Raises ValidationError when the proposal is not pending; PermissionDenied when `actor` may
    not change the record.
    """
    proposal = _lock_pending(proposal, actor)
    proposal.status = ChangeProposal.Status.REJECTED
    proposal.reviewed_by = actor
    proposal.reviewed_at = timezone.now()
    proposal.review_note = (note or "").strip()[:4000]
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        verb="change_proposal.rejected",
        actor=actor,
        target=proposal.focal_point,
        proposal=proposal.pk,
        note=proposal.review_note,
    )
    return proposal

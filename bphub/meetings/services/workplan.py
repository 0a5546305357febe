"""Writes for a body's forward work plan (kept by the body's co-chairs and the RSO)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bphub.core.audit import audit_record
from bphub.meetings.models import WorkPlanItem

FIELDS = ("title", "period", "lead", "status")


def _state(item: WorkPlanItem) -> dict:
    return {"title": dict(item.title or {}), "period": item.period, "lead": item.lead, "status": item.status}


@transaction.atomic
def work_plan_save(*, group, rows: list[dict], actor) -> list[WorkPlanItem]:
    """Save the work plan of `group` as edited on one page (the caller checked `can_edit_work_plan`).

    `rows` are in the order wanted: {"id": pk or None, "title", "period", "lead", "status", "delete"}.
    Rows without an id are added, rows with `delete` are removed, the others are changed in place;
    positions follow the order given. Each change is audited with what it was before and after.
    Raises ValidationError (naming the row and field) and changes nothing when a row is not acceptable.
    Returns the work plan as saved.
    """
    existing = {item.pk: item for item in WorkPlanItem.objects.select_for_update().filter(group=group)}
    changes = []
    position = 0
    for number, row in enumerate(rows, start=1):
        item = existing.get(row["id"]) if row.get("id") else None
        if row.get("id") and item is None:
            raise ValidationError(_("Row %(number)d is not part of this work plan.") % {"number": number})
        if row.get("delete"):
            if item is not None:
                changes.append({"change": "removed", "before": _state(item)})
                item.delete()
            continue
        before = _state(item) if item is not None else None
        item = item or WorkPlanItem(group=group)
        for field in FIELDS:
            setattr(item, field, row.get(field) if field != "lead" else (row.get("lead") or ""))
        item.position = position
        position += 1
        try:
            item.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {
                    field: [
                        _("Row %(number)d: %(error)s") % {"number": number, "error": message} for message in messages
                    ]
                    for field, messages in error.message_dict.items()
                }
            ) from error
        item.save()
        after = _state(item)
        if before is None:
            changes.append({"change": "added", "after": after})
        elif before != after:
            changes.append({"change": "changed", "before": before, "after": after})
    if changes:
        audit_record(verb="workplan.changed", actor=actor, target=group, changes=changes)
    return list(WorkPlanItem.objects.filter(group=group))

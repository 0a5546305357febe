"""Action items agreed at meetings, and the one write of the secretariat hub: an owner's progress update.

Read through the same policy as the rest of the hub (`bphub.api.routes.meetings`): an action you
may not read answers 404; reads of restricted and secretariat actions are written to the audit log.
"""

from datetime import date, datetime

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, field_validator

from bphub.api.auth import AUTH_OPTIONAL, AUTH_REQUIRED, OPTIONAL_SECURITY
from bphub.api.errors import ApiError
from bphub.api.pagination import PageNumberPagination
from bphub.api.routes.meetings import _actions, _caller, _get_action, _page_url
from bphub.api.schemas import ErrorOut, LocalizedOut, display
from bphub.api.types import Day, RecordId
from bphub.core.audit import audit_sensitive_read
from bphub.meetings import permissions
from bphub.meetings.models import ActionItem, ActionItemUpdate
from bphub.meetings.services.actions import action_progress

router = Router(tags=["meetings"], auth=AUTH_OPTIONAL)

TEXT_MAX_LENGTH = 5000


# --- action items -----------------------------------------------------------------------------
class ActionItemListItemOut(Schema):
    id: int
    title: dict[str, str]
    title_display: LocalizedOut
    owner_kind: ActionItem.Owner
    owner: str = Field(description="Member code, body code, or \"rso\".")
    meeting: int = Field(description="Id of the meeting that agreed it.")
    series: str | None = Field(description="Code of that meeting's series.")
    due_on: date | None
    status: ActionItem.Status
    is_overdue: bool = Field(description="Open or in progress, and past its due day.")
    completed_on: date | None
    classification: str
    url: str = Field(description="The action's page on the hub.")

    @staticmethod
    def resolve_title_display(obj, context):
        return display(obj.title, context)

    @staticmethod
    def resolve_owner(obj):
        if obj.owner_kind == ActionItem.Owner.MEMBER:
            return obj.owner_member.code
        if obj.owner_kind == ActionItem.Owner.BODY:
            return obj.owner_body.code
        return "rso"

    @staticmethod
    def resolve_meeting(obj):
        return obj.meeting_id

    @staticmethod
    def resolve_series(obj):
        return obj.meeting.series.code if obj.meeting.series_id else None

    @staticmethod
    def resolve_is_overdue(obj):
        return obj.is_overdue()

    @staticmethod
    def resolve_url(obj, context):
        return _page_url(obj, context)


class ActionItemUpdateOut(Schema):
    id: int
    text: str
    status_before: ActionItem.Status
    status_after: ActionItem.Status
    author: str | None = Field(description="Who wrote it; null for readers who do not act for a member or the RSO.")
    created_at: datetime

    @staticmethod
    def resolve_author(obj, context):
        if obj.author_id is None or not permissions.may_see_update_authors(_caller(context)):
            return None
        return obj.author.full_name


class ActionItemOut(ActionItemListItemOut):
    """One action item with its progress updates, newest first."""

    updates: list[ActionItemUpdateOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_updates(obj):
        return list(obj.updates.all())


class ActionItemUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=TEXT_MAX_LENGTH, description="What was done.")
    status: ActionItem.Status | None = Field(None, description="The status it moves to; leave out to keep it.")

    @field_validator("text")
    @classmethod
    def text_is_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("write what was done")
        return value


@router.get("/action-items", response=list[ActionItemListItemOut], url_name="action_list",
            openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def action_items(
    request,
    owner: str = Query("", description="Member code, body code, or \"rso\"."),
    status: ActionItem.Status | None = None,
    overdue: bool | None = Query(None, description="true: open or in progress and past the due day; false: not."),
    meeting: RecordId | None = Query(None, description="Id of the meeting that agreed them."),
    series: str = Query("", description="Series code of that meeting."),
    due_before: Day | None = Query(None, description="YYYY-MM-DD: due before this day (not on it)."),
):
    """The action items you may read (anonymous callers: public ones), soonest due first."""
    found = _actions(request.auth)
    owner = owner.strip()
    if owner.lower() == "rso":
        found = found.filter(owner_kind=ActionItem.Owner.RSO)
    elif owner:
        found = found.filter(Q(owner_member__code__iexact=owner) | Q(owner_body__code__iexact=owner))
    if status:
        found = found.filter(status=status)
    if overdue is not None:
        late = Q(status__in=ActionItem.OPEN_STATUSES, due_on__lt=timezone.localdate())
        found = found.filter(late) if overdue else found.exclude(late)
    if meeting is not None:
        found = found.filter(meeting_id=meeting)
    if series.strip():
        found = found.filter(meeting__series__code=series.strip())
    if due_before:
        found = found.filter(due_on__lt=due_before)
    return found.select_related("meeting", "meeting__series", "owner_member", "owner_body").order_by(
        "due_on", "id"
    )


@router.get("/action-items/{action_id}", response={200: ActionItemOut, 404: ErrorOut}, url_name="action_detail",
            openapi_extra=OPTIONAL_SECURITY)
def action_item(request, action_id: RecordId):
    """One action item with its updates; 404 when it does not exist or you may not read it. Reads of
    restricted and secretariat actions are written to the audit log."""
    record = _get_action(request.auth, action_id)
    audit_sensitive_read(user=request.auth, record=record, request=request, via="api")
    return _with_updates(record)


def _with_updates(record: ActionItem) -> ActionItem:
    prefetch_related_objects(
        [record], Prefetch("updates", queryset=ActionItemUpdate.objects.select_related("author").order_by(
            "-created_at", "-id"))
    )
    return record


@router.post("/action-items/{action_id}/updates",
             response={201: ActionItemUpdateOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH_REQUIRED, url_name="action_update_create")
def create_action_update(request, action_id: RecordId, payload: ActionItemUpdateIn):
    """Report progress on an action item you own (its member's coordinators and officials, its body's
    co-chairs, the RSO), optionally moving its status.

    404 when the action does not exist or you may not read it; 403 `permission_denied` when you may
    read it but do not own it.
    """
    user = request.auth
    action = _get_action(user, action_id)
    if not permissions.can_update_action(user, action):
        raise ApiError(403, "permission_denied", _("Only the action's owner can report progress on it."))
    update = action_progress(action=action, text=payload.text, status=payload.status or action.status, actor=user)
    return Status(201, update)

"""The secretariat hub: meetings, their agendas, delegations, documents and outcomes, and action items.

Every read goes through the one policy (`bphub.core.policy`), as on the web pages: a record you may
not read answers 404 `not_found`, exactly as a missing one, and so does everything hanging off a
meeting you may not read. Drafts are shown only to the people who run the meeting (the RSO, the
co-chairs of its body). Reads of one restricted or secretariat record are written to the audit log.
Unknown query parameters are refused (422), so a misspelt filter never returns everything.

The one write is a progress update on an action item, by its owner.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, field_validator

from bphub.api.auth import AUTH_OPTIONAL, AUTH_REQUIRED, OPTIONAL_SECURITY
from bphub.api.errors import ApiError
from bphub.api.pagination import PageNumberPagination
from bphub.api.routes.directory import refuse_unknown_params
from bphub.api.schemas import ErrorOut, LocalizedOut, display
from bphub.core import policy
from bphub.core.audit import audit_sensitive_read
from bphub.core.i18n import content_language_codes
from bphub.core.models import Classification
from bphub.directory.models import FocalPoint
from bphub.meetings import permissions
from bphub.meetings.models import (
    ActionItem,
    ActionItemUpdate,
    AgendaItem,
    AgendaSession,
    Delegate,
    Delegation,
    Document,
    Meeting,
    Outcome,
    zone,
)
from bphub.meetings.selectors.participation import delegations_for
from bphub.meetings.services.actions import action_progress

router = Router(tags=["meetings"], auth=AUTH_OPTIONAL)

TEXT_MAX_LENGTH = 5000


# --- reads through the policy (the meetings app's one version of each rule) -------------------
_meetings = permissions.meetings_visible_to
_documents = permissions.documents_visible_to
_outcomes = permissions.outcomes_visible_to
_actions = permissions.actions_visible_to
_get_meeting = permissions.get_meeting_or_404
_get_document = permissions.get_document_or_404
_get_action = permissions.get_action_or_404


def _day_start(day: date) -> datetime:
    """Midnight of `day` in the reader's zone (the API activates the token owner's)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _title_matches(q: str) -> Q:
    """`q` in any language version of the title (the values, never the JSON keys)."""
    condition = Q()
    for code in sorted(content_language_codes() | {code for code, _name in settings.LANGUAGES}):
        condition |= Q(**{f"title__{code}__icontains": q})
    return condition


def _invalid(field: str, reason: str, kind: str = "invalid") -> ApiError:
    return ApiError(422, "validation_error", _("The request is not valid."),
                    [{"location": "query", "field": field, "reason": reason, "type": kind}])


# --- output helpers ---------------------------------------------------------------------------
def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def _in_zone(value: datetime | None, name: str) -> datetime | None:
    return value.astimezone(zone(name)) if value is not None else None


def _page_url(obj, context) -> str:
    """The record's page on the hub, absolute."""
    return context["request"].build_absolute_uri(obj.get_absolute_url())


def _api_url(context, name: str, **kwargs) -> str:
    return context["request"].build_absolute_uri(reverse(f"api:{name}", kwargs=kwargs))


def _caller(context):
    return context["request"].auth


# --- meetings --------------------------------------------------------------------------------
class MeetingListItemOut(Schema):
    id: int
    title: dict[str, str]
    title_display: LocalizedOut
    kind: Meeting.Kind
    status: Meeting.Status
    series: str | None = Field(description="Series code.")
    number: int | None = Field(description="Number in the series.")
    group: str | None = Field(description="Code of the body whose meeting it is.")
    host: str | None = Field(description="Member code of the host; null when the RSO hosts it.")
    starts_at: datetime = Field(description="UTC.")
    ends_at: datetime = Field(description="UTC.")
    time_zone: str = Field(description="The host's IANA time zone, e.g. Asia/Bangkok.")
    classification: str
    url: str = Field(description="The meeting's page on the hub.")

    @staticmethod
    def resolve_title_display(obj, context):
        return display(obj.title, context)

    @staticmethod
    def resolve_series(obj):
        return obj.series.code if obj.series_id else None

    @staticmethod
    def resolve_group(obj):
        return obj.group.code if obj.group_id else None

    @staticmethod
    def resolve_host(obj):
        return obj.host.code if obj.host_id else None

    @staticmethod
    def resolve_starts_at(obj):
        return _utc(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj):
        return _utc(obj.ends_at)

    @staticmethod
    def resolve_url(obj, context):
        return _page_url(obj, context)


class MeetingOut(MeetingListItemOut):
    """A whole meeting, with its neighbours in the series that you may read."""

    venue: str
    online_url: str
    description: dict[str, str]
    description_display: LocalizedOut
    nomination_deadline: datetime | None = Field(description="UTC; nominations close then.")
    is_emergency: bool = Field(description="An emergency consultation of the Consultation Mechanism.")
    previous: int | None = Field(description="Id of the previous meeting in the series that you may read.")
    next: int | None = Field(description="Id of the next meeting in the series that you may read.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_description_display(obj, context):
        return display(obj.description, context)

    @staticmethod
    def resolve_nomination_deadline(obj):
        return _utc(obj.nomination_deadline)

    @staticmethod
    def resolve_previous(obj, context):
        return _neighbour(obj, _caller(context), before=True)

    @staticmethod
    def resolve_next(obj, context):
        return _neighbour(obj, _caller(context), before=False)


def _neighbour(meeting: Meeting, user, *, before: bool) -> int | None:
    if not meeting.series_id:
        return None
    same_series = _meetings(user).filter(series_id=meeting.series_id).exclude(pk=meeting.pk)
    if before:
        found = same_series.filter(
            Q(starts_at__lt=meeting.starts_at) | Q(starts_at=meeting.starts_at, pk__lt=meeting.pk)
        ).order_by("-starts_at", "-pk")
    else:
        found = same_series.filter(
            Q(starts_at__gt=meeting.starts_at) | Q(starts_at=meeting.starts_at, pk__gt=meeting.pk)
        ).order_by("starts_at", "pk")
    return found.values_list("pk", flat=True).first()


@router.get("/meetings", response=list[MeetingListItemOut], url_name="meeting_list", openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def meetings(
    request,
    kind: Meeting.Kind | None = None,
    status: Meeting.Status | None = None,
    group: str = Query("", description="Code of the body whose meetings, e.g. BPMC."),
    series: str = Query("", description="Series code."),
    host: str = Query("", description="Member code of the host."),
    date_from: date | None = Query(None, alias="from", description="YYYY-MM-DD: meetings that end on or after "
                                   "this day (in your time zone)."),
    date_to: date | None = Query(None, alias="to", description="YYYY-MM-DD: meetings that start on or before "
                                 "this day (in your time zone)."),
    q: str = Query("", description="Words of the title, in any language."),
):
    """The meetings you may read (anonymous callers: public ones), earliest first.

    Drafts are listed only for the people who run them (the RSO, the co-chairs of the meeting's body).
    Each item is the short form: fetch `GET /meetings/{meeting_id}` for the venue, link and description.
    """
    refuse_unknown_params(request, {"kind", "status", "group", "series", "host", "from", "to", "q"})
    if date_from and date_to and date_to < date_from:
        raise _invalid("to", _("The end day is before the start day."))
    found = _meetings(request.auth)
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    if group.strip():
        found = found.filter(group__code__iexact=group.strip())
    if series.strip():
        found = found.filter(series__code=series.strip())
    if host.strip():
        found = found.filter(host__code__iexact=host.strip())
    if date_from:
        found = found.filter(ends_at__gte=_day_start(date_from))
    if date_to:
        found = found.filter(starts_at__lt=_day_start(date_to + timedelta(days=1)))
    if q.strip():
        found = found.filter(_title_matches(q.strip()))
    return found.select_related("series", "group", "host").order_by("starts_at", "id")


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, 404: ErrorOut}, url_name="meeting_detail",
            openapi_extra=OPTIONAL_SECURITY)
def meeting(request, meeting_id: int):
    """One meeting; 404 when it does not exist or you may not read it. Reads of restricted and
    secretariat meetings are written to the audit log."""
    refuse_unknown_params(request, set())
    record = _get_meeting(request.auth, meeting_id)
    audit_sensitive_read(user=request.auth, record=record, request=request, via="api")
    return record


def _meeting_read(request, meeting_id: int) -> Meeting:
    """The meeting behind a sub-list (agenda, delegations, documents, outcomes), its read audited."""
    record = _get_meeting(request.auth, meeting_id)
    audit_sensitive_read(user=request.auth, record=record, request=request, via="api")
    return record


# --- agenda -----------------------------------------------------------------------------------
class AgendaItemOut(Schema):
    id: int
    title: dict[str, str]
    title_display: LocalizedOut
    starts_at: datetime | None = Field(description="UTC.")
    ends_at: datetime | None = Field(description="UTC.")
    starts_at_host: datetime | None = Field(description="The same instant in the host's time zone.")
    ends_at_host: datetime | None = Field(description="The same instant in the host's time zone.")
    presenters: str
    documents: list[int] = Field(description="Ids of the linked documents that you may read.")

    @staticmethod
    def resolve_title_display(obj, context):
        return display(obj.title, context)

    @staticmethod
    def resolve_starts_at(obj):
        return _utc(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj):
        return _utc(obj.ends_at)

    @staticmethod
    def resolve_starts_at_host(obj):
        return _in_zone(obj.starts_at, obj.session.meeting.time_zone)

    @staticmethod
    def resolve_ends_at_host(obj):
        return _in_zone(obj.ends_at, obj.session.meeting.time_zone)

    @staticmethod
    def resolve_documents(obj, context):
        shown = context["request"]._shown_documents
        return [document.pk for document in obj.documents.all() if document.pk in shown]


class AgendaSessionOut(Schema):
    id: int
    title: dict[str, str]
    title_display: LocalizedOut
    starts_at: datetime = Field(description="UTC.")
    ends_at: datetime = Field(description="UTC.")
    starts_at_host: datetime = Field(description="The same instant in the host's time zone.")
    ends_at_host: datetime = Field(description="The same instant in the host's time zone.")
    room: str
    items: list[AgendaItemOut]

    @staticmethod
    def resolve_title_display(obj, context):
        return display(obj.title, context)

    @staticmethod
    def resolve_starts_at(obj):
        return _utc(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj):
        return _utc(obj.ends_at)

    @staticmethod
    def resolve_starts_at_host(obj):
        return _in_zone(obj.starts_at, obj.meeting.time_zone)

    @staticmethod
    def resolve_ends_at_host(obj):
        return _in_zone(obj.ends_at, obj.meeting.time_zone)

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class AgendaOut(Schema):
    meeting: int
    time_zone: str = Field(description="The host's IANA time zone; `*_host` times are given in it.")
    sessions: list[AgendaSessionOut]


@router.get("/meetings/{meeting_id}/agenda", response={200: AgendaOut, 404: ErrorOut}, url_name="meeting_agenda",
            openapi_extra=OPTIONAL_SECURITY)
def agenda(request, meeting_id: int):
    """The timetable: sessions and their items in order, each time in UTC and in the host's zone,
    with the presenters and the linked documents you may read. 404 when you may not read the meeting."""
    refuse_unknown_params(request, set())
    record = _meeting_read(request, meeting_id)
    sessions = list(
        AgendaSession.objects.filter(meeting=record).order_by("starts_at", "position", "id").prefetch_related(
            Prefetch("items", queryset=AgendaItem.objects.order_by("position", "starts_at", "id")),
            Prefetch("items__documents", queryset=Document.objects.only("id")),
        )
    )
    linked = {document.pk for session in sessions for item in session.items.all() for document in item.documents.all()}
    request._shown_documents = (
        set(_documents(request.auth).filter(pk__in=linked).values_list("pk", flat=True)) if linked else set()
    )
    for session in sessions:
        session.meeting = record
        for item in session.items.all():
            item.session = session
    return {"meeting": record.pk, "time_zone": record.time_zone, "sessions": sessions}


# --- delegations ------------------------------------------------------------------------------
class DelegateOut(Schema):
    name: str | None = Field(description="Null when you may not read the person's directory record.")
    role: Delegate.Role

    @staticmethod
    def resolve_name(obj, context):
        return obj.focal_point.full_name if obj.focal_point_id in context["request"]._shown_people else None


class DelegationOut(Schema):
    id: int
    member: str = Field(description="Member code.")
    member_name_display: LocalizedOut
    status: Delegation.Status
    people: list[DelegateOut] = Field(description="Head of delegation first; never contact details.")

    @staticmethod
    def resolve_member(obj):
        return obj.member.code

    @staticmethod
    def resolve_member_name_display(obj, context):
        return display(obj.member.name, context)

    @staticmethod
    def resolve_people(obj):
        return list(obj.delegates.all())


@router.get("/meetings/{meeting_id}/delegations", response={200: list[DelegationOut], 404: ErrorOut},
            url_name="meeting_delegations", openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def delegations(request, meeting_id: int):
    """The delegations to a meeting, by member code: approved ones for everyone who may read the
    meeting; a coordinator also sees their own member's in any status, and the people who run the
    meeting see all. Names only, no contact details. 404 when you may not read the meeting."""
    refuse_unknown_params(request, set())
    record = _meeting_read(request, meeting_id)
    found = delegations_for(request.auth, record)
    people = Delegate.objects.filter(delegation__in=found.values("pk")).values("focal_point_id")
    request._shown_people = set(
        policy.visible_to(FocalPoint.objects.filter(pk__in=people), request.auth).values_list("pk", flat=True)
    )
    return found


# --- documents --------------------------------------------------------------------------------
class DocumentOut(Schema):
    id: int
    meeting: int | None = Field(description="Id of the meeting it belongs to.")
    group: str | None = Field(description="Code of the body it belongs to.")
    doc_type: Document.Type
    title: dict[str, str]
    title_display: LocalizedOut
    language: str
    classification: str
    is_key: bool = Field(description="Included in pre-briefing packs.")
    version: int | None = Field(description="Number of the current version.")
    size: int | None = Field(description="Bytes of the current version.")
    content_type: str | None = Field(description="As checked from the content, not the name.")
    file_name: str | None
    download_url: str | None = Field(description="The current version's file (null when there is none).")
    url: str = Field(description="The document's page on the hub.")
    updated_at: datetime

    @staticmethod
    def resolve_meeting(obj):
        return obj.meeting_id

    @staticmethod
    def resolve_group(obj):
        return obj.group.code if obj.group_id else None

    @staticmethod
    def resolve_title_display(obj, context):
        return display(obj.title, context)

    @staticmethod
    def resolve_version(obj):
        return obj.current_version.number if obj.current_version_id else None

    @staticmethod
    def resolve_size(obj):
        return obj.current_version.size if obj.current_version_id else None

    @staticmethod
    def resolve_content_type(obj):
        return obj.current_version.content_type if obj.current_version_id else None

    @staticmethod
    def resolve_file_name(obj):
        return obj.current_version.original_name if obj.current_version_id else None

    @staticmethod
    def resolve_download_url(obj, context):
        if not obj.current_version_id:
            return None
        return _api_url(context, "document_download", document_id=obj.pk)

    @staticmethod
    def resolve_url(obj, context):
        return _page_url(obj, context)


@router.get("/meetings/{meeting_id}/documents", response={200: list[DocumentOut], 404: ErrorOut},
            url_name="meeting_documents", openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def meeting_documents(request, meeting_id: int):
    """The meeting's documents that you may read (approved participants read them all but the
    secretariat's), by type. 404 when you may not read the meeting."""
    refuse_unknown_params(request, set())
    record = _meeting_read(request, meeting_id)
    return (
        _documents(request.auth).filter(meeting=record).select_related("group", "current_version")
        .order_by("doc_type", "id")
    )


@router.get("/documents/{document_id}", response={200: DocumentOut, 404: ErrorOut}, url_name="document_detail",
            openapi_extra=OPTIONAL_SECURITY)
def document(request, document_id: int):
    """One document's metadata; 404 when it does not exist or you may not read it. Reads of
    restricted and secretariat documents are written to the audit log."""
    refuse_unknown_params(request, set())
    record = _get_document(request.auth, document_id)
    audit_sensitive_read(user=request.auth, record=record, request=request, via="api")
    return record


DOWNLOAD_OPENAPI = {
    **OPTIONAL_SECURITY,
    "responses": {200: {"description": "The file of the current version, as an attachment.",
                        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
}


@router.get("/documents/{document_id}/download", response={404: ErrorOut}, url_name="document_download",
            openapi_extra=DOWNLOAD_OPENAPI)
def document_download(request, document_id: int):
    """The current version's file, as an attachment; 404 when the document does not exist, has no
    file, or you may not read it. Downloads of restricted and secretariat documents are audited."""
    refuse_unknown_params(request, set())
    record = _get_document(request.auth, document_id)
    version = record.current_version
    if version is None:
        raise Http404
    audit_sensitive_read(user=request.auth, record=record, request=request, via="api")
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.original_name,
                            content_type=version.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- outcomes ---------------------------------------------------------------------------------
class OutcomeOut(Schema):
    id: int
    meeting: int
    kind: Outcome.Kind
    text: dict[str, str]
    text_display: LocalizedOut
    classification: str
    position: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_meeting(obj):
        return obj.meeting_id

    @staticmethod
    def resolve_text_display(obj, context):
        return display(obj.text, context)


@router.get("/meetings/{meeting_id}/outcomes", response={200: list[OutcomeOut], 404: ErrorOut},
            url_name="meeting_outcomes", openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def outcomes(request, meeting_id: int):
    """The meeting's decisions, recommendations, co-chairs' statements and minutes that you may
    read, in order, once the meeting's outcomes are published (before, for the people who run it
    only). 404 when you may not read the meeting. Reads of restricted and secretariat
    outcomes are written to the audit log."""
    refuse_unknown_params(request, set())
    record = _meeting_read(request, meeting_id)
    found = _outcomes(request.auth).filter(meeting=record).order_by("position", "id")  # published, or yours to run
    for outcome in found.filter(classification__in=[Classification.RESTRICTED, Classification.SECRETARIAT]):
        audit_sensitive_read(user=request.auth, record=outcome, request=request, via="api")
    return found


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
    meeting: int | None = Query(None, description="Id of the meeting that agreed them."),
    series: str = Query("", description="Series code of that meeting."),
    due_before: date | None = Query(None, description="YYYY-MM-DD: due before this day (not on it)."),
):
    """The action items you may read (anonymous callers: public ones), soonest due first."""
    refuse_unknown_params(request, {"owner", "status", "overdue", "meeting", "series", "due_before"})
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
def action_item(request, action_id: int):
    """One action item with its updates; 404 when it does not exist or you may not read it. Reads of
    restricted and secretariat actions are written to the audit log."""
    refuse_unknown_params(request, set())
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
def create_action_update(request, action_id: int, payload: ActionItemUpdateIn):
    """Report progress on an action item you own (its member's coordinators and officials, its body's
    co-chairs, the RSO), optionally moving its status.

    404 when the action does not exist or you may not read it; 403 `permission_denied` when you may
    read it but do not own it.
    """
    refuse_unknown_params(request, set())
    user = request.auth
    action = _get_action(user, action_id)
    if not permissions.can_update_action(user, action):
        raise ApiError(403, "permission_denied", _("Only the action's owner can report progress on it."))
    update = action_progress(action=action, text=payload.text, status=payload.status or action.status, actor=user)
    return Status(201, update)

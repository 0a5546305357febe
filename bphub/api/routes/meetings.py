"""The secretariat hub: meetings, their agendas, delegations and outcomes (documents in `documents`,
action items in `actions`, both read through the helpers below).

Every read goes through the one policy (`bphub.core.policy`), as on the web pages: a record you may
not read answers 404 `not_found`, exactly as a missing one, and so does everything hanging off a
meeting you may not read. Drafts are shown only to the people who run the meeting (the RSO, the
co-chairs of its body). Reads of one restricted or secretariat record are written to the audit log.
Unknown query parameters are refused (422), so a misspelt filter never returns everything.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from bphub.api.auth import AUTH_OPTIONAL, OPTIONAL_SECURITY
from bphub.api.errors import ApiError
from bphub.api.pagination import PageNumberPagination
from bphub.api.schemas import ErrorOut, LocalizedOut, display
from bphub.api.types import Day, RecordId
from bphub.core import policy
from bphub.core.audit import audit_sensitive_read
from bphub.core.i18n import content_language_codes
from bphub.core.models import Classification
from bphub.directory.models import FocalPoint
from bphub.meetings import permissions
from bphub.meetings.models import (
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

router = Router(tags=["meetings"], auth=AUTH_OPTIONAL)


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
    date_from: Day | None = Query(None, alias="from", description="YYYY-MM-DD: meetings that end on or after "
                                   "this day (in your time zone)."),
    date_to: Day | None = Query(None, alias="to", description="YYYY-MM-DD: meetings that start on or before "
                                 "this day (in your time zone)."),
    q: str = Query("", description="Words of the title, in any language."),
):
    """The meetings you may read (anonymous callers: public ones), earliest first.

    Drafts are listed only for the people who run them (the RSO, the co-chairs of the meeting's body).
    Each item is the short form: fetch `GET /meetings/{meeting_id}` for the venue, link and description.
    """
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
def meeting(request, meeting_id: RecordId):
    """One meeting; 404 when it does not exist or you may not read it. Reads of restricted and
    secretariat meetings are written to the audit log."""
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
def agenda(request, meeting_id: RecordId):
    """The timetable: sessions and their items in order, each time in UTC and in the host's zone,
    with the presenters and the linked documents you may read. 404 when you may not read the meeting."""
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
def delegations(request, meeting_id: RecordId):
    """The delegations to a meeting, by member code: approved ones for everyone who may read the
    meeting; a coordinator also sees their own member's in any status, and the people who run the
    meeting see all. Names only, no contact details. 404 when you may not read the meeting."""
    record = _meeting_read(request, meeting_id)
    found = delegations_for(request.auth, record)
    people = Delegate.objects.filter(delegation__in=found.values("pk")).values("focal_point_id")
    request._shown_people = set(
        policy.visible_to(FocalPoint.objects.filter(pk__in=people), request.auth).values_list("pk", flat=True)
    )
    return found


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
def outcomes(request, meeting_id: RecordId):
    """The meeting's decisions, recommendations, co-chairs' statements and minutes that you may
    read, in order, once the meeting's outcomes are published (before, for the people who run it
    only). 404 when you may not read the meeting. Reads of restricted and secretariat
    outcomes are written to the audit log."""
    record = _meeting_read(request, meeting_id)
    found = _outcomes(request.auth).filter(meeting=record).order_by("position", "id")  # published, or yours to run
    for outcome in found.filter(classification__in=[Classification.RESTRICTED, Classification.SECRETARIAT]):
        audit_sensitive_read(user=request.auth, record=outcome, request=request, via="api")
    return found

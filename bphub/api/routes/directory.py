"""The stakeholder map: agencies and focal points, read through the one policy as on the web pages.

Emails and phones come only to people who act for a member or the RSO (`can_see_contacts`); for
everyone else (the public, researchers, alumni) they are null. Reads of one restricted or
secretariat record are written to the audit log. Unknown query parameters are refused (422), so a
misspelt filter never silently returns the whole directory.
"""

from datetime import date, datetime
from typing import Literal

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from bphub.api.auth import AUTH_OPTIONAL, OPTIONAL_SECURITY
from bphub.api.errors import ApiError
from bphub.api.pagination import PageNumberPagination
from bphub.api.schemas import ErrorOut, LocalizedOut, display
from bphub.api.types import RecordId
from bphub.core.audit import audit_sensitive_read
from bphub.core.ids import parse_id
from bphub.directory.models import AgencyKind, Email, FocalPointRole, Freshness, Phone, RoleKind
from bphub.directory.permissions import (
    can_manage_member,
    can_see_contacts,
    get_agency_for_view,
    get_focal_point_for_view,
    hidden_agency_ids,
    shown_agency,
)
from bphub.directory.selectors import (
    DirectoryFilter,
    agency_search,
    focal_point_page_shape,
    focal_point_search,
    focal_points_in_name_order,
)
from bphub.members.models import SubRegion

router = Router(tags=["directory"], auth=AUTH_OPTIONAL)

FreshnessParam = Literal["up_to_date", "due", "overdue", "delinquent", "stale", "never_confirmed"]
CONTACTS_ATTR = "_directory_with_contacts"


# --- input checks ------------------------------------------------------------------------------
def sub_region_id(value: str) -> str:
    """A sub-region given by name (as /members takes it, any case) or id, as the id DirectoryFilter wants.

    An unknown sub-region matches nothing (like an unknown member code), rather than everything.
    """
    value = value.strip()
    if not value:
        return value
    if value.isdigit():
        return str(parse_id(value) or 0)  # an id past the database's range matches nothing
    found = SubRegion.objects.filter(name__iexact=value).values_list("pk", flat=True).first()
    return str(found) if found else "0"


# --- output ----------------------------------------------------------------------------------
def _with_contacts(context) -> bool:
    return bool(getattr(context["request"], CONTACTS_ATTR, False))


def _caller(context):
    return context["request"].auth


class EmailOut(Schema):
    address: str
    is_primary: bool
    bounced: bool = Field(description="The last message to it bounced.")

    @staticmethod
    def resolve_bounced(obj):
        return obj.bounced_at is not None


class PhoneOut(Schema):
    number: str = Field(description="E.164, e.g. +6621234567.")
    kind: str
    is_primary: bool


class RoleOut(Schema):
    kind: RoleKind
    label: str
    working_group: str | None = Field(None, description="Body code, for working-group focal points.")
    theme: str | None = Field(None, description="Theme code, for thematic focal points.")
    valid_from: date | None
    valid_to: date | None = Field(None, description="Set when the role ended; ended roles are kept.")

    @staticmethod
    def resolve_label(obj, context):
        label = str(RoleKind(obj.kind).label)
        if obj.body_id:
            return f"{label}: {obj.body.code}"
        if obj.theme_id:
            return f"{label}: {display(obj.theme.name, context)['text']}"
        return label

    @staticmethod
    def resolve_working_group(obj):
        return obj.body.code if obj.body_id else None

    @staticmethod
    def resolve_theme(obj):
        return obj.theme.code if obj.theme_id else None


class ReviewOut(Schema):
    """How accurate the record is: its freshness state and review schedule."""

    freshness: Freshness = Field(description="up_to_date → due → overdue (+30 days) → delinquent (+60 days).")
    review_due_on: date | None
    last_confirmed_at: datetime | None = Field(description="Null: never confirmed.")
    last_confirmed_via: str = Field(description="import, link, coordinator, rso or proposal; empty if never.")


class AgencyOut(ReviewOut):
    id: int
    member: str = Field(description="Member code.")
    name: dict[str, str] = Field(description="English and the agency's own language/script.")
    name_display: LocalizedOut
    acronym: str
    kind: AgencyKind
    themes: list[str] = Field(description="Codes of the themes it holds a mandate for.")
    website: str
    parent: int | None = Field(description="Id of the parent agency (null when you may not see it).")
    trusted_domains: list[str] = Field(description="Email domains on which addresses may be verified automatically; "
                                       "empty unless you manage the member's directory.")
    classification: str

    @staticmethod
    def resolve_member(obj):
        return obj.member.code

    @staticmethod
    def resolve_name_display(obj, context):
        return display(obj.name, context)

    @staticmethod
    def resolve_themes(obj):
        return sorted(theme.code for theme in obj.themes.all())

    @staticmethod
    def resolve_parent(obj, context):
        if obj.parent_id in hidden_agency_ids(_caller(context)):
            return None
        return obj.parent_id

    @staticmethod
    def resolve_trusted_domains(obj, context):
        if not can_manage_member(_caller(context), obj.member):
            return []
        return sorted(obj.trusted_domains)


class AgencyRefOut(Schema):
    id: int
    acronym: str
    name_display: LocalizedOut

    @staticmethod
    def resolve_name_display(obj, context):
        return display(obj.name, context)


class FocalPointListItemOut(ReviewOut):
    id: int
    full_name: str = Field(description="Name in Latin script.")
    local_name: str = Field(description="Name in the person's own script.")
    title: str
    member: str = Field(description="Member code.")
    agency: AgencyRefOut | None = Field(description="Null when there is none or you may not see it.")
    roles: list[RoleOut] = Field(description="Current roles.")
    is_verified: bool
    classification: str
    emails: list[EmailOut] | None = Field(
        None, description="Primary first. Null unless you act for a member or the RSO (never for the public)."
    )
    phones: list[PhoneOut] | None = Field(None, description="Primary first. Null like `emails`.")

    @staticmethod
    def resolve_member(obj):
        return obj.member.code

    @staticmethod
    def resolve_agency(obj, context):
        return shown_agency(_caller(context), obj)

    @staticmethod
    def resolve_roles(obj):
        if hasattr(obj, "current_roles"):  # prefetched by focal_point_page_shape
            return obj.current_roles
        return [role for role in obj.roles.all() if role.is_current]

    @staticmethod
    def resolve_emails(obj, context):
        return list(obj.emails.all()) if _with_contacts(context) else None

    @staticmethod
    def resolve_phones(obj, context):
        return list(obj.phones.all()) if _with_contacts(context) else None


class FocalPointOut(FocalPointListItemOut):
    """One person, with every role they held (ended ones under `past_roles`)."""

    past_roles: list[RoleOut]
    preferred_language: str
    time_zone: str
    verified_until: date | None = Field(description="Verification expires a year after a nomination or domain check.")
    last_sign_of_life_at: datetime | None = Field(description="Attended a meeting or opened an invitation; "
                                                  "never counts as a confirmation.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_roles(obj):
        return [role for role in obj.roles.all() if role.is_current]

    @staticmethod
    def resolve_past_roles(obj):
        return [role for role in obj.roles.all() if not role.is_current]


# --- agencies -------------------------------------------------------------------------------
@router.get("/agencies", response=list[AgencyOut], url_name="agency_list", openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def agencies(
    request,
    member: str = Query("", description="Member code, e.g. TH."),
    sub_region: str = Query("", description="Sub-region name (e.g. \"South-eastern Asia\") or id."),
    kind: AgencyKind | None = None,
    theme: str = Query("", description="Theme code: agencies with a mandate for it."),
    q: str = Query("", description="Words of the name or acronym, in any script."),
):
    """The agencies you may see (anonymous callers: public ones), by member and acronym."""
    found = agency_search(request.auth, q=q, member=member, kind=kind or "", theme=theme)
    if sub_region:
        found = found.filter(member__sub_region_id=sub_region_id(sub_region))
    return found.prefetch_related("themes")


@router.get("/agencies/{agency_id}", response={200: AgencyOut, 404: ErrorOut}, url_name="agency_detail",
            openapi_extra=OPTIONAL_SECURITY)
def agency(request, agency_id: RecordId):
    """One agency; 404 when it does not exist or you may not see it. Reads of restricted and
    secretariat records are written to the audit log."""
    record = get_agency_for_view(request.auth, agency_id)
    audit_sensitive_read(user=request.auth, record=record, request=request, via="api")
    return record


# --- focal points ---------------------------------------------------------------------------
@router.get("/focal-points", response=list[FocalPointListItemOut], url_name="focal_point_list",
            openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def focal_points(
    request,
    member: str = Query("", description="Member code, e.g. TH."),
    sub_region: str = Query("", description="Sub-region name (e.g. \"South-eastern Asia\") or id."),
    theme: str = Query("", description="Theme code: a thematic focal point for it, or in an agency mandated for it."),
    role: RoleKind | None = Query(None, description="A current role."),
    working_group: str = Query("", description="Body code: focal points for that working group."),
    agency: RecordId | None = Query(None, description="Agency id."),
    agency_kind: AgencyKind | None = None,
    stale: bool | None = Query(None, description="true: review due or later; false: up to date."),
    freshness: FreshnessParam | None = Query(None, description="One freshness state, \"stale\" (due or later) "
                                             "or \"never_confirmed\"."),
    q: str = Query("", description="Part of a name in any script, case and diacritics ignored (e.g. \"nguyen\", "
                   "\"สม\", \"小明\"); Thai and Latin find each other through the Royal Thai romanisation "
                   "(\"สมชาย\" finds Somchai, \"somchai\" finds สมชาย)."),
):
    """The focal points you may see (anonymous callers: public records only, never contact details),
    ordered by name. Each gives its current roles and freshness; fetch one for past roles too."""
    if stale is not None and freshness:
        raise ApiError(422, "validation_error", _("The request is not valid."), [
            {"location": "query", "field": "stale", "reason": _("Give either stale or freshness, not both."),
             "type": "conflict"}])
    state = freshness or ("" if stale is None else "stale" if stale else Freshness.UP_TO_DATE)
    flt = DirectoryFilter(
        q=q, member=member, sub_region=sub_region_id(sub_region), theme=theme, role=role or "",
        body=working_group, agency=str(agency or ""), agency_kind=agency_kind or "", freshness=state,
    )
    with_contacts = can_see_contacts(request.auth)
    setattr(request, CONTACTS_ATTR, with_contacts)
    matching = focal_point_search(request.auth, flt)
    if not q:
        return focal_point_page_shape(matching, with_contacts=with_contacts)
    total = matching.count()
    page = focal_point_page_shape(focal_points_in_name_order(matching, q=q, total=total), with_contacts=with_contacts)
    page.known_count = total  # the paginator's count, already taken
    return page


@router.get("/focal-points/{focal_point_id}", response={200: FocalPointOut, 404: ErrorOut},
            url_name="focal_point_detail", openapi_extra=OPTIONAL_SECURITY)
def focal_point(request, focal_point_id: RecordId):
    """One focal point with current and past roles; 404 when it does not exist or you may not see it.
    Reads of restricted and secretariat records are written to the audit log."""
    record = get_focal_point_for_view(request.auth, focal_point_id)
    with_contacts = can_see_contacts(request.auth, record)
    setattr(request, CONTACTS_ATTR, with_contacts)
    prefetch_related_objects(
        [record],
        Prefetch("roles", queryset=FocalPointRole.objects.select_related("body", "theme").order_by("kind", "id")),
        *([Prefetch("emails", queryset=Email.objects.order_by("-is_primary", "id")),
           Prefetch("phones", queryset=Phone.objects.order_by("-is_primary", "id"))] if with_contacts else []),
    )
    audit_sensitive_read(user=request.auth, record=record, request=request, via="api")
    return record

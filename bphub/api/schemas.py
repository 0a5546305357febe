"""What the API reads and writes. Input schemas refuse unknown fields (extra="forbid")."""

from datetime import date, datetime
from typing import Any

from django.utils.translation import get_language
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from bphub.core.i18n import content_language_codes, localize
from bphub.core.models import Classification
from bphub.knowledge.models import Resource


def content_language(request) -> str:
    """The language to pick multilingual texts in: ?lang=, else Accept-Language, else the active one.

    Any content language counts (not only the interface languages), so ?lang=vi works.
    """
    cached = getattr(request, "_api_content_language", None)
    if cached:
        return cached
    codes = content_language_codes()
    wanted = None
    requested = (request.GET.get("lang") or "").strip().lower()
    if requested in codes or requested.split("-")[0] in codes:
        wanted = requested
    else:
        for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
            code = code.lower()
            if code in codes or code.split("-")[0] in codes:
                wanted = code
                break
    wanted = wanted or get_language() or "en"
    request._api_content_language = wanted
    return wanted


def _language(context) -> str:
    request = (context or {}).get("request")
    return content_language(request) if request is not None else (get_language() or "en")


class LocalizedOut(Schema):
    text: str
    language: str
    is_fallback: bool


def display(value: dict, context) -> dict:
    picked = localize(value, _language(context))
    return {"text": picked.text, "language": picked.language, "is_fallback": picked.is_fallback}


class ErrorDetail(Schema):
    location: str = Field(description="body, query, path, header…")
    field: str
    reason: str
    type: str


class ErrorOut(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. not_found, validation_error.")
    message: str
    details: list[ErrorDetail] | None = None


# --- People -----------------------------------------------------------------------------------
class MeOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    member: str | None = Field(None, description="Code of the member the person acts for.")
    language: str
    time_zone: str
    authenticated_by: str | None = Field(None, description='"token" or "session".')

    @staticmethod
    def resolve_member(obj):
        return obj.member.code if obj.member_id else None

    @staticmethod
    def resolve_authenticated_by(obj, context):
        return getattr(context["request"], "api_auth_method", None)


# --- Reference data ----------------------------------------------------------------------------
class MemberOut(Schema):
    code: str
    name: dict[str, str]
    name_display: LocalizedOut
    kind: str
    standing: str
    country: str
    sub_region: str | None
    is_confirmed: bool

    @staticmethod
    def resolve_name_display(obj, context):
        return display(obj.name, context)

    @staticmethod
    def resolve_country(obj):
        return str(obj.country.code or "") if obj.country else ""

    @staticmethod
    def resolve_sub_region(obj):
        return obj.sub_region.name if obj.sub_region_id else None


class MemberSeatOut(Schema):
    body: str
    body_name_display: LocalizedOut
    role: str
    valid_from: date | None
    valid_to: date | None
    period: str

    @staticmethod
    def resolve_body(obj):
        return obj.body.code

    @staticmethod
    def resolve_body_name_display(obj, context):
        return display(obj.body.name, context)

    @staticmethod
    def resolve_period(obj):
        return obj.period_label


class MemberDetailOut(MemberOut):
    seats: list[MemberSeatOut] = Field(description="Every seat the member held or holds, past ones included.")

    @staticmethod
    def resolve_seats(obj):
        return list(obj.seats.all())


class BodyOut(Schema):
    code: str
    name: dict[str, str]
    name_display: LocalizedOut
    kind: str
    established: str
    is_confidential: bool
    is_confirmed: bool

    @staticmethod
    def resolve_name_display(obj, context):
        return display(obj.name, context)


class SeatOut(Schema):
    member: str
    member_name_display: LocalizedOut
    role: str
    valid_from: date | None
    valid_to: date | None
    period: str
    is_confirmed: bool

    @staticmethod
    def resolve_member(obj):
        return obj.member.code

    @staticmethod
    def resolve_member_name_display(obj, context):
        return display(obj.member.name, context)

    @staticmethod
    def resolve_period(obj):
        return obj.period_label


class ThemeOut(Schema):
    code: str
    name: dict[str, str]
    name_display: LocalizedOut
    source: str

    @staticmethod
    def resolve_name_display(obj, context):
        return display(obj.name, context)


# --- Resources ---------------------------------------------------------------------------------
class ResourceListItemOut(Schema):
    """A resource as the list shows it: no summary or link. Those are read one record at a time,
    through the detail route, where reads of restricted and secretariat records are audited."""

    id: int
    title: dict[str, str]
    title_display: LocalizedOut
    kind: str
    published_on: date | None
    classification: str
    originator: str | None = Field(description="Member code; null when the RSO originated it.")
    body: str | None = Field(description="Body code, for body-level records.")
    themes: list[str] = Field(description="Theme codes.")

    @staticmethod
    def resolve_title_display(obj, context):
        return display(obj.title, context)

    @staticmethod
    def resolve_originator(obj):
        return obj.originator.code if obj.originator_id else None

    @staticmethod
    def resolve_body(obj):
        return obj.body.code if obj.body_id else None

    @staticmethod
    def resolve_themes(obj):
        return [theme.code for theme in obj.themes.all()]


class ResourceOut(ResourceListItemOut):
    """A whole resource, with its summary and link."""

    summary: dict[str, str]
    summary_display: LocalizedOut
    url: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_summary_display(obj, context):
        return display(obj.summary, context)


def _check_languages(value: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(value) - content_language_codes())
    if unknown:
        raise ValueError(f"unknown language code(s): {', '.join(unknown)}")
    return {code: text.strip() for code, text in value.items() if text and text.strip()}


class ResourceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: dict[str, str] = Field(
        description='One text per language code, e.g. {"en": "…", "th": "…"}; English required.'
    )
    summary: dict[str, str] = Field(default_factory=dict)
    kind: Resource.Kind
    url: str = ""
    published_on: date | None = None
    classification: Classification = Classification.MEMBERS
    body: str | None = Field(None, description="Body code; required for classification \"body\".")
    released_to: list[str] = Field(default_factory=list, description="Member codes, for restricted records.")
    themes: list[str] = Field(default_factory=list, description="Theme codes.")

    @field_validator("title")
    @classmethod
    def title_has_english(cls, value: dict[str, str]) -> dict[str, str]:
        value = _check_languages(value)
        if not value.get("en"):
            raise ValueError("give at least the English text (\"en\")")
        return value

    @field_validator("summary")
    @classmethod
    def summary_languages(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_languages(value)


# --- Tokens ------------------------------------------------------------------------------------
class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    status: str = Field(description='"active", "expired" or "revoked".')


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown this once only: store it now.")


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    days: int | None = Field(None, ge=1, description="Days until it expires (default and maximum set by the site).")


# --- Audit -------------------------------------------------------------------------------------
class AuditEventOut(Schema):
    id: int
    occurred_at: datetime
    actor_email: str
    verb: str
    target_type: str
    target_id: str
    target_label: str
    ip_address: str | None
    data: dict[str, Any]

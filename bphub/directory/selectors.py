"""Reads of the directory: search and filters, always through the policy.

`DirectoryFilter` is the one description of a directory query; the list page, the API, exports
and saved engagement lists all use it, so a saved list stays current as the directory changes.
"""

from dataclasses import asdict, dataclass, fields

from django.db.models import CharField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat

from bphub.core.ids import parse_id
from bphub.directory.models import (
    Agency,
    Email,
    FocalPointRole,
    Freshness,
    Phone,
    RoleKind,
    directory_today,
    freshness_filter,
)
from bphub.directory.permissions import agencies_visible_to, focal_points_visible_to, hidden_agency_ids
from bphub.directory.text import MIN_INDEXED_TERM, query_terms, search_text_filter

FRESHNESS_FILTERS = {*Freshness.values, "stale", "never_confirmed"}


@dataclass
class DirectoryFilter:
    q: str = ""
    member: str = ""  # member code
    sub_region: str = ""  # sub-region id
    theme: str = ""  # theme code: thematic role for it, or an agency mandated for it
    role: str = ""  # RoleKind value
    body: str = ""  # working-group code (with role=working_group, or alone)
    agency_kind: str = ""
    agency: str = ""  # agency id
    freshness: str = ""  # a Freshness value, "stale" or "never_confirmed"
    engageable: bool = False  # leave out delinquent records (engagement lists)

    @classmethod
    def from_params(cls, params) -> "DirectoryFilter":
        """From a QueryDict or dict; unknown keys ignored, values trimmed."""
        values = {}
        for field in fields(cls):
            raw = params.get(field.name)
            if raw in (None, ""):
                continue
            if field.type is bool or field.type == "bool":
                values[field.name] = str(raw).lower() in {"1", "true", "on", "yes"}
            else:
                values[field.name] = str(raw).strip()[:200]
        return cls(**values)

    def as_params(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", False)}

    @property
    def is_empty(self) -> bool:
        return not self.as_params()


def _current_roles_q(today) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))


def focal_point_search(user, flt: DirectoryFilter) -> QuerySet:
    """The focal points `user` may see that match `flt`, ordered by name.

    The agency conditions (agency, agency kind, a theme through an agency's mandate) match only
    through agencies `user` may see, so a filter never tells of a hidden agency or its mandate.
    """
    today = directory_today()
    hidden = hidden_agency_ids(user)
    qs = focal_points_visible_to(user).filter(is_active=True)
    if flt.q:
        qs = qs.filter(search_text_filter(flt.q))
    if flt.member:
        qs = qs.filter(member__code=flt.member.upper())
    if flt.sub_region:
        sub_region_id = parse_id(flt.sub_region)
        qs = qs.filter(member__sub_region_id=sub_region_id) if sub_region_id else qs.none()
    if flt.agency:
        agency_id = parse_id(flt.agency)
        qs = qs.filter(agency_id=agency_id) if agency_id and agency_id not in hidden else qs.none()
    if flt.agency_kind:
        qs = qs.filter(agency__kind=flt.agency_kind)
        if hidden:
            qs = qs.exclude(agency_id__in=hidden)
    roles = FocalPointRole.objects.filter(_current_roles_q(today), focal_point=OuterRef("pk"))
    if flt.role:
        roles = roles.filter(kind=flt.role)
    if flt.body:
        roles = roles.filter(body__code=flt.body.upper())
    if flt.role or flt.body:
        qs = qs.filter(Exists(roles))
    if flt.theme:
        thematic = FocalPointRole.objects.filter(
            _current_roles_q(today), focal_point=OuterRef("pk"), kind=RoleKind.THEMATIC, theme__code=flt.theme
        )
        mandated = Agency.themes.through.objects.filter(agency_id=OuterRef("agency_id"), theme__code=flt.theme)
        if hidden:
            mandated = mandated.exclude(agency_id__in=hidden)
        qs = qs.filter(Exists(thematic) | Exists(mandated))
    if flt.freshness == "never_confirmed":
        qs = qs.filter(last_confirmed_at__isnull=True)
    elif flt.freshness in FRESHNESS_FILTERS:
        qs = qs.filter(freshness_filter(flt.freshness, today))
    if flt.engageable:
        qs = qs.exclude(freshness_filter(Freshness.DELINQUENT, today))
    return qs.order_by("full_name", "id")


# Up to this many matches, reading them all through the trigram index and sorting is faster than
# walking the name index until a page of matches turns up (measured at 100,000 people: "som", 1,004
# matches late in the alphabet, 54 ms by the name index, 3 ms sorted; "an", 28,663 matches, 2 ms by
# the name index, 93 ms sorted). PostgreSQL's estimate of a trigram match cannot tell the two apart.
SORT_MATCHES_UP_TO = 3000


def focal_points_in_name_order(qs: QuerySet, *, q: str, total: int) -> QuerySet:
    """`qs` (from focal_point_search) in the same name order, read the faster way for `total` matches.

    Ordering by an expression of the name keeps PostgreSQL off the name index (same order, same
    collation); that only pays when every term can use the trigram index and the matches are few.
    """
    terms = query_terms(q)
    if terms and total <= SORT_MATCHES_UP_TO and min(len(term) for term in terms) >= MIN_INDEXED_TERM:
        return qs.order_by(Concat(F("full_name"), Value(""), output_field=CharField()), "id")
    return qs


def focal_point_page_shape(qs: QuerySet, *, with_contacts: bool) -> QuerySet:
    """What a list row shows: member, agency, current roles, and contacts when allowed."""
    today = directory_today()
    # Member and agency are read for the page only, not joined: with thousands of matches the join
    # before the sort cost more than the sort.
    qs = qs.prefetch_related(
        "member",
        "agency",
        Prefetch(
            "roles",
            queryset=FocalPointRole.objects.filter(_current_roles_q(today)).select_related("body", "theme"),
            to_attr="current_roles",
        )
    )
    if with_contacts:
        qs = qs.prefetch_related(
            Prefetch("emails", queryset=Email.objects.order_by("-is_primary", "id")),
            Prefetch("phones", queryset=Phone.objects.order_by("-is_primary", "id")),
        )
    return qs


def agency_search(user, *, q: str = "", member: str = "", kind: str = "", theme: str = "") -> QuerySet:
    qs = agencies_visible_to(user).filter(is_active=True)
    if q:
        qs = qs.filter(search_text_filter(q))
    if member:
        qs = qs.filter(member__code=member.upper())
    if kind:
        qs = qs.filter(kind=kind)
    if theme:
        qs = qs.filter(themes__code=theme)
    return qs.select_related("member").order_by("member__code", "acronym", "id")

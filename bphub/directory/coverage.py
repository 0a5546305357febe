"""Seeing the map: the coverage matrix and directory health (read side only; the network is network.py).

Plain functions over querysets. Every count and every node goes through the one policy: people
through `focal_point_search` (so `policy.visible_to` and the directory's one filter language),
agencies through `agencies_visible_to`. Nothing here returns contact details.

Rules shared by the views (and the network view):
- "Covering" a theme: a person with a current thematic role for the theme, or working in an
  agency mandated for it (the same rule as `DirectoryFilter.theme`).
- Delinquent records (review more than 60 days late) do not count as coverage and do not fill a
  role: they are kept in the directory, but nobody should rely on them (`engageable=True`).
- Agencies count as mandate facts (they say who *should* cover a theme); only people close a gap.
- Queries are a fixed number of GROUP BY statements whatever the number of members and themes,
  never one per cell (see tests/test_coverage_queries.py).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext

from bphub.core.ids import parse_id
from bphub.core.policy import readership_key
from bphub.directory.models import (
    Agency,
    Email,
    FocalPointRole,
    Freshness,
    Revision,
    RoleKind,
    directory_today,
    freshness_filter,
)
from bphub.directory.permissions import agencies_visible_to
from bphub.directory.selectors import DirectoryFilter, _current_roles_q, focal_point_search
from bphub.members.models import Body, BodyMembership, Member, SubRegion, Theme


def _unordered(qs: QuerySet) -> QuerySet:
    return qs.order_by()


def sub_region_choices() -> QuerySet:
    return SubRegion.objects.order_by("name")


def working_group_choices() -> QuerySet:
    return Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("code")


def coverage_themes() -> QuerySet:
    """The matrix's columns: every theme, by its reference position."""
    return Theme.objects.order_by("position", "code")


def _members(*, member: str = "", sub_region: str = "") -> QuerySet:
    members = Member.objects.select_related("sub_region").order_by("standing", "code")
    if member:
        members = members.filter(code=member.upper())
    if sub_region:
        sub_region_id = parse_id(sub_region)
        members = members.filter(sub_region_id=sub_region_id) if sub_region_id else members.none()
    return members


def _agencies(user, flt: DirectoryFilter) -> QuerySet:
    """Active agencies `user` may see, of the filter's member / sub-region."""
    agencies = agencies_visible_to(user).filter(is_active=True)
    if flt.member:
        agencies = agencies.filter(member__code=flt.member.upper())
    if flt.sub_region:
        sub_region_id = parse_id(flt.sub_region)
        if not sub_region_id:
            return agencies.none()
        agencies = agencies.filter(member__sub_region_id=sub_region_id)
    return agencies


# -- coverage matrix -----------------------------------------------------------------------------


@dataclass
class CoverageCell:
    theme: Theme
    agencies: int
    focal_points: int
    people_url: str

    @property
    def is_gap(self) -> bool:
        return self.focal_points == 0

    # Worded here, not with {% blocktranslate %} in the template: ~1,000 cells, 5x faster.
    @property
    def people_word(self) -> str:
        return ngettext("focal point", "focal points", self.focal_points)

    @property
    def agencies_label(self) -> str:
        return ngettext("%(counter)s ag.", "%(counter)s ag.", self.agencies) % {"counter": self.agencies}


@dataclass
class CoverageRow:
    member: Member
    cells: list[CoverageCell]

    @property
    def gap_count(self) -> int:
        return sum(1 for cell in self.cells if cell.is_gap)


@dataclass
class CoverageMatrix:
    themes: list[Theme]
    rows: list[CoverageRow]
    role: str = ""
    sub_region: str = ""

    @property
    def gaps_per_theme(self) -> list[int]:
        return [sum(1 for row in self.rows if row.cells[i].is_gap) for i in range(len(self.themes))]

    @property
    def gap_total(self) -> int:
        return sum(row.gap_count for row in self.rows)


def _pairs(rows, member_key: str, theme_key: str) -> dict[tuple[int, int], int]:
    return {(row[member_key], row[theme_key]): row["n"] for row in rows}


COUNTS_CACHE_SECONDS = 600


def coverage_counts_cached(user, flt: DirectoryFilter, today: date | None = None) -> tuple[dict, dict]:
    """`coverage_counts`, kept in the cache until the directory changes.

    Every change to an agency or focal point writes a Revision, so the newest revision id names
    the directory's state; with the reader's readership, the filter and the day (freshness moves
    with the date) it makes a key that can never serve counts someone may not see or that are stale.
    """
    today = today or directory_today()
    state = Revision.objects.aggregate(last=Max("pk"))["last"] or 0
    raw = f"{readership_key(user)}|{sorted(flt.as_params().items())}|{today.isoformat()}|{state}"
    key = "directory:coverage:" + hashlib.sha256(raw.encode()).hexdigest()
    counts = cache.get(key)
    if counts is None:
        counts = coverage_counts(user, flt, today)
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


def coverage_counts(user, flt: DirectoryFilter, today: date | None = None) -> tuple[dict, dict]:
    """({(member_id, theme_id): agencies}, {(member_id, theme_id): focal points}) that `user` may see.

    People are `focal_point_search(user, flt)` with delinquent records left out. A person covers a
    theme through a current thematic role or through their (visible) agency's mandate, and counts
    once when both apply. Three queries, each one pass over its table: the visible agencies with
    their themes, people per agency, thematic roles per (agency, theme); the sums are done here,
    over at most a few thousand agencies, so the database never joins people × themes.
    """
    today = today or directory_today()
    agencies = _agencies(user, flt)
    agency_themes: dict[int, set[int]] = defaultdict(set)
    agency_member: dict[int, int] = {}
    for agency_id, member_id, theme_id in _unordered(agencies.filter(themes__isnull=False)).values_list(
        "pk", "member_id", "themes"
    ):
        agency_themes[agency_id].add(theme_id)
        agency_member[agency_id] = member_id
    agency_counts: dict[tuple[int, int], int] = defaultdict(int)
    for agency_id, themes in agency_themes.items():
        for theme_id in themes:
            agency_counts[(agency_member[agency_id], theme_id)] += 1

    people = _unordered(focal_point_search(user, replace(flt, engageable=True)))
    people_counts: dict[tuple[int, int], int] = defaultdict(int)
    # Agencies are matched here rather than with an IN (...) of thousands of ids in the query.
    for member_id, agency_id, n in people.filter(agency__isnull=False).values_list(
        "member_id", "agency_id"
    ).annotate(n=Count("pk")):
        for theme_id in agency_themes.get(agency_id, ()):
            people_counts[(member_id, theme_id)] += n  # covered through the agency's mandate
    # Roles whose theme the person's (visible) agency already holds were counted with the mandate.
    mandated = Agency.themes.through.objects.filter(
        agency_id=OuterRef("agency_id"), theme_id=OuterRef("roles__theme_id"), agency__in=_unordered(agencies)
    )
    # One filter() call, so that the conditions are on the same role row (one join).
    thematic = (
        people.filter(
            Q(roles__kind=RoleKind.THEMATIC)
            & (Q(roles__valid_from__isnull=True) | Q(roles__valid_from__lte=today))
            & (Q(roles__valid_to__isnull=True) | Q(roles__valid_to__gte=today))
            & ~Exists(mandated)
        )
        .values_list("member_id", "roles__theme_id")
        .annotate(n=Count("pk", distinct=True))
    )
    for member_id, theme_id, n in thematic:
        people_counts[(member_id, theme_id)] += n
    return dict(agency_counts), dict(people_counts)


def coverage_matrix(user, *, sub_region: str = "", role: str = "", today: date | None = None) -> CoverageMatrix:
    """Members (of `sub_region`, if given) × themes, counting only what `user` may see.

    `role` (a RoleKind value) restricts the people counted to those holding that role today,
    e.g. only national focal points. A cell with no person is a gap.
    """
    if role and role not in RoleKind.values:
        role = ""
    flt = DirectoryFilter(sub_region=sub_region, role=role)
    themes = list(coverage_themes())
    members = list(_members(sub_region=sub_region))
    agency_counts, people_counts = coverage_counts_cached(user, flt, today)
    base = reverse("directory:person_list")
    rows = []
    for member in members:
        cells = []
        for theme in themes:
            params = {"member": member.code, "theme": theme.code, **({"role": role} if role else {})}
            cells.append(
                CoverageCell(
                    theme=theme,
                    agencies=agency_counts.get((member.pk, theme.pk), 0),
                    focal_points=people_counts.get((member.pk, theme.pk), 0),
                    people_url=f"{base}?{urlencode(params)}",
                )
            )
        rows.append(CoverageRow(member=member, cells=cells))
    return CoverageMatrix(themes=themes, rows=rows, role=role, sub_region=sub_region)


# -- directory health ------------------------------------------------------------------------------

FRESHNESS_ORDER = (Freshness.UP_TO_DATE, Freshness.DUE, Freshness.OVERDUE, Freshness.DELINQUENT)


@dataclass
class Vacancy:
    kind: str
    label: str
    body: Body | None = None


@dataclass
class MemberHealth:
    member: Member | None  # None for the totals row
    records: int = 0
    by_freshness: dict[str, int] = field(default_factory=dict)
    never_confirmed: int = 0
    bounced: int = 0
    vacancies: list[Vacancy] = field(default_factory=list)

    def share(self, state: str) -> float:
        return (self.by_freshness.get(state, 0) / self.records) if self.records else 0.0

    @property
    def shares(self) -> list[tuple[str, str, int, float]]:
        """(state, label, count, share) in freshness order, for tables and the chart."""
        return [(s, Freshness(s).label, self.by_freshness.get(s, 0), self.share(s)) for s in FRESHNESS_ORDER]

    @property
    def up_to_date_percent(self) -> int:
        return round(self.share(Freshness.UP_TO_DATE) * 100)


@dataclass
class HealthReport:
    rows: list[MemberHealth]
    totals: MemberHealth
    today: date


def directory_health(user, *, member: Member | None = None, today: date | None = None) -> HealthReport:
    """Per member (all members, or just `member`): records, freshness shares, never confirmed,
    bounced addresses and vacant roles, over the focal points `user` may see.

    A role is vacant when no current, non-delinquent person holds it: national focal point, SOM
    delegate, and a working-group focal point for each working group on which the member holds a
    seat today. Five queries whatever the number of members.
    """
    today = today or directory_today()
    members = [member] if member is not None else list(_members())
    flt = DirectoryFilter(member=member.code if member else "")
    people = _unordered(focal_point_search(user, flt))

    freshness_counts = {f"n_{state}": Count("pk", filter=freshness_filter(state, today)) for state in FRESHNESS_ORDER}
    per_member = {
        row["member_id"]: row
        for row in people.values("member_id").annotate(
            records=Count("pk"), never=Count("pk", filter=Q(last_confirmed_at__isnull=True)), **freshness_counts
        )
    }
    bounced = {
        row["focal_point__member_id"]: row["n"]
        for row in Email.objects.filter(focal_point__in=people.values("pk"), bounced_at__isnull=False)
        .values("focal_point__member_id")
        .annotate(n=Count("pk"))
    }
    engageable = people.exclude(freshness_filter(Freshness.DELINQUENT, today))
    held = set(
        FocalPointRole.objects.filter(
            _current_roles_q(today),
            focal_point__in=engageable.values("pk"),
            kind__in=[RoleKind.NATIONAL, RoleKind.SOM_DELEGATE, RoleKind.WORKING_GROUP],
        )
        .values_list("focal_point__member_id", "kind", "body_id")
        .distinct()
    )
    filled = {(m, k) for m, k, _b in held} | {(m, k, b) for m, k, b in held}
    seats: dict[int, list[Body]] = {}
    for seat in (
        BodyMembership.objects.on(today)
        .filter(body__kind=Body.Kind.WORKING_GROUP, member__in=[m.pk for m in members])
        .select_related("body")
        .order_by("body__code")
    ):
        if seat.body not in seats.setdefault(seat.member_id, []):
            seats[seat.member_id].append(seat.body)

    rows = []
    totals = MemberHealth(member=None, by_freshness=dict.fromkeys(FRESHNESS_ORDER, 0))
    for m in members:
        counts = per_member.get(m.pk, {})
        health = MemberHealth(
            member=m,
            records=counts.get("records", 0),
            by_freshness={state: counts.get(f"n_{state}", 0) for state in FRESHNESS_ORDER},
            never_confirmed=counts.get("never", 0),
            bounced=bounced.get(m.pk, 0),
        )
        for kind in (RoleKind.NATIONAL, RoleKind.SOM_DELEGATE):
            if (m.pk, kind) not in filled:
                health.vacancies.append(Vacancy(kind=kind, label=RoleKind(kind).label))
        for body in seats.get(m.pk, []):
            if (m.pk, RoleKind.WORKING_GROUP, body.pk) not in filled:
                label = f"{RoleKind.WORKING_GROUP.label}: {body.code}"
                health.vacancies.append(Vacancy(kind=RoleKind.WORKING_GROUP, label=label, body=body))
        rows.append(health)
        totals.records += health.records
        totals.never_confirmed += health.never_confirmed
        totals.bounced += health.bounced
        for state in FRESHNESS_ORDER:
            totals.by_freshness[state] += health.by_freshness[state]
        totals.vacancies.extend(health.vacancies)
    return HealthReport(rows=rows, totals=totals, today=today)


@dataclass
class ChartSegment:
    state: str
    label: str
    count: int
    x: float
    width: float


@dataclass
class ChartBar:
    code: str
    label: str
    y: int
    records: int
    segments: list[ChartSegment]


def health_chart(report: HealthReport, *, width: int = 600, bar_height: int = 18, gap: int = 6, label_width: int = 96):
    """Geometry of the stacked-bar chart (one bar per member, shares of each freshness state).

    Plain numbers for a server-rendered SVG: no JavaScript, each segment with its own <title>.
    """
    plot = width - label_width
    bars = []
    for index, row in enumerate(report.rows):
        x = float(label_width)
        segments = []
        for state, label, count, share in row.shares:
            w = round(share * plot, 2)
            if count:
                segments.append(ChartSegment(state=state, label=str(label), count=count, x=round(x, 2), width=w))
            x += w
        y = index * (bar_height + gap)
        bars.append(
            ChartBar(
                code=row.member.code,
                label=f"{row.member.code} ({row.records})",
                y=y,
                records=row.records,
                segments=segments,
            )
        )
    height = max(len(bars) * (bar_height + gap), bar_height)
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "bar_height": bar_height,
        "label_width": label_width,
        "text_dy": bar_height - 5,
        "plot_width": plot,
    }

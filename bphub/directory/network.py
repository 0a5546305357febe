"""The network view: one member, one theme or one working group, as the reader may see it (read side only).

A graph of everything is an unreadable tangle, so the view always has a scope people ask about:
"who works with Indonesia's agencies", "who covers safety at sea", "who sits on the TIP working
group". The scope defaults to the reader's own member; the RSO, researchers and alumni choose one.

Every node goes through the one policy: people through `focal_point_search` (so
`policy.visible_to` and the directory's one filter language), agencies through
`agencies_visible_to`. Nothing here returns contact details.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bphub.directory.models import Agency, FocalPoint, FocalPointRole, RoleKind, directory_today
from bphub.directory.permissions import agencies_visible_to
from bphub.directory.selectors import DirectoryFilter, _current_roles_q, focal_point_search
from bphub.members.models import Body, Member, Theme

NETWORK_NODE_CAP = 1500
SCOPE_KINDS = {"member": _("Member"), "theme": _("Theme"), "body": _("Working group")}


# -- the scope -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkScope:
    """What the graph is drawn around: one member, theme or working group (by code)."""

    kind: str  # "member", "theme" or "body" (a working group)
    code: str
    record: Member | Theme | Body

    @property
    def value(self) -> str:
        """The form value and URL parameter: `member:ID`, `theme:safety-at-sea`, `body:TIPWG`."""
        return f"{self.kind}:{self.code}"

    @property
    def kind_label(self) -> str:
        return str(SCOPE_KINDS[self.kind])

    @property
    def label(self) -> str:
        """The scope as a heading names it: "Indonesia (ID)", "Safety at sea", "TIPWG – …"."""
        name = str(self.record)
        if self.kind == "theme" or f"({self.code})" in name:
            return name
        return f"{name} ({self.code})"

    def as_filter(self) -> DirectoryFilter:
        return DirectoryFilter(**{self.kind: self.code})

    def url(self, name: str = "directory:network") -> str:
        return f"{reverse(name)}?scope={quote(self.value, safe=':')}"


def _working_groups():
    return Body.objects.filter(kind=Body.Kind.WORKING_GROUP)


def network_scope_of(kind: str, code: str) -> NetworkScope | None:
    """The scope for a kind and code, or None when there is no such member, theme or working group."""
    code = (code or "").strip()[:64]
    if not code:
        return None
    if kind == "member":
        record = Member.objects.filter(code=code.upper()).first()
    elif kind == "theme":
        record = Theme.objects.filter(code=code).first()
    elif kind == "body":
        record = _working_groups().filter(code=code.upper()).first()
    else:
        return None
    return NetworkScope(kind=kind, code=record.code, record=record) if record is not None else None


def network_scope_from(params, user) -> tuple[NetworkScope | None, bool]:
    """(scope, asked): the scope the request names, else the reader's own member.

    `?scope=member:ID` (the page's form), or `?member=ID`, `?theme=…`, `?body=…` (links from other
    pages). `asked` is True when the request named a scope, even one that does not exist (the page
    then says so rather than silently showing something else). Without one, a person who acts for
    a member sees that member; the RSO, researchers and alumni get None: they choose.
    """
    raw = (params.get("scope") or "").strip()
    if raw:
        kind, _sep, code = raw.partition(":")
        return network_scope_of(kind, code), True
    for kind in SCOPE_KINDS:
        if params.get(kind):
            return network_scope_of(kind, params.get(kind)), True
    member_id = getattr(user, "member_id", None)
    if member_id:
        member = Member.objects.filter(pk=member_id).first()
        if member is not None:
            return NetworkScope(kind="member", code=member.code, record=member), False
    return None, False


def network_scope_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The chooser's option groups: members (by code), themes, working groups."""
    members = [(f"member:{m.code}", f"{m.code} – {m}") for m in Member.objects.order_by("code")]
    themes = [(f"theme:{t.code}", str(t)) for t in Theme.objects.order_by("position", "code")]
    groups = [(f"body:{b.code}", f"{b.code} – {b}") for b in _working_groups().order_by("code")]
    return [(str(_("Members")), members), (str(_("Themes")), themes), (str(_("Working groups")), groups)]


# -- the graph -------------------------------------------------------------------------------------


@dataclass
class NetworkPerson:
    focal_point: FocalPoint
    roles: list[FocalPointRole]


@dataclass
class NetworkAgency:
    agency: Agency | None  # None: people of the member without a (visible) agency
    themes: list[Theme]
    people: list[NetworkPerson]


@dataclass
class NetworkMember:
    member: Member
    agencies: list[NetworkAgency]


@dataclass
class NetworkGraph:
    members: list[NetworkMember]
    node_count: int
    truncated: bool
    cap: int
    scope: NetworkScope | None = None

    @property
    def people_count(self) -> int:
        return sum(len(group.people) for entry in self.members for group in entry.agencies)

    @property
    def agency_count(self) -> int:
        return sum(1 for entry in self.members for group in entry.agencies if group.agency is not None)

    def elements(self) -> dict:
        """Cytoscape-ready nodes and edges: ids, labels, kinds, freshness and links; never contact details.

        Labels are what people call things: member codes, agency acronyms, people's names (with
        their name in their own script on a second line). The scope's own node is marked `root`.
        """
        nodes: dict[str, dict] = {}
        edges: dict[str, dict] = {}
        network_url = reverse("directory:network")

        def node(node_id, label, kind, **extra):
            nodes.setdefault(node_id, {"data": {"id": node_id, "label": label, "kind": kind, **extra}})

        def edge(source, target, kind):
            edge_id = f"{source}>{target}"
            edges.setdefault(edge_id, {"data": {"id": edge_id, "source": source, "target": target, "kind": kind}})

        def scoped(kind, code):
            return f"{network_url}?scope={quote(f'{kind}:{code}', safe=':')}"

        def theme_node(theme):
            node(f"t{theme.pk}", str(theme), "theme", url=scoped("theme", theme.code))
            return f"t{theme.pk}"

        for entry in self.members:
            member_id = f"m{entry.member.pk}"
            node(member_id, entry.member.code, "member", name=str(entry.member),
                 url=scoped("member", entry.member.code))
            for group in entry.agencies:
                if group.agency is not None:
                    agency = group.agency
                    agency_id = f"a{agency.pk}"
                    label = agency.acronym or str(agency)
                    if self.scope is not None and self.scope.kind != "member":
                        label = f"{entry.member.code} {label}"  # many members have a "CG"
                    node(agency_id, label, "agency", name=str(agency), url=agency.get_absolute_url())
                    edge(member_id, agency_id, "member_agency")
                    for theme in group.themes:
                        edge(agency_id, theme_node(theme), "mandate")
                    parent = agency_id
                else:
                    parent = member_id
                for person in group.people:
                    fp = person.focal_point
                    person_id = f"p{fp.pk}"
                    label = f"{fp.full_name}\n{fp.local_name}" if fp.local_name else fp.full_name
                    node(person_id, label, "person", freshness=fp.freshness, url=fp.get_absolute_url())
                    edge(parent, person_id, "agency_person" if group.agency else "member_person")
                    for role in person.roles:
                        if role.kind == RoleKind.WORKING_GROUP and role.body_id:
                            node(f"b{role.body_id}", role.body.code, "working_group", name=str(role.body),
                                 url=scoped("body", role.body.code))
                            edge(person_id, f"b{role.body_id}", "working_group_role")
                        elif role.kind == RoleKind.THEMATIC and role.theme_id:
                            edge(person_id, theme_node(role.theme), "thematic_role")
        if self.scope is not None:
            prefix = {"member": "m", "theme": "t", "body": "b"}[self.scope.kind]
            root = nodes.get(f"{prefix}{self.scope.record.pk}")
            if root is not None:
                root["data"]["root"] = True
        return {
            "nodes": list(nodes.values()),
            "edges": list(edges.values()),
            "truncated": self.truncated,
            "node_count": self.node_count,
            "cap": self.cap,
            "scope": self.scope.value if self.scope else None,
        }


def _scope_agencies(user, flt: DirectoryFilter):
    """Active agencies `user` may see, of the filter's member (if any)."""
    agencies = agencies_visible_to(user).filter(is_active=True)
    if flt.member:
        agencies = agencies.filter(member__code=flt.member.upper())
    return agencies


def network_graph(
    user,
    flt: DirectoryFilter,
    *,
    cap: int = NETWORK_NODE_CAP,
    today: date | None = None,
    scope: NetworkScope | None = None,
) -> NetworkGraph:
    """Members → agencies → people (with WG and thematic roles) and mandate themes, as `user` may see them.

    `flt` uses member, theme and body (working group); `network_scope` callers pass one of them.
    With a theme or working-group filter only the agencies and members that lead to a matching
    person (or hold the mandate) appear. When the graph would exceed `cap` nodes it is not built
    (truncated=True): the caller asks for a narrower scope. At most cap+1 rows are read of any table.
    """
    today = today or directory_today()
    flt = DirectoryFilter(member=flt.member, theme=flt.theme, body=flt.body)
    people_qs = focal_point_search(user, flt).select_related("agency")
    people = list(people_qs[: cap + 1])
    if len(people) > cap:
        return NetworkGraph(members=[], node_count=len(people), truncated=True, cap=cap, scope=scope)

    agencies_qs = _scope_agencies(user, flt)
    people_agency_ids = {p.agency_id for p in people if p.agency_id}
    if flt.body:
        agencies_qs = agencies_qs.filter(pk__in=people_agency_ids)
    elif flt.theme:
        agencies_qs = agencies_qs.filter(Q(themes__code=flt.theme) | Q(pk__in=people_agency_ids)).distinct()
    agencies = list(agencies_qs.order_by("member__code", "acronym", "id").prefetch_related("themes")[: cap + 1])
    if len(people) + len(agencies) > cap:
        return NetworkGraph(members=[], node_count=len(people) + len(agencies), truncated=True, cap=cap, scope=scope)

    roles_by_person: dict[int, list[FocalPointRole]] = {}
    for role in (
        FocalPointRole.objects.filter(_current_roles_q(today), focal_point__in=[p.pk for p in people])
        .select_related("body", "theme")
        .order_by("kind", "id")
    ):
        roles_by_person.setdefault(role.focal_point_id, []).append(role)

    visible_agencies = {a.pk: a for a in agencies}
    member_ids = {a.member_id for a in agencies} | {p.member_id for p in people}
    if flt.member:
        member_ids |= set(Member.objects.filter(code=flt.member.upper()).values_list("pk", flat=True))
    members = list(Member.objects.filter(pk__in=member_ids).order_by("standing", "code"))

    groups: dict[tuple[int, int | None], NetworkAgency] = {}
    for agency in agencies:
        themes = list(agency.themes.all())
        if flt.theme:
            themes = [t for t in themes if t.code == flt.theme]
        groups[(agency.member_id, agency.pk)] = NetworkAgency(agency=agency, themes=themes, people=[])
    for person in people:
        agency_id = person.agency_id if person.agency_id in visible_agencies else None
        key = (person.member_id, agency_id)
        if key not in groups:
            groups[key] = NetworkAgency(agency=None, themes=[], people=[])
        roles = roles_by_person.get(person.pk, [])
        if flt.theme:
            roles = [r for r in roles if r.kind != RoleKind.THEMATIC or r.theme.code == flt.theme]
        groups[key].people.append(NetworkPerson(focal_point=person, roles=roles))

    result = []
    for member in members:
        member_groups = [g for (m, _a), g in groups.items() if m == member.pk]
        member_groups.sort(key=lambda g: (g.agency is None, (g.agency.acronym or str(g.agency)) if g.agency else ""))
        result.append(NetworkMember(member=member, agencies=member_groups))

    node_count = len(members) + len(people) + len(agencies)
    extra = {("b", r.body_id) for rs in roles_by_person.values() for r in rs if r.body_id}
    extra |= {("t", r.theme_id) for rs in roles_by_person.values() for r in rs if r.theme_id}
    extra |= {("t", t.pk) for g in groups.values() for t in g.themes}
    node_count += len(extra)
    if node_count > cap:
        return NetworkGraph(members=[], node_count=node_count, truncated=True, cap=cap, scope=scope)
    return NetworkGraph(members=result, node_count=node_count, truncated=False, cap=cap, scope=scope)


def network_for_scope(user, scope: NetworkScope | None, *, cap: int = NETWORK_NODE_CAP) -> NetworkGraph:
    """The graph of `scope` as `user` may see it; an empty graph when there is no scope yet."""
    if scope is None:
        return NetworkGraph(members=[], node_count=0, truncated=False, cap=cap, scope=None)
    return network_graph(user, scope.as_filter(), cap=cap, scope=scope)

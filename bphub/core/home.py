"""The home page: what needs each person now, then the panels the apps registered.

Core sits below every module, so it never imports them. Each app fills three registries from its
AppConfig.ready():

- **needs** (`register_needs(key, provider)`): a provider is a plain function `(user) -> list[Need]`
  that says what waits for this person in its module: a delegation to nominate, proposals to
  review, overdue action items. `needs_for(user)` gathers every provider's items and orders them
  (overdue first, then by due date); the home page, `GET /api/v1/me/needs` and the weekly digest
  all show exactly that list. A provider reads only through its own app's selectors and
  permissions, and so through the policy: a count never includes a record the person may not see,
  and a link goes to a page the person may open, straight to the place to act.
- **first steps** (`register_first_steps(key, provider)`): `(user) -> list[FirstStep]`, what a
  person with nothing waiting can do first (a new coordinator: check the member's directory,
  import the focal points). A provider offers a step only when the app's permissions let the
  person take it.
- **panels** (`register_panel(HomePanel(...))`): a section of the page (upcoming meetings, news),
  rendered with the dict its context function returns for the reader (None hides it).

Adding a need to the home (a later module, e.g. exchange access requests or reviews):

    # bphub/<app>/needs.py
    def access_requests_to_decide(user) -> list[Need]:
        pending = access_requests_pending_for(user)  # the app's selector, through the policy
        count = pending.count()
        if not count:
            return []
        return [Need(key="exchange.access_requests", title=gettext("Access requests to decide"),
                     count=count, url=reverse("knowledge:access_request_list"))]

    # bphub/<app>/apps.py, in ready()
    from bphub.core.home import register_needs
    register_needs("exchange.access_requests", access_requests_to_decide)

Keys are stable (the page marks each item with it, the API returns it, browser tests find items
by it); a provider returns [] for people it has nothing for, and never raises for a role it does
not concern. Titles are translated in the active language (the digest activates the reader's).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Min
from django.utils import timezone

from bphub.core import policy

OVERDUE = "overdue"


@dataclass(frozen=True)
class Need:
    """One thing waiting for a person: `count` records of one kind, and where to act on them."""

    key: str  # stable, "<app>.<what>", e.g. "meetings.delegation_to_nominate"
    title: str  # translated
    count: int
    url: str  # a path on the site (the digest and the API make it absolute)
    due: date | datetime | None = None  # a day, or an instant shown in the reader's zone
    severity: str = ""  # OVERDUE, or "" for things not yet late
    note: str = ""  # one short line of context (the delegation's state), translated
    due_label: str = ""  # what the due date is ("Nominations close", "Starts"); "" reads "Due"

    @property
    def is_overdue(self) -> bool:
        return self.severity == OVERDUE

    @property
    def due_is_instant(self) -> bool:
        return isinstance(self.due, datetime)

    def sort_key(self) -> tuple:
        """Overdue first, then the soonest due (items without a due date last), then by key."""
        due = self.due
        if isinstance(due, datetime):
            moment = due
        elif isinstance(due, date):
            moment = datetime.combine(due, time.min, tzinfo=timezone.get_current_timezone())
        else:
            moment = None
        return (not self.is_overdue, moment is None, moment.timestamp() if moment else 0, self.key, self.title)


@dataclass(frozen=True)
class FirstStep:
    """Something a person can do first when nothing waits for them, with the page to do it on."""

    key: str
    title: str  # translated
    url: str
    text: str = ""  # one line on why, translated
    order: int = 100  # smaller first


_NEEDS: dict[str, Callable] = {}
_FIRST_STEPS: dict[str, Callable] = {}
FIRST_STEPS_SHOWN = 4


@dataclass(frozen=True)
class Tally:
    count: int
    first_due: date | datetime | None
    any_id: int | None  # the one row's id when count == 1 (a need then links straight to it)


def tally_by_rule(queryset, rules: dict, *, due_field: str) -> dict:
    """For each named rule (a Q) over `queryset`: how many rows match, the earliest `due_field` and
    the smallest id, all in one query. Providers count their needs with it."""
    summary = queryset.order_by().aggregate(
        **{f"n_{name}": Count("id", filter=rule) for name, rule in rules.items()},
        **{f"due_{name}": Min(due_field, filter=rule) for name, rule in rules.items()},
        **{f"id_{name}": Min("id", filter=rule) for name, rule in rules.items()},
    )
    return {
        name: Tally(summary[f"n_{name}"], summary[f"due_{name}"], summary[f"id_{name}"]) for name in rules
    }


def register_needs(key: str, provider: Callable) -> None:
    """Add (or replace, by key) a needs provider `(user) -> list[Need]`; called from AppConfig.ready()."""
    _NEEDS[key] = provider


def register_first_steps(key: str, provider: Callable) -> None:
    """Add (or replace, by key) a first-steps provider `(user) -> list[FirstStep]`."""
    _FIRST_STEPS[key] = provider


def needs_for(user) -> list[Need]:
    """Everything waiting for `user`, overdue first, then by due date: the home page's list, the
    API's and the digest's. Nothing for the anonymous or a deactivated account."""
    if policy.role_of(user) is None:
        return []
    needs = [need for key in sorted(_NEEDS) for need in _NEEDS[key](user) if need.count > 0]
    return sorted(needs, key=Need.sort_key)


def first_steps_for(user) -> list[FirstStep]:
    """What `user` can do first (a few, the most useful for their role first)."""
    if policy.role_of(user) is None:
        return []
    steps = [step for key in sorted(_FIRST_STEPS) for step in _FIRST_STEPS[key](user)]
    return sorted(steps, key=lambda step: (step.order, step.key))[:FIRST_STEPS_SHOWN]


# -- panels --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str  # rendered with the context function's dict, inside the home page
    context: Callable  # (request) -> dict | None
    order: int = 100  # smaller first
    position: str = "top"  # "top": above the areas; "bottom": below them


_PANELS: dict[str, HomePanel] = {}


def register_panel(panel: HomePanel) -> None:
    """Add (or replace, by key) a panel; called from an AppConfig.ready()."""
    if panel.position not in {"top", "bottom"}:
        raise ValueError(f"Unknown home panel position {panel.position!r}")
    _PANELS[panel.key] = panel


def panels_for(request, position: str) -> list[tuple[HomePanel, dict]]:
    """The panels at `position` that have something for this reader, each with its context."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.position != position:
            continue
        context = panel.context(request)
        if context is not None:
            shown.append((panel, context))
    return shown

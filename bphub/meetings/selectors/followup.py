"""Reads for the follow-up of meetings: outcomes, action items (with those carried forward in a
series), working-group workspaces. Every list goes through `policy.visible_to`.

Carry-forward is derived, never copied: the open actions (open or in progress) of the earlier
meetings of a series show on each later meeting of the series until they are done or dropped.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from bphub.core import policy
from bphub.meetings.models import ActionItem, Meeting, MeetingSeries, Outcome, WorkPlanItem
from bphub.meetings.permissions import documents_visible_to, meetings_visible_to, owns_action

# Bodies that get a workspace: the groups that meet and work between the ministerial meetings.
WORKSPACE_KINDS = ("working_group", "task_force", "ad_hoc_group", "steering")

ACTION_ORDER = (F("due_on").asc(nulls_last=True), "id")
DUE_SOON_DAYS = 14  # "due soon": open, and due today or within this many days


def _actions() -> QuerySet:
    return ActionItem.objects.select_related("meeting", "meeting__series", "owner_member", "owner_body")


def outcomes_visible(*, meeting: Meeting, user) -> QuerySet:
    """The outcomes of `meeting` that `user` may read, in their order (none before they are published,
    but for the meeting's managers: the policy's condition)."""
    return policy.visible_to(Outcome.objects.filter(meeting=meeting), user).order_by("position", "id")


def outcomes_by_kind(outcomes) -> list[tuple[str, list[Outcome]]]:
    """[(kind label, outcomes)] in the order of Outcome.Kind, kinds without outcomes left out."""
    groups = {kind: [] for kind in Outcome.Kind.values}
    for outcome in outcomes:
        groups.setdefault(outcome.kind, []).append(outcome)
    return [(Outcome.Kind(kind).label, items) for kind, items in groups.items() if items]


def carried_forward_filter(meeting: Meeting) -> Q:
    """Open actions of the earlier meetings of `meeting`'s series (nothing when it has no series)."""
    if not meeting.series_id:
        return Q(pk__in=[])
    # A semi-join on the series' earlier meetings, so the (meeting, status) index serves it.
    earlier = Meeting.objects.filter(series_id=meeting.series_id, starts_at__lt=meeting.starts_at).values("pk")
    return Q(meeting_id__in=earlier, status__in=ActionItem.OPEN_STATUSES)


@dataclass
class MeetingActions:
    own: list[ActionItem] = field(default_factory=list)
    carried: list[ActionItem] = field(default_factory=list)


def meeting_actions(*, meeting: Meeting, user) -> MeetingActions:
    """The actions made at `meeting` and those carried forward to it, as `user` may see them: one query."""
    rows = policy.visible_to(
        _actions().filter(Q(meeting=meeting) | carried_forward_filter(meeting)),
        user,
    )
    result = MeetingActions()
    for action in rows.order_by(*ACTION_ORDER):
        (result.own if action.meeting_id == meeting.pk else result.carried).append(action)
    return result


def annotate_for(actions, user, today: date | None = None) -> list[ActionItem]:
    """Mark each (visible) action with `overdue` and `can_update` for `user`, without a query per row."""
    today = today or timezone.localdate()
    for action in actions:
        action.overdue = action.is_overdue(today)
        action.can_update = owns_action(user, action)
    return actions


def mine_filter(user) -> Q | None:
    """Actions owned by what `user` acts for: the RSO's, or their member's and their co-chaired bodies'."""
    if policy.is_rso(user):
        return Q(owner_kind=ActionItem.Owner.RSO)
    member_id = policy.acting_member_id(user)
    if member_id is None:
        return None
    mine = Q(owner_member_id=member_id)
    if chaired := policy.chaired_body_ids(user):
        mine |= Q(owner_body_id__in=sorted(chaired))
    return mine


@dataclass
class ActionFilter:
    """The action list's filters, already parsed (see forms.followup.ActionFilterForm)."""

    owner: str = ""  # "", "mine", "rso", "member:<code>", "body:<code>"
    status: str = "active"  # "active" (open or in progress), "all", or one ActionItem.Status
    overdue: bool = False
    due_soon: bool = False  # open, due today or within DUE_SOON_DAYS
    meeting_id: int | None = None
    series_code: str = ""
    group_code: str = ""  # actions owned by the body or made at its meetings


def action_list(*, user, filters: ActionFilter, today: date | None = None) -> QuerySet:
    """The action items `user` may see, filtered; the owner's dashboard when `owner` is "mine"."""
    today = today or timezone.localdate()
    actions = policy.visible_to(_actions(), user)
    if filters.status == "active" or filters.overdue:
        actions = actions.filter(status__in=ActionItem.OPEN_STATUSES)
    if filters.status not in ("active", "all", ""):
        actions = actions.filter(status=filters.status)
    if filters.overdue:
        actions = actions.filter(due_on__lt=today)
    if filters.due_soon:
        actions = actions.filter(
            status__in=ActionItem.OPEN_STATUSES, due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)
        )
    if filters.owner == "mine":
        mine = mine_filter(user)
        actions = actions.filter(mine) if mine is not None else actions.none()
    elif filters.owner == "rso":
        actions = actions.filter(owner_kind=ActionItem.Owner.RSO)
    elif filters.owner.startswith("member:"):
        actions = actions.filter(owner_member__code=filters.owner.removeprefix("member:"))
    elif filters.owner.startswith("body:"):
        actions = actions.filter(owner_body__code=filters.owner.removeprefix("body:"))
    if filters.meeting_id:
        actions = actions.filter(meeting_id=filters.meeting_id)
    if filters.series_code:
        actions = actions.filter(meeting__series__code=filters.series_code)
    if filters.group_code:
        actions = actions.filter(Q(owner_body__code=filters.group_code) | Q(meeting__group__code=filters.group_code))
    return actions.order_by(*ACTION_ORDER)


def series_with_visible_meetings(user) -> QuerySet:
    """Series the user may pick in a filter: those with at least one meeting the user may see."""
    visible = meetings_visible_to(user).filter(series_id__isnull=False)
    return MeetingSeries.objects.filter(pk__in=visible.values("series_id")).order_by("code")


def updates_of(action: ActionItem) -> QuerySet:
    """Progress reports, oldest first (the order in which things happened)."""
    return action.updates.select_related("author").order_by("created_at", "id")


# -- working-group workspaces ---------------------------------------------------------------------


def workspace_bodies() -> QuerySet:
    from bphub.members.models import Body

    return Body.objects.filter(kind__in=WORKSPACE_KINDS).order_by("code")


@dataclass
class Workspace:
    body: object
    seats: list
    co_chairs: list
    upcoming: list
    past: list
    documents: list
    open_actions: list
    closed_actions: list
    work_plan: list


def group_workspace(*, body, user, limit: int = 10) -> Workspace:
    """A working group's page as `user` may see it: seats today (reference data, public), and the
    group's meetings, documents and action items through the policy, and its forward work plan."""
    from bphub.members.models import BodyMembership

    now = timezone.now()
    seats = list(
        BodyMembership.objects.on(timezone.localdate())
        .filter(body=body)
        .select_related("member")
        .order_by("member__code")
    )
    chairs = {BodyMembership.Role.CO_CHAIR, BodyMembership.Role.CHAIR}
    meetings = meetings_visible_to(user).filter(group=body).select_related("series", "host")
    documents = (
        documents_visible_to(user)
        .filter(Q(group=body) | Q(meeting__group=body))
        .select_related("meeting", "current_version")
    )
    actions = policy.visible_to(_actions().filter(Q(owner_body=body) | Q(meeting__group=body)), user)
    return Workspace(
        body=body,
        seats=[seat for seat in seats if seat.role not in chairs],
        co_chairs=[seat for seat in seats if seat.role in chairs],
        upcoming=list(meetings.filter(ends_at__gte=now).order_by("starts_at", "id")[:limit]),
        past=list(meetings.filter(ends_at__lt=now).order_by("-starts_at", "-id")[:limit]),
        documents=list(documents.order_by("-created_at", "-id")[: 2 * limit]),
        open_actions=annotate_for(
            list(actions.filter(status__in=ActionItem.OPEN_STATUSES).order_by(*ACTION_ORDER)[: 2 * limit]), user
        ),
        closed_actions=annotate_for(
            list(actions.exclude(status__in=ActionItem.OPEN_STATUSES).order_by("-updated_at", "-id")[:limit]), user
        ),
        work_plan=list(WorkPlanItem.objects.filter(group=body)),
    )

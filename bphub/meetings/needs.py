"""What waits for a person in meetings, for the home's "What needs you" (`bphub.core.home`).

Every provider reads through the meetings selectors and permissions, so through the policy: a
delegation, meeting or action item the person may not see is never counted nor named.

- a member's coordinator: each meeting open for nominations whose delegation of their member is
  still to be nominated (invited, or returned for changes), until its nomination deadline;
- everyone acting for a member: each meeting starting within PREPARE_WITHIN_DAYS to which their
  member's delegation is approved (read the pre-briefing pack);
- the people who run meetings (the RSO, a body's co-chairs): nominated delegations waiting for
  approval, per meeting, until the meeting is over;
- the owners of action items (the RSO; a member's people; a body's co-chairs): those overdue, and
  those due within DUE_SOON_DAYS, counted exactly as the action list filtered the same way.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.core import policy
from bphub.core.home import OVERDUE, FirstStep, Need, tally_by_rule
from bphub.core.i18n import localize
from bphub.meetings.models import Delegation, Meeting
from bphub.meetings.permissions import can_create_meeting, delegations_visible_to, meetings_visible_to
from bphub.meetings.selectors.followup import (
    DUE_SOON_DAYS,
    ActionFilter,
    action_list,
    mine_filter,
    workspace_bodies,
)

PREPARE_WITHIN_DAYS = 30
TO_NOMINATE = (Delegation.Status.INVITED, Delegation.Status.RETURNED)


def _title(meeting: Meeting) -> str:
    return localize(meeting.title).text or str(meeting)


def delegations_to_nominate(user) -> list[Need]:
    """A coordinator's: their member's delegations still to nominate, while nominations are open."""
    if not policy.is_coordinator(user):
        return []
    now = timezone.now()
    rows = (
        delegations_visible_to(user)
        .filter(member_id=user.member_id, status__in=TO_NOMINATE)
        .filter(meeting__status=Meeting.Status.REGISTRATION_OPEN, meeting__ends_at__gte=now)
        .filter(Q(meeting__nomination_deadline__isnull=True) | Q(meeting__nomination_deadline__gte=now))
        .select_related("meeting", "member")
        .order_by("meeting__starts_at", "meeting_id")
    )
    return [
        Need(
            key="meetings.delegation_to_nominate",
            title=_("Nominate your delegation: %(meeting)s") % {"meeting": _title(delegation.meeting)},
            count=1,
            url=reverse(
                "meetings:delegation_edit", kwargs={"pk": delegation.meeting_id, "code": delegation.member.code}
            ),
            due=delegation.meeting.nomination_deadline or delegation.meeting.starts_at,
            note=_("Delegation: %(state)s") % {"state": delegation.get_status_display()},
            due_label=_("Nominations close") if delegation.meeting.nomination_deadline else _("Starts"),
        )
        for delegation in rows
    ]


def meetings_to_prepare(user) -> list[Need]:
    """Someone acting for a member: meetings soon to which their member's delegation is approved."""
    member_id = policy.acting_member_id(user)
    if member_id is None:
        return []
    now = timezone.now()
    rows = (
        delegations_visible_to(user)
        .filter(member_id=member_id, status=Delegation.Status.APPROVED)
        .filter(meeting__ends_at__gte=now, meeting__starts_at__lte=now + timedelta(days=PREPARE_WITHIN_DAYS))
        .select_related("meeting")
        .order_by("meeting__starts_at", "meeting_id")
    )
    return [
        Need(
            key="meetings.meeting_to_prepare",
            title=_("Prepare for %(meeting)s") % {"meeting": _title(delegation.meeting)},
            count=1,
            url=reverse("meetings:prebriefing", kwargs={"pk": delegation.meeting_id}),
            due=delegation.meeting.starts_at,
            note=_("Your delegation is approved: read the pre-briefing pack."),
            due_label=_("Starts"),
        )
        for delegation in rows
    ]


def delegations_to_approve(user) -> list[Need]:
    """The RSO's, and a body's co-chairs' for its meetings: nominated delegations to approve."""
    manages = Meeting.managed_by(user, "meeting__")
    if not policy.is_rso(user) and not policy.chaired_body_ids(user):
        return []
    waiting = delegations_visible_to(user).filter(
        status=Delegation.Status.SUBMITTED, meeting__ends_at__gte=timezone.now()
    )
    if manages is not None:
        waiting = waiting.filter(manages)
    counts = dict(waiting.order_by().values_list("meeting_id").annotate(n=Count("id")))
    if not counts:
        return []
    meetings = (
        meetings_visible_to(user).filter(pk__in=list(counts)).only("id", "title", "starts_at").order_by("starts_at")
    )
    return [
        Need(
            key="meetings.delegations_to_approve",
            title=_("Delegations to approve: %(meeting)s") % {"meeting": _title(meeting)},
            count=counts[meeting.pk],
            url=reverse("meetings:delegation_list", kwargs={"pk": meeting.pk}),
            due=meeting.starts_at,
            due_label=_("Starts"),
        )
        for meeting in meetings
    ]


ACTION_NEEDS = (
    # key, overdue?, query of the action list that shows them
    ("meetings.actions_overdue", True, "owner=mine&overdue=1"),
    ("meetings.actions_due_soon", False, "owner=mine&soon=1"),
)


def actions_due(user) -> list[Need]:
    """The action items the person or what they act for owns (`?owner=mine` of the action list): those
    overdue, and those due within DUE_SOON_DAYS, counted as the list filtered the same way shows them.
    One query (the home page is the most read page)."""
    if mine_filter(user) is None:
        return []
    today = timezone.localdate()
    late = Q(due_on__lt=today)
    soon = Q(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
    tallies = tally_by_rule(
        action_list(user=user, filters=ActionFilter(owner="mine"), today=today),
        {"late": late, "soon": soon},
        due_field="due_on",
    )
    needs = []
    for key, overdue, query in ACTION_NEEDS:
        tally = tallies["late" if overdue else "soon"]
        count = tally.count
        if not count:
            continue
        if count == 1:  # one action: straight to it
            url = reverse("meetings:action_detail", kwargs={"pk": tally.any_id})
        else:
            url = f"{reverse('meetings:action_list')}?{query}"
        needs.append(
            Need(
                key=key,
                title=_("Overdue action items") if overdue else _("Action items due in the next two weeks"),
                count=count,
                url=url,
                due=tally.first_due,
                severity=OVERDUE if overdue else "",
                due_label=_("Overdue since") if overdue else _("Next due"),
            )
        )
    return needs


def meetings_needs(user) -> list[Need]:
    """Every need of the meetings module, for `register_needs`."""
    return [
        *delegations_to_nominate(user),
        *delegations_to_approve(user),
        *actions_due(user),
        *meetings_to_prepare(user),
    ]


def meetings_first_steps(user) -> list[FirstStep]:
    """Plan a meeting (who may), open one's working group's workspace (co-chairs), browse meetings."""
    steps = []
    if can_create_meeting(user):
        steps.append(
            FirstStep(
                key="meetings.create",
                title=_("Plan a meeting"),
                url=reverse("meetings:meeting_create"),
                text=_("Set its date, agenda and invitations; it stays a draft until you announce it."),
                order=15,
            )
        )
    if policy.is_co_chair(user):
        for body in workspace_bodies().filter(pk__in=sorted(policy.chaired_body_ids(user)))[:1]:
            steps.append(
                FirstStep(
                    key="meetings.workspace",
                    title=_("Open your working group's workspace"),
                    url=reverse("meetings:group_workspace", kwargs={"code": body.code}),
                    text=_("Its meetings, documents, action items and forward work plan."),
                    order=10,
                )
            )
    steps.append(
        FirstStep(
            key="meetings.browse",
            title=_("Browse the meetings"),
            url=reverse("meetings:meeting_list"),
            text=_("Upcoming and past meetings you may read, with their agendas and documents."),
            order=60,
        )
    )
    return steps

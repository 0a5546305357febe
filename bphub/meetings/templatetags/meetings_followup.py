"""Panels of the meeting page owned by the follow-up part (outcomes, action items).

Each reads through the policy in at most three queries: the rows themselves (one query), the
reader's seats and co-chaired bodies (both cached on the user for the request) for the policy and the
manage/update links. The links are hints only: every page they lead to checks access itself.
"""

from django import template
from django.template.loader import render_to_string

from bphub.core import policy
from bphub.meetings.fragments import meeting_fragment
from bphub.meetings.models import OUTCOMES_PUBLISHED
from bphub.meetings.selectors.followup import annotate_for, meeting_actions, outcomes_by_kind, outcomes_visible

register = template.Library()


def _manages(user, meeting) -> bool:
    """The management rule of `can_manage_meeting` for a meeting the page already showed to `user`."""
    if user is None:
        return False
    return policy.runs_body(user, meeting.group_id)


def _reader(context):
    request = context.get("request")
    return getattr(request, "user", None), request


@register.simple_tag(takes_context=True)
def outcomes_panel(context, meeting):
    """The outcomes of `meeting` the reader may see, grouped by kind (decisions, recommendations, …)."""
    user, _request = _reader(context)

    def build():
        outcomes = list(outcomes_visible(meeting=meeting, user=user))
        return render_to_string(
            "meetings/followup/outcomes_panel.html",
            {
                "meeting": meeting,
                "groups": outcomes_by_kind(outcomes),
                "published": meeting.status in OUTCOMES_PUBLISHED,
                "can_manage": _manages(user, meeting),
            },
        )

    return meeting_fragment("outcomes", meeting, user, build)


@register.simple_tag(takes_context=True)
def actions_panel(context, meeting):
    """The actions made at `meeting` and the open ones carried forward from earlier meetings of its
    series, overdue ones marked, each with an update link for the people who own it."""
    user, _request = _reader(context)

    def build():
        actions = meeting_actions(meeting=meeting, user=user)
        annotate_for(actions.own, user)
        annotate_for(actions.carried, user)
        return render_to_string(
            "meetings/followup/actions_panel.html",
            {
                "meeting": meeting,
                "own": actions.own,
                "carried": actions.carried,
                "can_manage": _manages(user, meeting),
            },
        )

    return meeting_fragment("actions", meeting, user, build)

"""Panels of the meeting page owned by the participation part (delegations, documents).

Each renders a small template (without the request's context processors, which would cost
queries) and keeps to at most three queries, whatever the meeting's size.
"""

from django import template
from django.template.loader import render_to_string

from bphub.meetings.fragments import meeting_fragment
from bphub.meetings.models import Delegation
from bphub.meetings.permissions import can_manage_meeting, can_nominate
from bphub.meetings.selectors.participation import delegation_summary, meeting_documents

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def delegations_panel(context, meeting):
    """Counts of the delegations by status, the reader's own member's, and the links they may use."""
    user = _user(context)

    def build():
        summary = delegation_summary(user, meeting)
        may_nominate = summary.own is not None and can_nominate(
            user, Delegation(meeting=meeting, member_id=summary.own.member_id)
        )
        return render_to_string(
            "meetings/participation/panel_delegations.html",
            {
                "meeting": meeting,
                "summary": summary,
                "may_nominate": may_nominate,
                "manages": can_manage_meeting(user, meeting),
                "show_participants": summary.total > 0,
            },
        )

    return meeting_fragment("delegations", meeting, user, build)


@register.simple_tag(takes_context=True)
def documents_panel(context, meeting):
    """The meeting's documents the reader may read (type, language, version, size, download)."""
    user = _user(context)
    return meeting_fragment(
        "documents",
        meeting,
        user,
        lambda: render_to_string(
            "meetings/participation/panel_documents.html",
            {
                "meeting": meeting,
                "documents": list(meeting_documents(user, meeting)),
                "manages": can_manage_meeting(user, meeting),
            },
        ),
        by_participation=True,
    )

"""Authorization-matrix registrations: the follow-up part (outcomes, action items, working-group
workspaces, pre-briefing packs).

- An action's page is about one classified action (view); the list shows exactly the actions the
  reader may see. Progress reports are the owner's (the owning member's coordinators and officials,
  the owning body's co-chairs, the RSO), which is not the matrix's "change" rule (it leaves out
  officials), so the report route is a RoleRoute on an action owned by member A.
- Pre-briefing packs (HTML and PDF) are about one classified meeting (view); signed-in readers only.
  The PDF's first request queues its render and answers 202 ("being prepared").
- Outcomes and actions are recorded by the meeting's managers (the RSO, the co-chairs of the
  meeting's group): RoleRoutes on a meeting of member A; the matrix's co-chairs chair no body, so
  only the RSO succeeds. The work plan is edited by the group's co-chairs and the RSO likewise.
- Workspaces are pages about a body (public reference data); every list in them is filtered by the
  policy (tests/test_workspaces.py).
"""

from bphub.core.authz import ROLES, ClassifiedListRoute, ClassifiedRoute, RoleRoute, register
from bphub.meetings.testing import make_classified_action, make_classified_meeting

RSO = frozenset({"rso_admin", "rso_staff"})
ACTION_OWNERS_OF_A = RSO | {"member_coordinator", "member_official"}


def _meeting_of_a(ctx):
    from bphub.core.models import Classification
    from bphub.meetings.testing import make_meeting

    return make_meeting(
        title="Matrix meeting", classification=Classification.MEMBERS, originator=ctx["member"], group=ctx["body"]
    )


def _outcome_create_path(ctx) -> str:
    return f"/meetings/{_meeting_of_a(ctx).pk}/outcomes/new/"


def _outcome_edit_path(ctx) -> str:
    from bphub.meetings.testing import make_outcome

    return f"/meetings/outcomes/{make_outcome(_meeting_of_a(ctx)).pk}/edit/"


def _action_create_path(ctx) -> str:
    return f"/meetings/{_meeting_of_a(ctx).pk}/actions/new/"


def _action_update_path(ctx) -> str:
    from bphub.meetings.testing import make_action

    action = make_action(_meeting_of_a(ctx), title="Matrix action", owner_member=ctx["member"])
    return f"/meetings/actions/{action.pk}/update/"


register(
    ClassifiedRoute("meetings:action_detail", make_classified_action, lambda action: f"/meetings/actions/{action.pk}/"),
    ClassifiedListRoute("meetings:action_list", make_classified_action, lambda: "/meetings/actions/?status=all"),
    RoleRoute(
        "meetings:action_update",
        _action_update_path,
        allowed=ACTION_OWNERS_OF_A,
        own_member_only=True,
        method="POST",
        data={"status": "in_progress", "text": "Matrix progress"},
        success_status=302,
    ),
    RoleRoute("meetings:action_create", _action_create_path, allowed=RSO),
    RoleRoute("meetings:outcome_create", _outcome_create_path, allowed=RSO),
    RoleRoute("meetings:outcome_edit", _outcome_edit_path, allowed=RSO),
    ClassifiedRoute(
        "meetings:prebriefing",
        make_classified_meeting,
        lambda meeting: f"/meetings/{meeting.pk}/pre-briefing/",
        login_required=True,
    ),
    ClassifiedRoute(
        "meetings:prebriefing_pdf",
        make_classified_meeting,
        lambda meeting: f"/meetings/{meeting.pk}/pre-briefing.pdf",
        login_required=True,
        success_status=202,  # the worker makes the PDF: the first request answers "being prepared"
    ),
    RoleRoute("meetings:group_list", lambda ctx: "/meetings/groups/", allowed=frozenset(ROLES)),
    RoleRoute(
        "meetings:group_workspace", lambda ctx: f"/meetings/groups/{ctx['body'].code}/", allowed=frozenset(ROLES)
    ),
    RoleRoute("meetings:workplan_edit", lambda ctx: f"/meetings/groups/{ctx['body'].code}/work-plan/", allowed=RSO),
)

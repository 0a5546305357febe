"""Authorization-matrix registrations: scheduling (the slot finder).

Only those who manage a meeting use the slot finder: the RSO, and a working group's co-chairs
for the group's meetings (`permissions.can_manage_meeting`). That is not the matrix's "change"
rule (the originating member's coordinators), so these are RoleRoutes about a members-level
meeting of the matrix's body, which the matrix's co-chair (of member A) does not co-chair: the RSO
succeeds, everyone else gets 404 (anonymous: sent to sign in). A co-chair's own access is tested
in bphub/meetings/tests/test_scheduling_views.py.
"""

from datetime import timedelta

from bphub.core.authz import RoleRoute, register

RSO = frozenset({"rso_admin", "rso_staff"})


def _meeting(ctx):
    """One meeting per matrix row, shared by the row's data and path."""
    if "slot_meeting" not in ctx:
        from bphub.meetings.testing import make_meeting

        ctx["slot_meeting"] = make_meeting(title="Slot finder meeting", body=ctx["body"])
    return ctx["slot_meeting"]


register(
    RoleRoute("meetings:slot_finder", lambda ctx: f"/meetings/{_meeting(ctx).pk}/slots/", allowed=RSO),
    RoleRoute(
        "meetings:slot_apply",
        lambda ctx: f"/meetings/{_meeting(ctx).pk}/slots/apply/",
        allowed=RSO,
        method="POST",
        data=lambda ctx: {"starts_at": (_meeting(ctx).starts_at + timedelta(hours=1)).isoformat()},
        success_status=302,
    ),
)

"""Authorization-matrix registrations: coverage, health, network view, engagement lists, exports.

- Pages that list people by name (network page and JSON, exports) are ClassifiedListRoutes over
  focal points: exactly the names of the records the reader may see appear.
- The coverage matrix and health pages show counts, not names: RoleRoutes (their counts are
  checked against the policy in tests/test_coverage.py and tests/test_health.py).
- Engagement lists are classified records themselves: the index is a ClassifiedListRoute over
  lists, a list's page and its export are ClassifiedRoutes (view), edit and delete need change.
"""

from bphub.core.authz import ROLES, ClassifiedListRoute, ClassifiedRoute, RoleRoute, register
from bphub.directory.authz.records import make_focal_point

SIGNED_IN = frozenset(ROLES) - {"anonymous"}
RSO = frozenset({"rso_admin", "rso_staff"})
LIST_AUTHORS = RSO | {"member_coordinator"}


def make_engagement_list(*, classification, originator, body, released_to, marker):
    """An engagement list of member A at `classification`, its name carrying `marker`."""
    from bphub.directory.models import EngagementList

    engagement_list = EngagementList.objects.create(
        name=f"List {marker}",
        classification=classification,
        originator=originator,
        body=body,
        criteria={"member": originator.code},
    )
    engagement_list.released_to.set(released_to)
    return engagement_list


register(
    RoleRoute("directory:coverage", lambda ctx: "/directory/coverage/", allowed=SIGNED_IN),
    # The overview is the RSO's; a coordinator is sent on to their own member's page (302).
    RoleRoute("directory:health", lambda ctx: "/directory/health/", allowed=LIST_AUTHORS, success_status=(200, 302)),
    # Member B: no coordinator in the matrix acts for B, so only the RSO may open it. A coordinator's
    # own member is covered in tests/test_health.py.
    RoleRoute("directory:health_member", lambda ctx: f"/directory/health/{ctx['seat'].member.code}/", allowed=RSO),
    # The network is drawn around one scope: member A's (the matrix's records are all of A).
    ClassifiedListRoute(
        "directory:network", make_focal_point, lambda: "/directory/network/?scope=member:AA", login_required=True
    ),
    ClassifiedListRoute(
        "directory:network_data", make_focal_point, lambda: "/directory/network.json?member=AA", login_required=True
    ),
    ClassifiedListRoute(
        "directory:export", make_focal_point, lambda: "/directory/export/?format=csv", login_required=True
    ),
    ClassifiedListRoute("directory:list_index", make_engagement_list, lambda: "/directory/lists/", login_required=True),
    RoleRoute("directory:list_create", lambda ctx: "/directory/lists/new/", allowed=LIST_AUTHORS),
    ClassifiedRoute(
        "directory:list_detail",
        make_engagement_list,
        lambda record: f"/directory/lists/{record.pk}/",
        login_required=True,
    ),
    ClassifiedRoute(
        "directory:list_export",
        make_engagement_list,
        lambda record: f"/directory/lists/{record.pk}/export/?format=csv",
        login_required=True,
    ),
    ClassifiedRoute(
        "directory:list_edit",
        make_engagement_list,
        lambda record: f"/directory/lists/{record.pk}/edit/",
        login_required=True,
        action="change",
    ),
    ClassifiedRoute(
        "directory:list_delete",
        make_engagement_list,
        lambda record: f"/directory/lists/{record.pk}/delete/",
        login_required=True,
        action="change",
    ),
)

"""Every /api/v1/ operation and the API tokens page, registered for the authorization matrix.

API routes are called with a personal access token (or a session past MFA); `data` is sent as JSON.
"""

from django.urls import reverse

from bphub.core.authz import ROLES, SIGNED_IN_ROLES, ClassifiedListRoute, ClassifiedRoute, RoleRoute, register
from bphub.knowledge.authz import make_resource

EVERYONE = frozenset(ROLES)
# Spelled out, not read from the policy, so that the matrix catches a change to the policy.
CAN_CREATE = frozenset({"rso_admin", "rso_staff", "member_coordinator", "wg_co_chair"})
CAN_VIEW_AUDIT = frozenset({"rso_admin"})


def someone_elses_token_path(context) -> str:
    """A live token of a third person: nobody else may revoke it, whatever their role."""
    from bphub.accounts.testing import create_user
    from bphub.api.services import token_create

    token, _raw = token_create(user=create_user("researcher"), name="not yours")
    return reverse("api:token_revoke", kwargs={"token_id": token.pk})


def _public(name: str, path) -> RoleRoute:
    return RoleRoute(name=name, path=path, allowed=EVERYONE, api=True)


register(
    # The schema, the docs page, the index and unknown paths.
    _public("api:openapi-json", lambda context: reverse("api:openapi-json")),
    _public("api:openapi-view", lambda context: reverse("api:openapi-view")),
    _public("api:api-root", lambda context: reverse("api:api-root")),
    RoleRoute(name="api:not_found", allowed=frozenset(), api=True, denied_status=404, anonymous_status=404,
              path=lambda context: reverse("api:not_found", kwargs={"unmatched": "no-such-route"})),
    # Reference data: public.
    _public("api:member_list", lambda context: reverse("api:member_list")),
    _public("api:member_detail", lambda context: reverse("api:member_detail", kwargs={"code": context["member"].code})),
    _public("api:body_list", lambda context: reverse("api:body_list")),
    _public("api:body_detail", lambda context: reverse("api:body_detail", kwargs={"code": context["body"].code})),
    _public("api:body_seats", lambda context: reverse("api:body_seats", kwargs={"code": context["body"].code})),
    _public("api:theme_list", lambda context: reverse("api:theme_list")),
    # Resources: the policy decides, as in the web pages.
    ClassifiedListRoute(name="api:resource_list", make_record=make_resource, api=True,
                        path=lambda: reverse("api:resource_list") + "?page_size=200"),
    ClassifiedRoute(name="api:resource_detail", make_record=make_resource, api=True,
                    path=lambda record: reverse("api:resource_detail", kwargs={"resource_id": record.pk})),
    RoleRoute(name="api:resource_create", path=lambda context: reverse("api:resource_create"), method="POST",
              api=True, allowed=CAN_CREATE, success_status=201, denied_status=403, anonymous_status=401,
              data={"title": {"en": "Matrix-created resource"}, "kind": "report", "classification": "public"}),
    # The caller's own account and tokens.
    RoleRoute(name="api:me", path=lambda context: reverse("api:me"), api=True, allowed=SIGNED_IN_ROLES,
              anonymous_status=401),
    RoleRoute(name="api:my_needs", path=lambda context: reverse("api:my_needs"), api=True, allowed=SIGNED_IN_ROLES,
              anonymous_status=401),
    RoleRoute(name="api:token_list", path=lambda context: reverse("api:token_list"), api=True,
              allowed=SIGNED_IN_ROLES, anonymous_status=401),
    RoleRoute(name="api:token_create", path=lambda context: reverse("api:token_create"), method="POST", api=True,
              allowed=SIGNED_IN_ROLES, success_status=201, anonymous_status=401, data={"name": "matrix"}),
    RoleRoute(name="api:token_revoke", path=someone_elses_token_path, method="DELETE", api=True,
              allowed=frozenset(), denied_status=404, anonymous_status=401),
    # The audit log: RSO admins only; 404 for everyone else signed in.
    RoleRoute(name="api:audit_event_list", path=lambda context: reverse("api:audit_event_list"), api=True,
              allowed=CAN_VIEW_AUDIT, denied_status=404, anonymous_status=401),
    # The web page for managing one's own tokens.
    RoleRoute(name="api_tokens", path=lambda context: reverse("api_tokens"), allowed=SIGNED_IN_ROLES),
)

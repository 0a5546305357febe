"""The registry behind the authorization-matrix tests.

Every URL route of the project (web page or API operation, by its URL name) is registered here
by the app that owns it, in that app's `authz.py`. The matrix test
(`bphub/core/tests/test_authorization_matrix.py`) fails for any route that is not registered,
and runs every registered route for every role × every classification (the harness, its cast and
its expectations: `bphub/core/tests/matrix.py`; each route's cells share a warm cache, widest reader
first, and run in savepoints, so a route's `make_record`/`path` may create what it needs freely).

Three kinds of registration:
- `ClassifiedRoute`: a page or API operation about ONE classified record. The harness creates
  the record at each classification (originated by member A, released to member B when
  restricted, attached to a body member A sits on when body-level) and expects success exactly
  when `bphub.core.policy.can_view` says so, 404 otherwise (anonymous: login redirect / 401
  when the route needs a signed-in user, else 404).
- `ClassifiedListRoute`: a list/search/export of classified records. The harness creates one
  record per classification, each with a unique marker in its title, and checks that the
  response contains exactly the markers of the records the policy lets the user see.
- `RoleRoute`: a route that is not about a classified record (reference data, admin pages).
  It declares which roles succeed; everyone else gets `denied_status`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "rso_admin",
    "rso_staff",
    "member_coordinator",
    "member_official",
    "wg_co_chair",
    "researcher",
    "alumnus",
)
SIGNED_IN_ROLES = frozenset(ROLES) - {"anonymous"}


@dataclass(frozen=True)
class ClassifiedRoute:
    name: str  # URL name, e.g. "knowledge:resource_detail" or "api:resource_detail"
    make_record: Callable  # (classification=..., originator=..., body=..., released_to=[...], marker=str) -> record
    path: Callable  # (record) -> URL path
    method: str = "GET"
    api: bool = False
    login_required: bool = False  # True: anonymous is sent to log in (web) / gets 401 (API)
    success_status: int = 200
    data: dict | None = None
    action: str = "view"  # the policy action the route needs (policy.Action)


@dataclass(frozen=True)
class ClassifiedListRoute:
    name: str
    make_record: Callable
    path: Callable  # () -> URL path
    api: bool = False
    login_required: bool = False


@dataclass(frozen=True)
class RoleRoute:
    name: str
    path: Callable  # (context) -> URL path; context has "member", "other_member", "body", "user_of"...
    allowed: frozenset = field(default_factory=lambda: frozenset(ROLES))
    method: str = "GET"
    api: bool = False
    data: dict | Callable | None = None  # a dict, or (context) -> dict
    success_status: int | tuple = 200
    denied_status: int = 404
    anonymous_status: int | None = None  # default: 302 (web) or 401 (API) unless "anonymous" allowed
    # The route acts on something of member A (ctx["member"]): member roles of another member are denied.
    own_member_only: bool = False


@dataclass(frozen=True)
class ExemptRoute:
    """A route outside the policy (a library's own pages, static), with the reason why."""

    prefix: str
    reason: str


REGISTRY: dict[str, object] = {}
EXEMPT: list[ExemptRoute] = []


def register(*routes) -> None:
    for route in routes:
        if route.name in REGISTRY:
            raise ValueError(f"Route {route.name} is registered twice")
        REGISTRY[route.name] = route


def exempt(prefix: str, reason: str) -> None:
    EXEMPT.append(ExemptRoute(prefix, reason))


def load_all() -> dict[str, object]:
    """Import every app's authz module so that its routes are registered."""
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("bphub."):
            try:
                import_module(f"{config.name}.authz")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.authz":
                    raise
    return REGISTRY


# --- The core app's own routes ------------------------------------------------------------
RSO_ADMIN_ONLY = frozenset({"rso_admin"})

register(
    RoleRoute("home", lambda ctx: "/"),
    RoleRoute("healthz", lambda ctx: "/healthz"),
    RoleRoute("audit_log", lambda ctx: "/audit/", allowed=RSO_ADMIN_ONLY),
    RoleRoute(
        "set_language",
        lambda ctx: "/i18n/setlang/",
        method="POST",
        data={"language": "th", "next": "/"},
        success_status=302,
    ),
    *[
        RoleRoute(f"area_{key}", lambda ctx, key=key: f"/{key}/")
        for key in ("research", "secondments", "trends")
    ],
)
exempt(
    "accounts/",
    "allauth's own pages (login, MFA, email, password, own sessions): each acts only on the "
    "signed-in person's own account; covered by bphub/accounts/tests",
)
exempt("django-admin/", "Django admin: is_staff only, signed in through allauth and MFA")

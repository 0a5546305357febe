"""Every route × every role × every classification, against an expectation written out here.

The expectation is spelled out independently of bphub.core.policy, so a policy bug shows up as a
failing cell rather than being mirrored by the test.

Cast: member A originates every classified record; member B is named in `released_to` for
restricted records and holds a current seat on the record's body; member C holds only a past seat
on that body and is named nowhere. Member roles are tried as people of A, B and C.
"""

import json
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from bphub.core import authz
from bphub.core.models import Classification

REGISTRY = authz.load_all()
CLASSIFICATIONS = [choice for choice, _label in Classification.choices]
MEMBER_ROLES = ("member_coordinator", "member_official", "wg_co_chair")

# (role, the member the person acts for) — the subjects of the matrix.
SUBJECTS = [("anonymous", None), ("rso_admin", None), ("rso_staff", None)]
SUBJECTS += [(role, position) for role in MEMBER_ROLES for position in ("A", "B", "C")]
SUBJECTS += [("researcher", "C"), ("alumnus", "C")]


def expected_visible(role: str, position: str | None, classification: str) -> bool:
    if classification == Classification.PUBLIC:
        return True
    if role in {"rso_admin", "rso_staff"}:
        return True
    if role not in MEMBER_ROLES:
        return False  # anonymous, researchers, alumni: public only
    if classification == Classification.MEMBERS:
        return True
    if classification in {Classification.BODY, Classification.RESTRICTED}:
        return position in {"A", "B"}
    return False  # secretariat only


def expected_allowed(action: str, role: str, position: str | None, classification: str) -> bool:
    """The expectation for a route that needs `action` on a record originated by member A."""
    if action == "view":
        return expected_visible(role, position, classification)
    if action == "change":  # the RSO, and the originating member's coordinators
        if role in {"rso_admin", "rso_staff"}:
            return True
        return role == "member_coordinator" and position == "A" and expected_visible(role, position, classification)
    raise AssertionError(f"No expectation written for action {action!r}")


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), (namespace + pattern.name) if pattern.name else None


def project_routes():
    for path, name in _walk(get_resolver().url_patterns):
        if any(path.startswith(rule.prefix) for rule in authz.EXEMPT):
            continue
        yield path, name


def test_every_route_is_registered_in_the_authorization_matrix():
    missing = [f"{path} ({name})" for path, name in project_routes() if name not in REGISTRY]
    assert not missing, "Register these routes in their app's authz.py: " + ", ".join(missing)


def test_every_registered_route_exists():
    names = {name for _path, name in project_routes()}
    assert not set(REGISTRY) - names


@pytest.fixture
def cast(db, make_user):
    from bphub.members.models import Body, BodyMembership, Member, Theme

    members = {
        "A": Member.objects.create(code="AA", name={"en": "Member A"}, kind=Member.Kind.STATE),
        "B": Member.objects.create(code="BB", name={"en": "Member B"}, kind=Member.Kind.STATE),
        "C": Member.objects.create(code="CC", name={"en": "Member C"}, kind=Member.Kind.STATE),
    }
    body = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    seat = BodyMembership.objects.create(member=members["B"], body=body, valid_from=date(2020, 1, 1))
    BodyMembership.objects.create(
        member=members["C"], body=body, valid_from=date(2015, 1, 1), valid_to=date(2019, 12, 31)
    )
    theme = Theme.objects.create(code="tx", name={"en": "Theme X"}, source=Theme.Source.SEED)
    return {"members": members, "body": body, "seat": seat, "theme": theme}


def _client_for(client, make_user, cast, role, position):
    if role == "anonymous":
        return client, None
    from bphub.accounts.testing import force_login_with_mfa

    user = make_user(role, cast["members"][position] if position else None)
    force_login_with_mfa(client, user)
    return client, user


def _request(client, method, path, data=None, api=False):
    if method == "GET":
        return client.get(path)
    if api:
        return client.generic(method, path, json.dumps(data or {}), content_type="application/json")
    return client.post(path, data or {})


def _denied_status(route, role):
    if role == "anonymous" and getattr(route, "login_required", True):
        return 401 if route.api else 302
    return 404


CLASSIFIED = sorted(name for name, route in REGISTRY.items() if isinstance(route, authz.ClassifiedRoute))
LISTS = sorted(name for name, route in REGISTRY.items() if isinstance(route, authz.ClassifiedListRoute))
ROLE_ROUTES = sorted(name for name, route in REGISTRY.items() if isinstance(route, authz.RoleRoute))


def _make_record(route, cast, classification, marker):
    members = cast["members"]
    return route.make_record(
        classification=classification,
        originator=members["A"],
        body=cast["body"],
        released_to=[members["B"]],
        marker=marker,
    )


@pytest.mark.parametrize("classification", CLASSIFICATIONS)
@pytest.mark.parametrize(("role", "position"), SUBJECTS)
@pytest.mark.parametrize("route_name", CLASSIFIED)
def test_classified_route(route_name, role, position, classification, client, make_user, cast):
    route = REGISTRY[route_name]
    record = _make_record(route, cast, classification, marker=f"{classification}-marker")
    client, _user = _client_for(client, make_user, cast, role, position)
    response = _request(client, route.method, route.path(record), route.data, route.api)
    allowed = expected_allowed(route.action, role, position, classification)
    if role == "anonymous" and route.login_required:
        allowed = False  # login_required routes send anonymous visitors to sign in (core/authz.py)
    if allowed:
        assert response.status_code == route.success_status, (route_name, role, position, classification)
    else:
        expected = _denied_status(route, role) if route.login_required else 404
        assert response.status_code == expected, (route_name, role, position, classification, response.status_code)
        assert f"{classification}-marker".encode() not in response.content


@pytest.mark.parametrize(("role", "position"), SUBJECTS)
@pytest.mark.parametrize("route_name", LISTS)
def test_classified_list_shows_exactly_what_the_reader_may_see(route_name, role, position, client, make_user, cast):
    route = REGISTRY[route_name]
    for classification in CLASSIFICATIONS:
        _make_record(route, cast, classification, marker=f"zq{classification}zq")
    client, _user = _client_for(client, make_user, cast, role, position)
    response = client.get(route.path())
    if role == "anonymous" and route.login_required:
        assert response.status_code == (401 if route.api else 302)
        return
    assert response.status_code == 200
    shown = {c for c in CLASSIFICATIONS if f"zq{c}zq".encode() in response.content}
    assert shown == {c for c in CLASSIFICATIONS if expected_visible(role, position, c)}, (role, position)


@pytest.fixture
def role_context(cast, make_user):
    from allauth.usersessions.models import UserSession

    from bphub.accounts.models import Invitation
    from bphub.core.tokens import token_digest

    person = make_user("member_official", cast["members"]["A"])
    inviter = make_user("rso_staff")
    token = "matrix-invitation-token"
    from django.utils import timezone

    invitation = Invitation.objects.create(
        email="invitee@example.org",
        full_name="Invitee",
        role="member_official",
        member=cast["members"]["A"],
        token_hash=token_digest(token),
        invited_by=inviter,
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    session = UserSession.objects.create(
        user=person, session_key="matrix-session-key", ip="127.0.0.1", user_agent="test"
    )
    return {
        "member": cast["members"]["A"],
        "body": cast["body"],
        "seat": cast["seat"],
        "theme": cast["theme"],
        "person": person,
        "invitation": invitation,
        "invitation_token": token,
        "session": session,
    }


ROLE_SUBJECTS = [("anonymous", None), ("rso_admin", None), ("rso_staff", None)]
ROLE_SUBJECTS += [(role, "A") for role in MEMBER_ROLES] + [("member_official", "C"), ("member_coordinator", "C")]
ROLE_SUBJECTS += [("researcher", "C"), ("alumnus", "C")]


@pytest.mark.parametrize(("role", "position"), ROLE_SUBJECTS)
@pytest.mark.parametrize("route_name", ROLE_ROUTES)
def test_role_route(route_name, role, position, client, make_user, cast, role_context):
    route = REGISTRY[route_name]
    allowed = role in route.allowed
    if (
        role == "member_coordinator"
        and position == "C"
        and route_name.startswith("accounts:")
        and route_name
        not in {
            "accounts:people_list",
            "accounts:invitation_create",
            "accounts:preferences",
            "accounts:invitation_accept",
        }
    ):
        allowed = False  # a coordinator manages only their own member's people
    if route.own_member_only and position not in (None, "A"):
        allowed = False
    client, _user = _client_for(client, make_user, cast, role, position)
    data = route.data(role_context) if callable(route.data) else route.data
    response = _request(client, route.method, route.path(role_context), data, route.api)
    if allowed:
        expected = route.success_status if isinstance(route.success_status, tuple) else (route.success_status,)
        assert response.status_code in expected, (route_name, role, position, response.status_code)
    elif role == "anonymous":
        default = 401 if route.api else 302
        assert response.status_code == (route.anonymous_status or default), (route_name, role, response.status_code)
    else:
        assert response.status_code == route.denied_status, (route_name, role, position, response.status_code)

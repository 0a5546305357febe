"""The authorization matrix's machinery: the cast, its signed-in readers, the expectations, and
`check_route`, which runs every cell of one registered route and returns the cells that failed.

Cost per cell is one request: the cast (members, body, seats, a person of every role) is built
once per module and each reader signs in once; every request still goes through the whole
middleware stack (session, idle timeout, MFA, language, time zone). Rows stay isolated with
savepoints: a route's records live in one savepoint, each cell (a POST may change things) in
one of its own, both rolled back.

The cache is NOT cleared between the cells of a route: readers take turns on the same records
against a warm cache, the widest reader first, so a fragment cached for one readership and served
to another fails the matrix. The cache is cleared between routes (root conftest.py).

Expectations are spelled out here, independently of bphub.core.policy, so that a policy bug shows
as a failing cell rather than being mirrored by the test.

Cast: member A originates every classified record; member B is named in `released_to` for
restricted records and holds a current seat on the record's body; member C holds only a past seat
on that body and is named nowhere. Member roles are tried as people of A, B and C.
"""

import copy
import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.test import Client
from django.utils import timezone

from bphub.core import authz
from bphub.core.models import Classification

CLASSIFICATIONS = [choice for choice, _label in Classification.choices]
MEMBER_ROLES = ("member_coordinator", "member_official", "wg_co_chair")
# Widest reader first: a cache keyed too coarsely serves a wide reader's page to a narrower one.
READING_ORDER = (
    "rso_admin",
    "rso_staff",
    "member_coordinator",
    "wg_co_chair",
    "member_official",
    "researcher",
    "alumnus",
    "anonymous",
)


def _widest_first(subjects):
    return sorted(subjects, key=lambda s: (READING_ORDER.index(s[0]), s[1] or ""))


# (role, the member the person acts for): the readers of classified routes and lists ...
SUBJECTS = [("anonymous", None), ("rso_admin", None), ("rso_staff", None)]
SUBJECTS += [(role, position) for role in MEMBER_ROLES for position in ("A", "B", "C")]
SUBJECTS = _widest_first(SUBJECTS + [("researcher", "C"), ("alumnus", "C")])
# ... and of role routes.
ROLE_SUBJECTS = [("anonymous", None), ("rso_admin", None), ("rso_staff", None)]
ROLE_SUBJECTS += [(role, "A") for role in MEMBER_ROLES] + [("member_official", "C"), ("member_coordinator", "C")]
ROLE_SUBJECTS = _widest_first(ROLE_SUBJECTS + [("researcher", "C"), ("alumnus", "C")])

# Account routes a coordinator of another member may still open (they act on nobody of member A).
COORDINATOR_ANYWHERE = {
    "accounts:people_list",
    "accounts:invitation_create",
    "accounts:preferences",
    "accounts:invitation_accept",
}


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


def rows_of(route) -> int:
    """How many cells (rows of the matrix) `route` has."""
    if isinstance(route, authz.ClassifiedRoute):
        return len(SUBJECTS) * len(CLASSIFICATIONS)
    if isinstance(route, authz.ClassifiedListRoute):
        return len(SUBJECTS)
    return len(ROLE_SUBJECTS)


@contextmanager
def rolled_back():
    """A savepoint that is always rolled back: what happens inside leaves no trace in the database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Reader:
    role: str
    position: str | None
    client: Client
    cookies: object = None  # the signed-in cookie jar, put back before every request
    user: object = None

    @property
    def label(self) -> str:
        return f"{self.role}@{self.position}" if self.position else self.role


@dataclass
class World:
    """The cast, the role routes' context, and a signed-in client per reader."""

    members: dict
    body: object
    seat: object
    context: dict
    readers: dict = field(default_factory=dict)
    setup_seconds: float = 0.0

    def reader(self, role: str, position: str | None) -> Reader:
        reader = self.readers[(role, position)]
        # A cell may set a cookie (language) or rotate the session; the next one starts clean.
        reader.client.cookies = copy.deepcopy(reader.cookies)
        return reader

    def keep_sessions_alive(self) -> None:
        """Mark every session as seen now, as a reader active a moment ago would have it: cells roll
        their writes back, so without this a long run would reach the idle timeout."""
        from bphub.accounts.middleware import SESSION_SEEN_KEY

        now = time.time()
        for reader in self.readers.values():
            if reader.user is not None:
                reader.client.cookies = copy.deepcopy(reader.cookies)
                session = reader.client.session
                session[SESSION_SEEN_KEY] = now
                session.save()


def build_world() -> World:
    """Members A, B, C, a working group, a person of every role, each signed in past MFA once."""
    from allauth.usersessions.models import UserSession

    from bphub.accounts.models import Invitation
    from bphub.accounts.testing import create_user, force_login_with_mfa
    from bphub.core.tokens import token_digest
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

    # What role routes act on: a person of member A, an invitation, someone's session.
    person = create_user("member_official", members["A"])
    token = "matrix-invitation-token"
    invitation = Invitation.objects.create(
        email="invitee@example.org",
        full_name="Invitee",
        role="member_official",
        member=members["A"],
        token_hash=token_digest(token),
        invited_by=create_user("rso_staff"),
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    session = UserSession.objects.create(
        user=person, session_key="matrix-session-key", ip="127.0.0.1", user_agent="test"
    )
    context = {
        "member": members["A"],
        "body": body,
        "seat": seat,
        "theme": theme,
        "person": person,
        "invitation": invitation,
        "invitation_token": token,
        "session": session,
    }
    world = World(members=members, body=body, seat=seat, context=context)
    for role, position in dict.fromkeys(SUBJECTS + ROLE_SUBJECTS):
        client = Client()
        user = None
        if role != "anonymous":
            user = create_user(role, members[position] if position else None)
            force_login_with_mfa(client, user)
        world.readers[(role, position)] = Reader(role, position, client, copy.deepcopy(client.cookies), user)
    return world


@dataclass
class Outcome:
    rows: int = 0
    failures: list = field(default_factory=list)


def _send(client, method, path, data=None, api=False):
    if method == "GET":
        return client.get(path)
    if api:
        return client.generic(method, path, json.dumps(data or {}), content_type="application/json")
    return client.post(path, data or {})


def _body(response) -> bytes:
    # The test client closes the response itself (a streaming one once read to the end); closing it
    # here would send request_finished, which closes the database connection of the test.
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _cell(outcome: Outcome, where: str, request, check) -> None:
    """One row: a request in a savepoint of its own, then its check; a failure is recorded, not raised."""
    outcome.rows += 1
    try:
        with rolled_back():
            response = request()
            content = _body(response)
        problem = check(response.status_code, content)
    except Exception as error:  # noqa: BLE001 - a crashing view is a failed row, and the run goes on
        problem = f"raised {type(error).__name__}: {error}"
    if problem:
        outcome.failures.append(f"{where}: {problem}")


def _make_record(world: World, route, classification: str, marker: str):
    return route.make_record(
        classification=classification,
        originator=world.members["A"],
        body=world.body,
        released_to=[world.members["B"]],
        marker=marker,
    )


def _check_classified(world: World, route, outcome: Outcome) -> None:
    records = {c: _make_record(world, route, c, marker=f"{c}-marker") for c in CLASSIFICATIONS}
    for role, position in SUBJECTS:
        for classification, record in records.items():
            reader = world.reader(role, position)
            allowed = expected_allowed(route.action, role, position, classification)
            if role == "anonymous" and route.login_required:
                allowed = False  # login_required routes send anonymous visitors to sign in (core/authz.py)
            if allowed:
                expected = route.success_status
            elif role == "anonymous" and route.login_required:
                expected = 401 if route.api else 302
            else:
                expected = 404
            marker = f"{classification}-marker".encode()

            def check(status, content, allowed=allowed, expected=expected, marker=marker):
                if status != expected:
                    return f"expected {expected}, got {status}"
                if not allowed and marker in content:
                    return "the record's marker is in the refusal"
                return None

            _cell(
                outcome,
                f"{route.name} | {reader.label} | {classification}",
                lambda: _send(reader.client, route.method, route.path(record), route.data, route.api),
                check,
            )


def _check_list(world: World, route, outcome: Outcome) -> None:
    for classification in CLASSIFICATIONS:
        _make_record(world, route, classification, marker=f"zq{classification}zq")
    path = route.path()
    for role, position in SUBJECTS:
        reader = world.reader(role, position)
        visible = {c for c in CLASSIFICATIONS if expected_visible(role, position, c)}
        refused = 401 if route.api else 302

        def check(status, content, role=role, visible=visible, refused=refused):
            if role == "anonymous" and route.login_required:
                return None if status == refused else f"expected {refused}, got {status}"
            if status != 200:
                return f"expected 200, got {status}"
            shown = {c for c in CLASSIFICATIONS if f"zq{c}zq".encode() in content}
            if shown != visible:
                return f"shows {sorted(shown)}, expected exactly {sorted(visible)}"
            return None

        _cell(outcome, f"{route.name} | {reader.label}", lambda: reader.client.get(path), check)


def _role_allowed(route, role: str, position: str | None) -> bool:
    allowed = role in route.allowed
    if role == "member_coordinator" and position == "C" and route.name.startswith("accounts:"):
        allowed = allowed and route.name in COORDINATOR_ANYWHERE  # a coordinator manages only their member's people
    if route.own_member_only and position not in (None, "A"):
        allowed = False
    return allowed


def _check_role(world: World, route, outcome: Outcome) -> None:
    for role, position in ROLE_SUBJECTS:
        reader = world.reader(role, position)
        allowed = _role_allowed(route, role, position)
        if allowed:
            expected = route.success_status if isinstance(route.success_status, tuple) else (route.success_status,)
        elif role == "anonymous":
            expected = (route.anonymous_status or (401 if route.api else 302),)
        else:
            expected = (route.denied_status,)

        def request():
            context = dict(world.context)  # a path may keep what it made for the row's data
            path = route.path(context)
            data = route.data(context) if callable(route.data) else route.data
            return _send(reader.client, route.method, path, data, route.api)

        def check(status, _content, expected=expected):
            return None if status in expected else f"expected {' or '.join(map(str, expected))}, got {status}"

        _cell(outcome, f"{route.name} | {reader.label}", request, check)


def check_route(world: World, route) -> Outcome:
    """Every cell of `route`, one after the other against a warm cache; the failed cells are listed."""
    outcome = Outcome()
    with rolled_back():
        world.keep_sessions_alive()
        if isinstance(route, authz.ClassifiedRoute):
            _check_classified(world, route, outcome)
        elif isinstance(route, authz.ClassifiedListRoute):
            _check_list(world, route, outcome)
        elif isinstance(route, authz.RoleRoute):
            _check_role(world, route, outcome)
        else:
            raise TypeError(f"Unknown registration {route!r}")
    return outcome

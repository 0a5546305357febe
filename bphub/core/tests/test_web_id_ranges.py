"""No web page answers 500 to a record id beyond the database's range (issue 9).

A 21-digit id once reached the ORM from paths, query strings and form posts: SQLite raised
OverflowError, PostgreSQL a DataError. Ids in paths use the `<id:...>` converter (404 when out of
range); ids in query strings and forms go through `bphub.core.ids.parse_id` or the record choice
fields of `bphub.core.forms` (an ordinary "unknown choice", or the filter ignored).

Three walks, as an anonymous visitor, an RSO admin and an official of member A:
- every web URL pattern with a 21-digit number in each of its path parameters;
- every registered web route (`bphub.core.authz`) on a real record, with every id-like filter and
  every field its page's forms offer set to a 21-digit number, by GET and by POST;
- every registered list with one such parameter at a time.

The cast and its signed-in readers are the authorization matrix's world (`matrix.build_world`),
built once for the module in a transaction rolled back at its end. A route's record lives in a
savepoint, each request in one of its own. Every failing request of a walk is listed together.
"""

import re

import pytest
from django.db import transaction
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

from bphub.core import authz
from bphub.core.ids import IdConverter
from bphub.core.models import Classification
from bphub.core.tests import matrix

REGISTRY = authz.load_all()
HUGE = "1" + "0" * 20  # 21 digits: beyond a signed 64-bit integer
SUBJECTS = [("anonymous", None), ("rso_admin", None), ("member_official", "A")]

# The id-like names the views and filter forms read (besides the fields a page's forms offer).
ID_PARAMS = (
    "id", "pk", "member", "agency", "meeting", "series", "body", "group", "theme", "outcome", "owner",
    "person", "other", "version", "list", "parent", "sub_region", "delegation", "item", "document",
    "user", "invitation", "session", "seat", "focal_point", "target", "engagement_list", "audience_body",
    "audience_sub_region", "audience_list", "released_to", "members", "roster", "host", "documents",
    "themes", "owner_member", "owner_body", "chaired_bodies", "number", "from_list", "person_id",
)  # fmt: skip
ID_LIKE = re.compile(r"(^|_)(id|pk)$")
FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*?\bname=\"([^\"]+)\"", re.IGNORECASE)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _web_patterns():
    """(route text, its converters by parameter) of every pattern outside the API."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(("api/", "django-admin/")):
            continue  # the API checks its own ids (bphub.api.types.RecordId); the admin is Django's
        converters = dict(getattr(pattern.pattern, "converters", {}))
        found.append((route, converters))
    return found


def _web_routes():
    return sorted(name for name, route in REGISTRY.items() if not getattr(route, "api", False))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The matrix's cast and signed-in readers, once for the module; nothing of it outlives the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = matrix.build_world()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def open_world(world, db):
    """The world, inside the test's own savepoint (pytest-django's db, nested in the module's transaction)."""
    return world


def _request(world, failures, role, position, method, path, data=None, expected=None):
    """One request by a signed-in reader, in a savepoint rolled back after it; a 500, a view's
    exception or (with `expected`) another status is added to `failures`, and the walk goes on.
    Returns the response, or None when the view raised."""
    reader = world.reader(role, position)  # the signed-in cookies, whatever the last request did
    where = f"{method.upper()} {path}{_described(data)} as {reader.label}"
    try:
        with matrix.rolled_back():
            response = getattr(reader.client, method)(path, data or {})
    except Exception as error:  # noqa: BLE001 - a crashing view is one failure, and the walk goes on
        failures.append(f"{where}: raised {type(error).__name__}: {error}")
        return None
    if response.status_code >= 500 or (expected is not None and response.status_code != expected):
        failures.append(f"{where}: got {response.status_code}" + (f", expected {expected}" if expected else ""))
    return response


def _described(data) -> str:
    if not data:
        return ""
    if len(data) == 1:
        return "?{}={}".format(*next(iter(data.items())))
    return f" with {sum(value == HUGE for value in data.values())} id-like fields at 21 digits"


def _report(failures, walk):
    return f"{walk}: {len(failures)} failing request(s):\n" + "\n".join(failures)


def test_every_id_path_parameter_uses_the_id_converter():
    loose = [
        f"{route} <{name}>"
        for route, converters in _web_patterns()
        for name, converter in converters.items()
        if ID_LIKE.search(name) and not isinstance(converter, IdConverter)
    ]
    assert not loose, "Use <id:...> for these record ids: " + ", ".join(loose)


def test_a_huge_number_in_any_path_parameter_is_not_a_server_error(open_world):
    failures = []
    tried = 0
    for route, converters in _web_patterns():
        if not converters:
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", HUGE, route)
        # An out-of-range id matches no pattern: 404 before any view runs, signed in or not.
        expected = 404 if any(isinstance(c, IdConverter) for c in converters.values()) else None
        for role, position in SUBJECTS:
            for method in ("get", "post"):
                _request(open_world, failures, role, position, method, path, expected=expected)
                tried += 1
    assert tried > 300  # the walk really went through the project's pages (as three readers)
    assert not failures, _report(failures, "the path walk")


def _path_of(world, route):
    """The route's path on a real record (made here, in the route's savepoint), and its data."""
    if isinstance(route, authz.ClassifiedRoute):
        record = route.make_record(
            classification=Classification.PUBLIC,
            originator=world.members["A"],
            body=world.body,
            released_to=[world.members["B"]],
            marker="range-marker",
        )
        return route.path(record), route.data
    if isinstance(route, authz.ClassifiedListRoute):
        return route.path(), None
    context = dict(world.context)  # a path may keep what it made for the route's data
    path = route.path(context)
    return path, route.data(context) if callable(route.data) else route.data


def _field_names(response) -> set[str]:
    # Streaming answers (downloads) are left unread: the test client closes them itself; closing one
    # here would send request_finished, which closes the test's database connection.
    if response is None or response.status_code != 200 or getattr(response, "streaming", False):
        return set()
    if "html" not in response.get("Content-Type", ""):
        return set()
    return set(FIELD_NAME.findall(response.content.decode(errors="replace"))) - {"csrfmiddlewaretoken"}


@pytest.mark.parametrize("route_name", _web_routes())
def test_huge_ids_in_query_strings_and_forms_are_not_server_errors(route_name, open_world):
    route = REGISTRY[route_name]
    failures = []
    with matrix.rolled_back():
        path, data = _path_of(open_world, route)
        path, _sep, query = path.partition("?")
        for role, position in SUBJECTS:
            page = _request(open_world, failures, role, position, "get", path + ("?" + query if query else ""))
            names = set(ID_PARAMS) | _field_names(page)
            flooded = {**QueryDict(query).dict(), **dict.fromkeys(sorted(names), HUGE)}
            if isinstance(data, dict):
                flooded = {**data, **flooded}  # the route's own fields, with every id-like one out of range
            _request(open_world, failures, role, position, "get", path, flooded)
            _request(open_world, failures, role, position, "post", path, flooded)
            if isinstance(route, authz.ClassifiedListRoute):
                for name in sorted(names):  # one at a time: an invalid filter does not hide another
                    _request(open_world, failures, role, position, "get", path, {name: HUGE})
    assert not failures, _report(failures, route_name)

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
"""

import re

import pytest
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

from bphub.core import authz
from bphub.core.ids import IdConverter
from bphub.core.models import Classification
from bphub.core.tests import test_authorization_matrix as matrix

REGISTRY = authz.load_all()
cast = matrix.cast  # the matrix's cast (members A, B, C; a body; a theme) and route context, as fixtures
role_context = matrix.role_context
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


def _sign_in(client, make_user, cast, role, position):
    if role == "anonymous":
        return None
    from bphub.accounts.testing import force_login_with_mfa

    user = make_user(role, cast["members"][position] if position else None)
    force_login_with_mfa(client, user)
    return user


def _path_of(route, cast, role_context):
    if isinstance(route, authz.ClassifiedRoute):
        members = cast["members"]
        record = route.make_record(
            classification=Classification.PUBLIC,
            originator=members["A"],
            body=cast["body"],
            released_to=[members["B"]],
            marker="range-marker",
        )
        return route.path(record)
    if isinstance(route, authz.ClassifiedListRoute):
        return route.path()
    return route.path(role_context)


def _field_names(response) -> set[str]:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return set()
    return set(FIELD_NAME.findall(response.content.decode(errors="replace"))) - {"csrfmiddlewaretoken"}


def _assert_no_server_error(response, what):
    assert response.status_code < 500, (what, response.status_code)


def test_every_id_path_parameter_uses_the_id_converter():
    loose = [
        f"{route} <{name}>"
        for route, converters in _web_patterns()
        for name, converter in converters.items()
        if ID_LIKE.search(name) and not isinstance(converter, IdConverter)
    ]
    assert not loose, "Use <id:...> for these record ids: " + ", ".join(loose)


@pytest.mark.parametrize(("role", "position"), SUBJECTS)
def test_a_huge_number_in_any_path_parameter_is_not_a_server_error(role, position, client, make_user, cast):
    _sign_in(client, make_user, cast, role, position)
    tried = 0
    for route, converters in _web_patterns():
        if not converters:
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", HUGE, route)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            _assert_no_server_error(response, (method, path))
            if any(isinstance(c, IdConverter) for c in converters.values()):
                assert response.status_code == 404, (method, path, response.status_code)
            tried += 1
    assert tried > 100  # the walk really went through the project's pages


@pytest.mark.parametrize(("role", "position"), SUBJECTS)
@pytest.mark.parametrize("route_name", _web_routes())
def test_huge_ids_in_query_strings_and_forms_are_not_server_errors(
    route_name,
    role,
    position,
    client,
    make_user,
    cast,
    role_context,
):
    route = REGISTRY[route_name]
    path = _path_of(route, cast, role_context)
    path, _sep, query = path.partition("?")
    _sign_in(client, make_user, cast, role, position)
    names = set(ID_PARAMS) | _field_names(client.get(path + ("?" + query if query else "")))
    flooded = {**QueryDict(query).dict(), **dict.fromkeys(sorted(names), HUGE)}
    if isinstance(route, authz.RoleRoute) and isinstance(route.data, dict):
        flooded = {**route.data, **flooded}  # a route's own fields, with every id-like one out of range

    _assert_no_server_error(client.get(path, flooded), ("GET", path))
    _assert_no_server_error(client.post(path, flooded), ("POST", path))
    if isinstance(route, authz.ClassifiedListRoute):
        for name in sorted(names):  # one at a time: an invalid filter does not hide another
            _assert_no_server_error(client.get(path, {name: HUGE}), ("GET", path, name))

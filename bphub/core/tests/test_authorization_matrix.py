"""Every route × every role × every classification, against an expectation written out in matrix.py.

One test per registered route runs all of that route's cells (matrix.check_route) and lists every
cell that failed. The cast and the signed-in readers are built once for the module (`world`), in a
transaction rolled back at its end; each route and each cell runs in a savepoint of its own.
The `bites` tests plant leaks and show that the same check reports them.
"""

import time

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from bphub.core import authz
from bphub.core.tests import matrix

REGISTRY = authz.load_all()


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


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The cast and its signed-in readers, once for the module; nothing of it outlives the module."""
    started = time.perf_counter()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = matrix.build_world()
            built.setup_seconds = time.perf_counter() - started
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


@pytest.mark.parametrize("route_name", sorted(REGISTRY))
def test_route(route_name, open_world, record_property):
    outcome = matrix.check_route(open_world, REGISTRY[route_name])
    record_property("matrix_rows", outcome.rows)
    if open_world.setup_seconds:  # the cast's cost, counted once (root conftest.py sums the rows' costs)
        record_property("matrix_setup_seconds", open_world.setup_seconds)
        open_world.setup_seconds = 0.0
    assert outcome.rows == matrix.rows_of(REGISTRY[route_name])
    assert not outcome.failures, f"{len(outcome.failures)} of {outcome.rows} cells failed:\n" + "\n".join(
        outcome.failures
    )


# --- The matrix bites: planted leaks are reported -------------------------------------------------

LEAK_URLS = "bphub.core.tests.matrix_leak_urls"


def _planted(route):
    """`route` is in the registry for the duration of the `with`, as an app's authz.py would put it."""

    class Planted:
        def __enter__(self):
            authz.register(route)
            return route

        def __exit__(self, *exc):
            del authz.REGISTRY[route.name]

    return Planted()


def _make_resource(**kwargs):
    from bphub.knowledge.authz import make_resource

    return make_resource(**kwargs)


@override_settings(ROOT_URLCONF=LEAK_URLS)
def test_the_matrix_reports_a_page_that_skips_the_policy(open_world):
    route = authz.ClassifiedRoute("matrix_leak_detail", _make_resource, lambda record: f"/matrix-leak/{record.pk}/")
    with _planted(route):
        assert "matrix_leak_detail" in {name for _path, name in project_routes()}
        outcome = matrix.check_route(open_world, REGISTRY["matrix_leak_detail"])
    assert "matrix_leak_detail | member_official@C | secretariat: expected 404, got 200" in outcome.failures
    assert "matrix_leak_detail | anonymous | restricted: expected 404, got 200" in outcome.failures
    # Every refusal the policy asks for is missed: all but public, the RSO, and members A/B below secretariat.
    assert len(outcome.failures) == sum(
        not matrix.expected_visible(role, position, c)
        for role, position in matrix.SUBJECTS
        for c in matrix.CLASSIFICATIONS
    )


@override_settings(ROOT_URLCONF=LEAK_URLS)
def test_the_matrix_reports_a_list_that_skips_the_policy(open_world):
    route = authz.ClassifiedListRoute("matrix_leak_list", _make_resource, lambda: "/matrix-leak/")
    with _planted(route):
        outcome = matrix.check_route(open_world, REGISTRY["matrix_leak_list"])
    assert any(failure.startswith("matrix_leak_list | researcher@C: shows") for failure in outcome.failures)
    assert not any("rso_admin" in failure for failure in outcome.failures)  # the RSO may see it all


@override_settings(ROOT_URLCONF=LEAK_URLS)
def test_the_matrix_reports_a_page_cached_for_one_readership_and_served_to_another(open_world):
    route = authz.ClassifiedRoute(
        "matrix_leak_cached", _make_resource, lambda record: f"/matrix-leak/cached/{record.pk}/"
    )
    with _planted(route):
        outcome = matrix.check_route(open_world, REGISTRY["matrix_leak_cached"])
    # The RSO reads first and warms the cache; narrower readers are then served the RSO's page.
    assert "matrix_leak_cached | member_official@C | secretariat: expected 404, got 200" in outcome.failures
    assert "matrix_leak_cached | anonymous | members: expected 404, got 200" in outcome.failures
    assert not any("rso_" in failure for failure in outcome.failures)

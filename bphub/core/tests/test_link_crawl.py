"""Clicking around as every demo role finds no dead end: a bounded crawl of every internal link.

The reference data and the demo year (`make run`'s data) are loaded once for the module, in a
transaction rolled back at its end. Each role then signs in (past MFA) as its demo account and
follows every `<a href>` from the home page, breadth-first (the bounds are in crawl.py). The test
fails on any server error, and on any link that leads the person to a refusal (403, 404, 405: an
action offered that they may not take, or a record they may not read), naming the page with the link.
"""

import time

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import path

from bphub.core.tests.crawl import crawl
from bphub.core.tests.demo_snapshot import demo_year_ensure

# The demo account of each role (bphub/demo/data.py), and anonymous visitors.
READERS = [
    ("anonymous", None),
    ("rso_admin", "rso.admin@demo.bphub.example"),
    ("rso_staff", "rso.staff@demo.bphub.example"),
    ("member_coordinator", "coordinator.th@demo.bphub.example"),
    ("member_official", "official.id@demo.bphub.example"),
    ("wg_co_chair", "cochair.au@demo.bphub.example"),
    ("researcher", "researcher@demo.bphub.example"),
    ("alumnus", "alumnus.ph@demo.bphub.example"),
]


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """Reference data and the demo year, once for the module; nothing of it outlives the module."""
    with override_settings(DEMO_MODE=True), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo_year_ensure()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(demo_world, db):
    """The demo world inside the test's own savepoint (pytest-django's db, nested in the module's)."""


def _client_for(email: str | None) -> Client:
    from bphub.accounts.models import User
    from bphub.accounts.testing import force_login_with_mfa

    client = Client(raise_request_exception=False)
    if email is not None:
        force_login_with_mfa(client, User.objects.get(email=email))
    return client


@pytest.mark.parametrize(("reader", "email"), READERS, ids=[reader for reader, _ in READERS])
def test_every_link_a_role_is_offered_leads_somewhere(reader, email, demo):
    # given a person of this role signed in (or an anonymous visitor) on the demo data
    client = _client_for(email)

    # when they follow every link from the home page, breadth-first
    started = time.perf_counter()
    report = crawl(client, reader=reader, signed_in=email is not None)
    took = time.perf_counter() - started

    # then no page fails with a server error and no link leads to a refusal
    findings = report.findings()
    print(f"{report.summary()} in {took:.1f} s; slowest:")
    for seconds, url in sorted(report.timings, reverse=True)[:12]:
        print(f"  {1000 * seconds:6.0f} ms  {url}")
    assert len(report.visited) > (5 if email is None else 20), report.visited
    assert not findings, f"{report.summary()}:\n" + "\n".join(findings)


# The crawl bites: a small site of its own with a dead link, a refusal and a crash.
def _page(*links: str):
    def view(request):
        from django.http import HttpResponse

        body = "".join(f'<a href="{link}">{link}</a>' for link in links)
        return HttpResponse(f"<!DOCTYPE html><title>t</title><main>{body}</main>")

    return view


def _crash(request):
    raise RuntimeError("planted crash")


def _refuse(request):
    from django.http import HttpResponseForbidden

    return HttpResponseForbidden("no")


def _not_found(request, exception):
    from django.http import HttpResponseNotFound

    return HttpResponseNotFound("not found")


def _server_error(request):
    from django.http import HttpResponseServerError

    return HttpResponseServerError("error")


handler404, handler500 = _not_found, _server_error
urlpatterns = [
    path("", _page("/ok/", "/missing/", "/refused/", "/crash/", "mailto:x@example.org", "https://example.org/")),
    path("ok/", _page("/", "/ok/?page=1", "/ok/?page=9", "/accounts/logout/")),
    path("refused/", _refuse),
    path("crash/", _crash),
]


@override_settings(ROOT_URLCONF=__name__)
def test_the_crawl_reports_dead_links_refusals_and_crashes_with_the_page_that_links_them(db):
    # given a site whose home links to a missing page, a refused one and one that crashes
    client = Client(raise_request_exception=False)

    # when it is crawled
    report = crawl(client, reader="anonymous", signed_in=False)

    # then each is reported with the page that offered the link; outside links, sign-out and far pages are left
    assert [str(f) for f in report.broken_links] == [
        "[anonymous] / -> /missing/: 404",
        "[anonymous] / -> /refused/: 403",
    ]
    assert [(f.linked_from, f.link, f.status) for f in report.server_errors] == [("/", "/crash/", "500")]
    assert "planted crash" in report.server_errors[0].detail
    assert report.visited == ["/", "/ok/", "/missing/", "/refused/", "/crash/", "/ok/?page=1"]

"""Directory health: freshness shares, never confirmed, bounced addresses and vacant roles."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bphub.core.models import Classification
from bphub.directory.coverage import directory_health
from bphub.directory.models import Email, FocalPoint, Freshness, RoleKind
from bphub.directory.testing import make_focal_point
from bphub.members.models import Body, BodyMembership, Member

pytestmark = pytest.mark.django_db


def _due(person, days_late):
    FocalPoint.objects.filter(pk=person.pk).update(review_due_on=timezone.localdate() - timedelta(days=days_late))


@pytest.fixture
def indonesia(reference):
    """Four records of Indonesia, one in each freshness state; seats on TIPWG (reference) and DWG."""
    member = Member.objects.get(code="ID")
    tip, dwg = Body.objects.get(code="TIPWG"), Body.objects.get(code="DWG")
    BodyMembership.objects.create(member=member, body=dwg, valid_from=date(2020, 1, 1))
    fresh = make_focal_point(
        member,
        confirmed_via="coordinator",
        roles=[
            {"kind": RoleKind.NATIONAL, "body": None, "theme": None},
            {"kind": RoleKind.WORKING_GROUP, "body": tip, "theme": None},
        ],
    )
    Email.objects.filter(focal_point=fresh).update(bounced_at=timezone.now())
    _due(make_focal_point(member), 5)
    _due(make_focal_point(member), 40)
    # The only SOM delegate is delinquent: the role counts as vacant.
    _due(make_focal_point(member, roles=[{"kind": RoleKind.SOM_DELEGATE, "body": None, "theme": None}]), 61)
    return member


def test_figures_for_a_known_member(indonesia, make_user):
    report = directory_health(make_user("rso_staff"), member=indonesia)

    (row,) = report.rows
    assert row.records == 4
    assert row.by_freshness == {
        Freshness.UP_TO_DATE: 1,
        Freshness.DUE: 1,
        Freshness.OVERDUE: 1,
        Freshness.DELINQUENT: 1,
    }
    assert row.share(Freshness.UP_TO_DATE) == 0.25
    assert row.never_confirmed == 3
    assert row.bounced == 1
    assert [v.label for v in row.vacancies] == ["SOM delegate", "Working-group focal point: DWG"]


def test_the_overview_covers_every_member_with_totals(indonesia, make_user):
    make_focal_point(Member.objects.get(code="TH"), confirmed_via="coordinator")
    report = directory_health(make_user("rso_admin"))

    assert len(report.rows) == Member.objects.count()
    assert report.totals.records == 5
    assert report.totals.by_freshness[Freshness.UP_TO_DATE] == 2
    thailand = next(r for r in report.rows if r.member.code == "TH")
    assert {v.kind for v in thailand.vacancies} == {RoleKind.NATIONAL, RoleKind.SOM_DELEGATE}


def test_a_coordinator_counts_only_what_they_may_see(indonesia, make_user):
    make_focal_point(indonesia, classification=Classification.SECRETARIAT)
    coordinator = make_user("member_coordinator", member=indonesia)
    assert directory_health(coordinator, member=indonesia).rows[0].records == 4
    assert directory_health(make_user("rso_staff"), member=indonesia).rows[0].records == 5


def test_the_rso_page_has_a_table_and_an_svg_chart_with_titles(indonesia, make_user, login, client):
    login(make_user("rso_staff"))
    html = client.get("/directory/health/").content.decode()

    assert "<svg" in html and 'role="img"' in html and "<title" in html and "<desc" in html
    assert 'class="seg up_to_date"' in html
    assert "ID: Up to date 1 / 4 (25 %)" in html
    assert "<table" in html and "Working-group focal point: DWG" in html
    assert "<script" not in html.split("<main", 1)[1]  # the chart needs no JavaScript


def test_a_coordinator_is_taken_to_their_own_member_and_cannot_open_another(indonesia, make_user, login, client):
    login(make_user("member_coordinator", member=indonesia))

    response = client.get("/directory/health/")
    assert response.status_code == 302 and response["Location"] == "/directory/health/ID/"
    page = client.get("/directory/health/ID/")
    assert page.status_code == 200 and b"<svg" in page.content
    assert client.get("/directory/health/TH/").status_code == 404


def test_the_rso_opens_any_member_and_other_roles_get_404(indonesia, make_user, login, client):
    login(make_user("rso_admin"))
    assert client.get("/directory/health/TH/").status_code == 200
    for role in ("member_official", "wg_co_chair", "researcher", "alumnus"):
        login(make_user(role, member=indonesia if role != "researcher" else None))
        assert client.get("/directory/health/").status_code == 404, role
        assert client.get("/directory/health/ID/").status_code == 404, role

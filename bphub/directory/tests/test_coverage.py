"""The coverage matrix: members × themes, counting only what the reader may see."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bphub.core.models import Classification
from bphub.directory.coverage import coverage_matrix
from bphub.directory.models import FocalPoint, RoleKind
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(reference):
    return {
        "ID": Member.objects.get(code="ID"),
        "TH": Member.objects.get(code="TH"),
        "sea": Theme.objects.get(code="safety-at-sea"),
        "docs": Theme.objects.get(code="fraudulent-documents"),
    }


def _thematic(theme):
    return {"kind": RoleKind.THEMATIC, "body": None, "theme": theme}


def _cell(matrix, code, theme):
    row = next(r for r in matrix.rows if r.member.code == code)
    return next(c for c in row.cells if c.theme == theme)


def _make_delinquent(person):
    FocalPoint.objects.filter(pk=person.pk).update(review_due_on=timezone.localdate() - timedelta(days=61))


def test_a_person_with_a_thematic_role_or_in_a_mandated_agency_covers_the_theme(cast, make_user):
    coast_guard = make_agency(cast["ID"], acronym="BAKAMLA", themes=[cast["sea"]])
    make_focal_point(cast["ID"], agency=coast_guard)
    make_focal_point(cast["ID"], roles=[_thematic(cast["sea"])])
    # Both: a thematic role for the theme AND an agency mandated for it counts once.
    make_focal_point(cast["ID"], agency=coast_guard, roles=[_thematic(cast["sea"])])
    rso = make_user("rso_staff")

    matrix = coverage_matrix(rso)

    cell = _cell(matrix, "ID", cast["sea"])
    assert (cell.focal_points, cell.agencies) == (3, 1)
    assert not cell.is_gap
    assert _cell(matrix, "ID", cast["docs"]).is_gap
    assert _cell(matrix, "TH", cast["sea"]).is_gap


def test_a_restricted_person_of_another_member_does_not_fill_a_gap_for_an_official_of_a_third(cast, make_user):
    make_focal_point(cast["ID"], roles=[_thematic(cast["sea"])], classification=Classification.RESTRICTED)
    thai_official = make_user("member_official", member=cast["TH"])
    indonesian_official = make_user("member_official", member=cast["ID"])

    assert _cell(coverage_matrix(thai_official), "ID", cast["sea"]).is_gap
    assert _cell(coverage_matrix(indonesian_official), "ID", cast["sea"]).focal_points == 1


def test_a_secretariat_agency_is_not_counted_for_members(cast, make_user):
    make_agency(cast["ID"], themes=[cast["sea"]], classification=Classification.SECRETARIAT)
    official = make_user("member_official", member=cast["ID"])
    assert _cell(coverage_matrix(official), "ID", cast["sea"]).agencies == 0
    assert _cell(coverage_matrix(make_user("rso_admin")), "ID", cast["sea"]).agencies == 1


def test_delinquent_records_do_not_count_as_coverage(cast, make_user):
    person = make_focal_point(cast["ID"], roles=[_thematic(cast["sea"])])
    _make_delinquent(person)
    assert _cell(coverage_matrix(make_user("rso_staff")), "ID", cast["sea"]).is_gap
    assert FocalPoint.objects.filter(pk=person.pk).exists()  # kept in the directory


def test_an_ended_thematic_role_no_longer_covers(cast, make_user):
    person = make_focal_point(cast["ID"], roles=[_thematic(cast["sea"])])
    person.roles.update(valid_to=timezone.localdate() - timedelta(days=1))
    assert _cell(coverage_matrix(make_user("rso_staff")), "ID", cast["sea"]).is_gap


def test_the_role_filter_counts_only_people_holding_that_role(cast, make_user):
    national = {"kind": RoleKind.NATIONAL, "body": None, "theme": None}
    make_focal_point(cast["ID"], roles=[national, _thematic(cast["sea"])])
    make_focal_point(cast["ID"], roles=[_thematic(cast["sea"])])
    rso = make_user("rso_staff")
    assert _cell(coverage_matrix(rso), "ID", cast["sea"]).focal_points == 2
    assert _cell(coverage_matrix(rso, role=RoleKind.NATIONAL), "ID", cast["sea"]).focal_points == 1


def test_the_sub_region_filter_keeps_its_members_only(cast, make_user):
    matrix = coverage_matrix(make_user("rso_staff"), sub_region=str(cast["ID"].sub_region_id))
    codes = {row.member.code for row in matrix.rows}
    assert "ID" in codes and "TH" in codes and "AU" not in codes


def test_the_matrix_takes_a_fixed_number_of_queries_whatever_the_size(cast, make_user, login, client):
    rso = make_user("rso_staff")
    login(rso)
    client.get("/directory/coverage/")  # warm up (session, content types)
    cache.clear()  # the counts' cache: measure the counting itself
    with CaptureQueriesContext(connection) as small:
        assert client.get("/directory/coverage/").status_code == 200
    for member in Member.objects.all()[:10]:
        agency = make_agency(member, themes=[cast["sea"], cast["docs"]])
        make_focal_point(member, agency=agency)
        make_focal_point(member, roles=[_thematic(cast["docs"])])
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert client.get("/directory/coverage/?role=thematic").status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 14


def test_the_page_is_an_accessible_table_with_gaps_marked_in_words(cast, make_user, login, client):
    make_focal_point(cast["ID"], roles=[_thematic(cast["sea"])])
    login(make_user("member_official", member=cast["TH"]))

    html = client.get("/directory/coverage/").content.decode()

    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert 'class="gap"' in html and ">Gap<" in html
    assert "/directory/?member=ID&amp;theme=safety-at-sea" in html
    assert "Observer" in html  # observers are shown as such


def test_anonymous_visitors_are_sent_to_sign_in(client, reference):
    response = client.get("/directory/coverage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_cached_counts_follow_every_change_and_never_cross_readerships(cast, make_user):
    rso = make_user("rso_staff")
    thai_official = make_user("member_official", member=cast["TH"])
    assert _cell(coverage_matrix(rso), "ID", cast["sea"]).is_gap  # now cached for the RSO

    make_focal_point(cast["ID"], roles=[_thematic(cast["sea"])], classification=Classification.RESTRICTED)

    assert _cell(coverage_matrix(rso), "ID", cast["sea"]).focal_points == 1  # a change: counted afresh
    assert _cell(coverage_matrix(thai_official), "ID", cast["sea"]).is_gap  # the RSO's counts are not theirs
    assert _cell(coverage_matrix(rso), "ID", cast["sea"]).focal_points == 1

"""Merging duplicates through the pages: review side by side, keep every role, old URLs lead on."""

from datetime import date

import pytest

from bphub.core.models import Classification
from bphub.directory.models import Agency, FocalPoint, FocalPointRole, RoleKind
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def twins(indonesia):
    sea = Theme.objects.get(code="safety-at-sea")
    first = make_focal_point(
        indonesia, full_name="Agus Wijaya", emails=["agus@polri.go.id"], roles=[{"kind": RoleKind.NATIONAL}]
    )
    second = make_focal_point(
        indonesia,
        full_name="Wijaya Agus",
        emails=["agus.w@gmail.com"],
        roles=[{"kind": RoleKind.THEMATIC, "theme": sea}],
    )
    FocalPointRole.objects.create(
        focal_point=second, kind=RoleKind.SOM_DELEGATE, valid_from=date(2018, 1, 1), valid_to=date(2020, 12, 31)
    )
    return first, second


def test_person_page_suggests_duplicates_to_managers_only(twins, make_user, login):
    first, second = twins
    manager = login(make_user("member_coordinator", member=first.member))
    page = manager.get(f"/directory/people/{first.pk}/").content.decode()
    assert f"/directory/people/{first.pk}/merge/?other={second.pk}" in page

    official = login(make_user("member_official", member=first.member))
    assert "/merge/" not in official.get(f"/directory/people/{first.pk}/").content.decode()


def test_review_page_shows_both_records_side_by_side(twins, make_user, login):
    first, second = twins
    client = login(make_user("rso_staff"))
    body = client.get(f"/directory/people/{first.pk}/merge/", {"other": second.pk}).content.decode()
    assert "agus@polri.go.id" in body and "agus.w@gmail.com" in body
    assert "31 Dec 2020" in body  # the past role with its dates
    assert 'name="keep"' in body


def test_merge_via_the_page_keeps_roles_of_both_and_redirects_the_old_url(twins, make_user, login):
    first, second = twins
    client = login(make_user("member_coordinator", member=first.member))

    response = client.post(f"/directory/people/{first.pk}/merge/", {"other": second.pk, "keep": "other"})

    assert response.status_code == 302 and response["Location"] == f"/directory/people/{second.pk}/"
    survivor = FocalPoint.objects.get(pk=second.pk)
    kinds = {role.kind for role in survivor.roles.all()}
    assert kinds == {RoleKind.NATIONAL, RoleKind.THEMATIC, RoleKind.SOM_DELEGATE}
    assert {e.address for e in survivor.emails.all()} == {"agus@polri.go.id", "agus.w@gmail.com"}
    assert FocalPoint.all_objects.get(pk=first.pk).merged_into_id == second.pk

    old = client.get(f"/directory/people/{first.pk}/")
    assert old.status_code in (301, 302) and old["Location"] == f"/directory/people/{second.pk}/"


def test_old_url_of_a_merged_record_is_404_when_the_survivor_is_hidden(indonesia, make_user, login):
    hidden = make_focal_point(indonesia, classification=Classification.SECRETARIAT)
    other = make_focal_point(indonesia, classification=Classification.SECRETARIAT)
    login(make_user("rso_admin")).post(f"/directory/people/{hidden.pk}/merge/", {"other": other.pk, "keep": "this"})
    official = login(make_user("member_official", member=indonesia))
    assert official.get(f"/directory/people/{other.pk}/").status_code == 404


def test_people_of_different_members_cannot_be_merged(indonesia, make_user, login):
    first = make_focal_point(indonesia)
    foreign = make_focal_point(Member.objects.get(code="TH"))
    client = login(make_user("rso_staff"))
    review = client.get(f"/directory/people/{first.pk}/merge/", {"other": foreign.pk}).content.decode()
    assert "cannot be merged" in review
    response = client.post(f"/directory/people/{first.pk}/merge/", {"other": foreign.pk, "keep": "this"})
    assert response.status_code == 200
    assert FocalPoint.objects.filter(pk=foreign.pk).exists() and FocalPoint.objects.filter(pk=first.pk).exists()


def test_officials_and_other_coordinators_cannot_merge(twins, make_user, login):
    first, second = twins
    for user in (
        make_user("member_official", member=first.member),
        make_user("member_coordinator", member=Member.objects.get(code="TH")),
    ):
        response = login(user).post(f"/directory/people/{first.pk}/merge/", {"other": second.pk, "keep": "this"})
        assert response.status_code == 404
    assert FocalPoint.objects.filter(pk=second.pk).exists()


def test_agency_merge_via_the_page_moves_people_and_redirects(indonesia, make_user, login):
    first = make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    second = make_agency(indonesia, name="Immigration Directorate", acronym="dgi", email_domains="imigrasi.go.id")
    person = make_focal_point(indonesia, agency=second)
    client = login(make_user("rso_admin"))

    suggestions = client.get(f"/directory/agencies/{first.pk}/").content.decode()
    assert f"/directory/agencies/{first.pk}/merge/?other={second.pk}" in suggestions
    response = client.post(f"/directory/agencies/{first.pk}/merge/", {"other": second.pk, "keep": "this"})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.agency_id == first.pk
    assert Agency.objects.get(pk=first.pk).trusted_domains == {"imigrasi.go.id"}
    assert client.get(f"/directory/agencies/{second.pk}/")["Location"] == f"/directory/agencies/{first.pk}/"

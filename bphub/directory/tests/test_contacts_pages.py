"""Contact details (emails, phones) never reach the public, researchers or alumni, whatever the
record's classification: not on the list, the person page, the history or a diff."""

import pytest

from bphub.core.models import Classification
from bphub.directory.services.records import focal_point_save
from bphub.directory.testing import make_focal_point
from bphub.members.models import Member

pytestmark = pytest.mark.django_db

EMAIL = "public.person@imigrasi.go.id"
NEW_EMAIL = "new.address@imigrasi.go.id"
PHONE = "+62215550100"


@pytest.fixture
def public_person(reference, make_user):
    indonesia = Member.objects.get(code="ID")
    person = make_focal_point(
        indonesia,
        full_name="Public Person",
        emails=[EMAIL],
        phones=[PHONE],
        classification=Classification.PUBLIC,
    )
    focal_point_save(
        focal_point=person,
        data={"emails": [NEW_EMAIL, EMAIL], "title": "Deputy"},
        actor=make_user("rso_staff"),
    )
    return person


def _pages(person):
    base = f"/directory/people/{person.pk}/"
    return ["/directory/", base, f"{base}history/", f"{base}history/2/", f"{base}history/1/?against=current"]


@pytest.mark.parametrize("role", ["researcher", "alumnus"])
def test_people_without_a_member_never_see_contact_details(public_person, make_user, login, role):
    client = login(make_user(role))
    for page in _pages(public_person):
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert "Public Person" in body, page
        for secret in (EMAIL, NEW_EMAIL, "5550100", "555 0100"):
            assert secret not in body, (page, secret)
    diff = client.get(f"/directory/people/{public_person.pk}/history/2/").content.decode()
    assert "Deputy" in diff and "Email addresses" not in diff


def test_anonymous_visitors_are_sent_to_sign_in_and_see_nothing(public_person, client):
    for page in _pages(public_person):
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert EMAIL.encode() not in response.content


def test_member_officials_see_contact_details_and_their_changes(public_person, make_user, login):
    client = login(make_user("member_official", member=Member.objects.get(code="TH")))
    detail = client.get(f"/directory/people/{public_person.pk}/").content.decode()
    assert EMAIL in detail and NEW_EMAIL in detail and "+62 21 5550100" in detail
    diff = client.get(f"/directory/people/{public_person.pk}/history/2/").content.decode()
    assert "Email addresses" in diff and NEW_EMAIL in diff

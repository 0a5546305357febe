"""Agency pages: list and search, detail with the focal points the reader may see, create and edit
with names in English and the agency's own language."""

import pytest

from bphub.core.models import Classification
from bphub.directory.models import Agency, Revision
from bphub.directory.services.records import revision_list
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def thailand(reference):
    return Member.objects.get(code="TH")


def test_list_shows_english_and_own_script_names_and_filters(thailand, make_user, login):
    sea = Theme.objects.get(code="safety-at-sea")
    make_agency(thailand, acronym="RTP", kind="police", themes=[sea], name="Royal Thai Police")
    police = Agency.objects.get(acronym="RTP")
    police.name = {"en": "Royal Thai Police", "th": "สำนักงานตำรวจแห่งชาติ"}
    police.save()
    make_agency(thailand, acronym="MFA", kind="foreign_affairs", name="Ministry of Foreign Affairs")
    client = login(make_user("researcher"))

    body = client.get("/directory/agencies/", {"kind": "police"}).content.decode()
    assert "Royal Thai Police" in body and '<span lang="th">สำนักงานตำรวจแห่งชาติ</span>' in body
    assert "Ministry of Foreign Affairs" not in body
    by_theme = client.get("/directory/agencies/", {"theme": "safety-at-sea", "member": "TH"}).content.decode()
    assert "Royal Thai Police" in by_theme and "Ministry of Foreign Affairs" not in by_theme
    partial = client.get("/directory/agencies/", {"q": "police"}, headers={"HX-Request": "true"}).content
    assert b"<html" not in partial and b"Royal Thai Police" in partial


def test_detail_lists_only_the_focal_points_the_reader_may_see(thailand, make_user, login):
    agency = make_agency(thailand, acronym="DSI", email_domains="dsi.go.th")
    make_focal_point(thailand, full_name="Open Person", agency=agency)
    restricted = make_focal_point(thailand, full_name="Closed Person", agency=agency)
    restricted.classification = Classification.RESTRICTED
    restricted.save()

    outsider = login(make_user("member_official", member=Member.objects.get(code="VN")))
    body = outsider.get(f"/directory/agencies/{agency.pk}/").content.decode()
    assert "Open Person" in body and "Closed Person" not in body
    assert "dsi.go.th" not in body  # trusted domains are for managers

    manager = login(make_user("member_coordinator", member=thailand))
    body = manager.get(f"/directory/agencies/{agency.pk}/").content.decode()
    assert "Closed Person" in body and "dsi.go.th" in body


def test_coordinator_creates_an_agency_with_english_and_thai_names(thailand, make_user, login):
    sea = Theme.objects.get(code="safety-at-sea")
    client = login(make_user("member_coordinator", member=thailand))
    form = client.get("/directory/agencies/new/").content.decode()
    assert 'lang="th"' in form and 'name="name_1"' in form

    response = client.post(
        "/directory/agencies/new/",
        {
            "name_0": "Marine Department",
            "name_1": "กรมเจ้าท่า",
            "acronym": "MD",
            "kind": "maritime",
            "themes": [sea.pk],
            "website": "md.go.th",
            "email_domains": "@MD.go.th, md.go.th",
            "classification": "public",
            "review_cadence_days": "182",
            "is_active": "on",
        },
    )

    agency = Agency.objects.get(acronym="MD")
    assert response.status_code == 302 and response["Location"] == f"/directory/agencies/{agency.pk}/"
    assert agency.name == {"en": "Marine Department", "th": "กรมเจ้าท่า"}
    assert agency.member == thailand and list(agency.themes.all()) == [sea]
    assert agency.website == "https://md.go.th" and agency.email_domains == "md.go.th"
    assert revision_list(agency)[0].source == Revision.Source.CREATED


def test_agency_needs_an_english_name_and_nothing_is_saved_without_it(thailand, make_user, login):
    client = login(make_user("member_coordinator", member=thailand))
    response = client.post(
        "/directory/agencies/new/",
        {
            "name_0": "",
            "name_1": "กรมเจ้าท่า",
            "kind": "maritime",
            "classification": "public",
            "review_cadence_days": "182",
        },
    )
    assert response.status_code == 200 and "Give at least the English text." in response.content.decode()
    assert not Agency.objects.filter(member=thailand).exists()


def test_parent_must_be_an_agency_of_the_same_member(thailand, make_user, login):
    agency = make_agency(thailand, acronym="RTP", name="Royal Thai Police")
    foreign = make_agency(Member.objects.get(code="ID"), acronym="POLRI")
    client = login(make_user("rso_staff"))
    response = client.post(
        f"/directory/agencies/{agency.pk}/edit/",
        {
            "name_0": "Royal Thai Police",
            "kind": "police",
            "parent": foreign.pk,
            "classification": "public",
            "review_cadence_days": "182",
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    agency.refresh_from_db()
    assert agency.parent_id is None


def test_only_managers_of_the_member_edit_an_agency(thailand, make_user, login):
    agency = make_agency(thailand)
    for user in (
        make_user("member_official", member=thailand),
        make_user("member_coordinator", member=Member.objects.get(code="ID")),
    ):
        assert login(user).get(f"/directory/agencies/{agency.pk}/edit/").status_code == 404
    assert (
        login(make_user("member_coordinator", member=thailand))
        .get(f"/directory/agencies/{agency.pk}/edit/")
        .status_code
        == 200
    )

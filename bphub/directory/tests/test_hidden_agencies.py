"""Need-to-know: an agency a reader may not see never shows through anything else.

A person the reader may see can work in a unit the reader may not (a secretariat unit of Thailand
read by an official of Indonesia, a researcher or Thailand's own coordinator). Neither its name,
its acronym nor its id appears in pages, exports, the API, history diffs, filters, duplicate
suggestions or form choices; the RSO still sees it everywhere.
"""

import csv
import io
import re

import pytest
import vobject

from bphub.core.models import Classification
from bphub.directory.models import AgencyKind
from bphub.directory.permissions import hidden_agency_ids, shown_agency
from bphub.directory.selectors import DirectoryFilter, focal_point_search
from bphub.directory.services.lists import engagement_list_create
from bphub.directory.services.records import agency_save, focal_point_save
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member, Theme

pytestmark = pytest.mark.django_db

SECRET_NAME = "Secret Unit Zeta"
THEME = "fraudulent-documents"


@pytest.fixture
def thailand(reference):
    return Member.objects.get(code="TH")


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def secret_unit(thailand):
    """A secretariat unit of Thailand: the RSO alone may see it (not even Thailand's coordinator)."""
    return make_agency(
        thailand,
        name=SECRET_NAME,
        acronym="SUZ",
        kind=AgencyKind.INTELLIGENCE,
        themes=[Theme.objects.get(code=THEME)],
        classification=Classification.SECRETARIAT,
    )


@pytest.fixture
def malee(thailand, secret_unit):
    """A members-only person who works in the secret unit."""
    return make_focal_point(thailand, full_name="Malee Srisuk", title="Analyst", agency=secret_unit)


@pytest.fixture
def rso(make_user):
    return make_user("rso_staff")


@pytest.fixture
def th_coordinator(make_user, thailand):
    return make_user("member_coordinator", member=thailand)


@pytest.fixture
def id_official(make_user, indonesia):
    return make_user("member_official", member=indonesia)


@pytest.fixture(params=["id_official", "th_coordinator"])
def member_reader(request):
    """People who act for a member and may see Malee, but not her unit."""
    return request.getfixturevalue(request.param)


def leaks(text: str, agency) -> list[str]:
    """What of `agency` shows in `text`: its name, acronym (as a word) or a link/filter with its id."""
    found = []
    if SECRET_NAME in text:
        found.append("name")
    if re.search(r"\bSUZ\b", text):
        found.append("acronym")
    if f"/directory/agencies/{agency.pk}/" in text or f"agency={agency.pk}" in text:
        found.append("id")
    return found


def options(body: str, name: str) -> list[str]:
    """The option values of the <select name=`name`> in `body`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# -- the policy's answer ---------------------------------------------------------------------------


def test_hidden_agency_ids_are_those_the_reader_may_not_see(secret_unit, malee, thailand, rso, id_official):
    public = make_agency(thailand, name="Royal Thai Police", acronym="RTP")

    assert secret_unit.pk in hidden_agency_ids(id_official)
    assert public.pk not in hidden_agency_ids(id_official)
    assert hidden_agency_ids(rso) == frozenset()
    assert shown_agency(id_official, malee) is None
    assert shown_agency(rso, malee) == secret_unit


# -- 1. a person's agency on pages ------------------------------------------------------------------


def test_person_page_does_not_name_a_hidden_agency(malee, secret_unit, member_reader, rso, login, client):
    login(member_reader)
    body = page(client, f"/directory/people/{malee.pk}/")
    assert "Malee Srisuk" in body
    assert leaks(body, secret_unit) == []

    login(rso)
    assert leaks(page(client, f"/directory/people/{malee.pk}/"), secret_unit) == ["name", "acronym", "id"]


def test_person_list_does_not_name_a_hidden_agency(malee, secret_unit, member_reader, rso, login, client):
    login(member_reader)
    body = page(client, "/directory/?member=TH")
    assert "Malee Srisuk" in body
    assert leaks(body, secret_unit) == []

    login(rso)
    assert "acronym" in leaks(page(client, "/directory/?member=TH"), secret_unit)


def test_engagement_list_page_does_not_name_a_hidden_agency(malee, secret_unit, th_coordinator, rso, login, client):
    engagement_list = engagement_list_create(user=th_coordinator, name="Thai analysts", criteria=DirectoryFilter())
    login(th_coordinator)
    body = page(client, f"/directory/lists/{engagement_list.pk}/")
    assert "Malee Srisuk" in body
    assert leaks(body, secret_unit) == []

    login(rso)
    assert "acronym" in leaks(page(client, f"/directory/lists/{engagement_list.pk}/"), secret_unit)


def test_merge_pages_do_not_name_a_hidden_agency(malee, secret_unit, thailand, th_coordinator, rso, login, client):
    other = make_focal_point(thailand, full_name="Malee Srisook")
    login(th_coordinator)
    review = page(client, f"/directory/people/{other.pk}/merge/?other={malee.pk}")
    picker = page(client, f"/directory/people/{other.pk}/merge/?q=malee")
    assert "Malee Srisuk" in review and "Malee Srisuk" in picker
    assert leaks(review, secret_unit) == [] and leaks(picker, secret_unit) == []

    login(rso)
    assert "name" in leaks(page(client, f"/directory/people/{other.pk}/merge/?other={malee.pk}"), secret_unit)
    assert "name" in leaks(page(client, f"/directory/people/{other.pk}/merge/?q=malee"), secret_unit)


# -- 1. exports ---------------------------------------------------------------------------------------


def test_exports_do_not_name_a_hidden_agency(malee, secret_unit, id_official, rso, login, client):
    login(id_official)
    rows = list(csv.DictReader(io.StringIO(page_bytes(client, "/directory/export/?format=csv&member=TH"))))
    assert [(row["Name"], row["Agency"], row["Agency acronym"]) for row in rows] == [("Malee Srisuk", "", "")]
    vcf = page_bytes(client, "/directory/export/?format=vcf&member=TH")
    assert vobject.readOne(vcf).org.value == [str(malee.member)] and leaks(vcf, secret_unit) == []
    xlsx = client.get("/directory/export/?format=xlsx&member=TH").content
    assert SECRET_NAME.encode() not in xlsx and b"SUZ" not in xlsx

    login(rso)
    rows = list(csv.DictReader(io.StringIO(page_bytes(client, "/directory/export/?format=csv&member=TH"))))
    assert rows[0]["Agency acronym"] == "SUZ"
    assert vobject.readOne(page_bytes(client, "/directory/export/?format=vcf&member=TH")).org.value == [
        f"{SECRET_NAME} (SUZ)"
    ]


def page_bytes(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode("utf-8-sig")


# -- 1. the API ----------------------------------------------------------------------------------------


def test_api_gives_no_hidden_agency_of_a_focal_point(malee, secret_unit, id_official, rso, login, client):
    login(id_official)
    listed = client.get("/api/v1/focal-points?member=TH")
    detail = client.get(f"/api/v1/focal-points/{malee.pk}")
    assert [item["agency"] for item in listed.json()["results"]] == [None]
    assert detail.json()["agency"] is None
    assert leaks(listed.content.decode() + detail.content.decode(), secret_unit) == []

    login(rso)
    assert client.get(f"/api/v1/focal-points/{malee.pk}").json()["agency"]["acronym"] == "SUZ"


# -- 1. history diffs -----------------------------------------------------------------------------------


def test_person_history_diff_does_not_name_a_hidden_agency(malee, secret_unit, th_coordinator, rso, login, client):
    focal_point_save(focal_point=malee, data={"agency": None}, actor=rso)  # version 2: she left the unit
    login(th_coordinator)
    for url in (f"/directory/people/{malee.pk}/history/2/", f"/directory/people/{malee.pk}/history/1/?against=current"):
        assert leaks(page(client, url), secret_unit) == []

    login(rso)
    assert "name" in leaks(page(client, f"/directory/people/{malee.pk}/history/2/"), secret_unit)


# -- 1. filters through agencies ---------------------------------------------------------------------------


def test_filters_do_not_match_through_a_hidden_agency(malee, secret_unit, member_reader, rso):
    by_agency = DirectoryFilter(agency=str(secret_unit.pk))
    by_kind = DirectoryFilter(agency_kind=AgencyKind.INTELLIGENCE)
    by_mandate = DirectoryFilter(theme=THEME)

    for flt in (by_agency, by_kind, by_mandate):
        assert list(focal_point_search(member_reader, flt)) == [], flt
        assert list(focal_point_search(rso, flt)) == [malee], flt
    assert list(focal_point_search(member_reader, DirectoryFilter(member="TH"))) == [malee]


def test_api_agency_filter_on_a_hidden_agency_finds_nobody(malee, secret_unit, id_official, login, client):
    login(id_official)
    response = client.get(f"/api/v1/focal-points?agency={secret_unit.pk}")
    assert response.status_code == 200 and response.json()["results"] == []


# -- 2. criteria in words ------------------------------------------------------------------------------------


def test_export_page_names_the_agency_of_the_criteria_only_to_who_may_see_it(
    secret_unit, make_user, rso, login, client
):
    login(make_user("researcher"))
    body = page(client, f"/directory/export/?agency={secret_unit.pk}")
    assert SECRET_NAME not in body and not re.search(r"\bSUZ\b", body)
    assert f"Agency: {secret_unit.pk}" in body

    login(rso)
    assert f"Agency: {SECRET_NAME} (SUZ)" in page(client, f"/directory/export/?agency={secret_unit.pk}")


# -- 4. duplicate suggestions and choices ----------------------------------------------------------------------


def test_person_duplicate_suggestions_leave_out_records_the_reader_may_not_see(
    thailand, th_coordinator, rso, login, client
):
    somchai = make_focal_point(thailand, full_name="Somchai Dee")
    hidden_twin = make_focal_point(thailand, full_name="Somchai Dee", classification=Classification.SECRETARIAT)
    twin_link = f"/directory/people/{hidden_twin.pk}/"

    login(th_coordinator)
    assert twin_link not in page(client, f"/directory/people/{somchai.pk}/")
    assert f"?other={hidden_twin.pk}" not in page(client, f"/directory/people/{somchai.pk}/merge/")

    login(rso)
    assert twin_link in page(client, f"/directory/people/{somchai.pk}/")
    assert f"?other={hidden_twin.pk}" in page(client, f"/directory/people/{somchai.pk}/merge/")


def test_agency_duplicate_suggestions_leave_out_agencies_the_reader_may_not_see(
    thailand, secret_unit, th_coordinator, rso, login, client
):
    liaison = make_agency(thailand, name="Liaison Office", acronym="SUZ")  # same acronym: a likely duplicate
    login(th_coordinator)
    for url in (f"/directory/agencies/{liaison.pk}/", f"/directory/agencies/{liaison.pk}/merge/"):
        body = page(client, url)
        assert SECRET_NAME not in body and f"/directory/agencies/{secret_unit.pk}/" not in body, url
        assert f"?other={secret_unit.pk}" not in body, url

    login(rso)
    assert SECRET_NAME in page(client, f"/directory/agencies/{liaison.pk}/merge/")


def test_agency_merge_page_lists_only_units_the_reader_may_see(
    thailand, secret_unit, th_coordinator, rso, login, client
):
    first = make_agency(thailand, name="Border Office", acronym="BO1")
    second = make_agency(thailand, name="Border Office", acronym="BO2")
    agency_save(agency=secret_unit, data={"parent": second}, actor=rso)
    make_agency(thailand, name="Harbour Desk", acronym="HD", parent=second)
    url = f"/directory/agencies/{first.pk}/merge/?other={second.pk}"

    login(th_coordinator)
    body = page(client, url)
    assert "Harbour Desk" in body and leaks(body, secret_unit) == []

    login(rso)
    assert SECRET_NAME in page(client, url)


def test_form_choices_offer_only_agencies_the_reader_may_see(thailand, secret_unit, th_coordinator, login, client):
    make_agency(thailand, name="Royal Thai Police", acronym="RTP")
    login(th_coordinator)
    for url, field in (("/directory/people/new/", "agency"), ("/directory/agencies/new/", "parent")):
        body = page(client, url)
        assert "Royal Thai Police" in body and leaks(body, secret_unit) == [], url
        assert str(secret_unit.pk) not in options(body, field), url

    response = client.post(
        "/directory/people/new/",
        {"full_name": "Probe", "agency": secret_unit.pk, "classification": "members", "review_cadence_days": 182},
    )
    assert response.status_code == 200 and b"Select a valid choice" in response.content


def test_editing_a_person_in_a_hidden_agency_neither_shows_nor_drops_it(
    malee, secret_unit, th_coordinator, rso, login, client
):
    login(th_coordinator)
    form = page(client, f"/directory/people/{malee.pk}/edit/")
    assert leaks(form, secret_unit) == [] and str(secret_unit.pk) not in options(form, "agency")

    response = client.post(
        f"/directory/people/{malee.pk}/edit/",
        {"full_name": "Malee Srisuk", "title": "Senior Analyst", "agency": "", "emails": "malee@example.org",
         "classification": "members", "review_cadence_days": 182},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    malee.refresh_from_db()
    assert malee.title == "Senior Analyst" and malee.agency == secret_unit

    login(rso)
    assert f'value="{secret_unit.pk}" selected' in page(client, f"/directory/people/{malee.pk}/edit/")


def test_agency_form_neither_shows_nor_drops_a_hidden_parent(thailand, secret_unit, th_coordinator, login, client):
    desk = make_agency(thailand, name="Harbour Desk", acronym="HD", parent=secret_unit)
    login(th_coordinator)
    form = page(client, f"/directory/agencies/{desk.pk}/edit/")
    assert leaks(form, secret_unit) == [] and str(secret_unit.pk) not in options(form, "parent")

    response = client.post(
        f"/directory/agencies/{desk.pk}/edit/",
        {"name_0": "Harbour Desk", "acronym": "HDK", "kind": "maritime", "parent": "", "classification": "public",
         "is_active": "on", "review_cadence_days": 182},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    desk.refresh_from_db()
    assert desk.acronym == "HDK" and desk.parent == secret_unit


# -- 9. trusted domains in the API -----------------------------------------------------------------------------


def test_api_gives_trusted_domains_only_to_who_manages_the_member(
    thailand, secret_unit, th_coordinator, id_official, rso, login, client
):
    desk = make_agency(thailand, name="Harbour Desk", acronym="HD", parent=secret_unit, email_domains="zeta.go.th")

    for reader, domains, parent in ((id_official, [], None), (th_coordinator, ["zeta.go.th"], None),
                                    (rso, ["zeta.go.th"], secret_unit.pk)):
        login(reader)
        detail = client.get(f"/api/v1/agencies/{desk.pk}").json()
        listed = {item["id"]: item for item in client.get("/api/v1/agencies?member=TH").json()["results"]}
        assert detail["trusted_domains"] == domains and listed[desk.pk]["trusted_domains"] == domains, reader.role
        assert detail["parent"] == parent, reader.role
    client.logout()
    assert client.get(f"/api/v1/agencies/{desk.pk}").json()["trusted_domains"] == []


# -- 10. agency history names no hidden parent --------------------------------------------------------------------


def test_agency_history_diff_does_not_name_a_hidden_parent(
    thailand, secret_unit, id_official, rso, login, client
):
    desk = make_agency(thailand, name="Harbour Desk", acronym="HD", parent=secret_unit, actor=rso)
    agency_save(agency=desk, data={"parent": None}, actor=rso)  # version 2
    login(id_official)
    body = page(client, f"/directory/agencies/{desk.pk}/history/2/")
    assert "Parent agency" in body
    assert leaks(body, secret_unit) == [] and not re.search(rf"#{secret_unit.pk}\b", body)

    login(rso)
    assert SECRET_NAME in page(client, f"/directory/agencies/{desk.pk}/history/2/")

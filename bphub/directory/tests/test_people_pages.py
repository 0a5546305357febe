"""The focal-point pages: search, detail, create and edit, through HTTP."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bphub.core.models import AuditEvent, Classification
from bphub.directory.models import ConfirmedVia, FocalPoint, Revision, RoleKind
from bphub.directory.services.records import revision_list
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Body, Member, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def thailand(reference):
    return Member.objects.get(code="TH")


def _edit_data(person, **changes):
    data = {
        "full_name": person.full_name,
        "local_name": person.local_name,
        "title": person.title,
        "agency": person.agency_id or "",
        "emails": "\n".join(e.address for e in person.emails.all()),
        "phones": "\n".join(p.number for p in person.phones.all()),
        "preferred_language": person.preferred_language,
        "time_zone": person.time_zone,
        "classification": person.classification,
        "review_cadence_days": person.review_cadence_days,
    }
    data.update(changes)
    return data


# -- search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "local_name", "query"),
    [
        ("Somchai Jaidee", "สมชาย ใจดี", "สมชาย"),
        ("Wang Xiaoming", "王小明", "小明"),
        ("Nguyễn Văn An", "", "nguyen van"),
        ("Nguyễn Thị Hoa", "", "Thi Hoa"),
    ],
)
def test_search_finds_names_in_any_script_by_a_part(indonesia, make_user, login, full_name, local_name, query):
    make_focal_point(indonesia, full_name=full_name, local_name=local_name)
    make_focal_point(indonesia, full_name="Someone Else")
    client = login(make_user("member_official", member=indonesia))

    response = client.get("/directory/", {"q": query})

    assert response.status_code == 200
    assert full_name.encode() in response.content
    assert b"Someone Else" not in response.content


def test_filters_by_member_role_working_group_and_freshness(indonesia, thailand, make_user, login):
    tip = Body.objects.filter(kind=Body.Kind.WORKING_GROUP).first()
    make_focal_point(indonesia, full_name="Group Person", roles=[{"kind": RoleKind.WORKING_GROUP, "body": tip}])
    make_focal_point(indonesia, full_name="National Person", roles=[{"kind": RoleKind.NATIONAL}])
    make_focal_point(thailand, full_name="Thai Person", roles=[{"kind": RoleKind.NATIONAL}])
    client = login(make_user("rso_staff"))

    by_group = client.get("/directory/", {"body": tip.code}).content
    national_id = client.get("/directory/", {"role": "national", "member": "ID"}).content
    never = client.get("/directory/", {"freshness": "never_confirmed", "member": "TH"}).content

    assert b"Group Person" in by_group and b"National Person" not in by_group
    assert b"National Person" in national_id and b"Thai Person" not in national_id
    assert b"Thai Person" in never


@pytest.mark.parametrize("sort_up_to", [0, 3000], ids=["walks-the-name-index", "sorts-the-matches"])
def test_search_pages_are_in_name_order_whichever_way_the_matches_are_read(
    indonesia, make_user, login, monkeypatch, sort_up_to
):
    # given 30 people whose names contain "somsak", created out of name order
    from bphub.directory import selectors

    monkeypatch.setattr(selectors, "SORT_MATCHES_UP_TO", sort_up_to)
    for n in reversed(range(30)):
        make_focal_point(indonesia, full_name=f"Person {n:02d} Somsak")
    make_focal_point(indonesia, full_name="Someone Else Entirely")
    client = login(make_user("member_official", indonesia))

    # when both pages of the web search and the API's first page are read
    shown = []
    for page in (1, 2):
        html = client.get(f"/directory/?q=somsak&page={page}").content.decode()
        shown += [f"Person {n:02d}" for n in range(30) if f"Person {n:02d} Somsak" in html]
    api = client.get("/api/v1/focal-points?q=somsak&page_size=10").json()

    # then every match comes once, in name order, and the API counts them all
    assert shown == [f"Person {n:02d}" for n in range(30)]
    assert [row["full_name"] for row in api["results"]] == [f"Person {n:02d} Somsak" for n in range(10)]
    assert api["count"] == 30


def test_htmx_search_returns_only_the_results_partial(indonesia, make_user, login):
    make_focal_point(indonesia, full_name="Siti Rahma")
    client = login(make_user("member_official", member=indonesia))

    partial = client.get("/directory/", {"q": "siti"}, headers={"HX-Request": "true"})
    full = client.get("/directory/", {"q": "siti"})

    assert b'id="results"' in partial.content and b"Siti Rahma" in partial.content
    assert b"<html" not in partial.content and b'role="search"' not in partial.content
    assert b"<html" in full.content and b'role="search"' in full.content and b'hx-get="/directory/"' in full.content


def test_list_shows_counts_and_contacts_for_members_only(indonesia, make_user, login, client):
    make_focal_point(indonesia, full_name="Ayu Lestari", emails=["ayu@imigrasi.go.id"], classification="public")
    official = login(make_user("member_official", member=indonesia))
    response = official.get("/directory/")
    assert b"ayu@imigrasi.go.id" in response.content
    assert b"1 focal point" in response.content

    researcher = make_user("researcher")
    response = login(researcher).get("/directory/")
    assert b"Ayu Lestari" in response.content and b"ayu@imigrasi.go.id" not in response.content


def test_list_runs_the_same_number_of_queries_for_5_and_50_rows(indonesia, make_user, login):
    sea = Theme.objects.get(code="safety-at-sea")
    agency = make_agency(indonesia, acronym="BAKAMLA")
    client = login(make_user("member_official", member=indonesia))

    def queries_for(rows: int) -> int:
        FocalPoint.objects.all().delete()
        for number in range(rows):
            make_focal_point(
                indonesia,
                full_name=f"Person {number:03d}",
                agency=agency,
                phones=["+62 21 5550100"],
                roles=[{"kind": RoleKind.THEMATIC, "theme": sea}, {"kind": RoleKind.NATIONAL}],
            )
        client.get("/directory/")  # warm per-session caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/directory/")
        assert response.status_code == 200
        return len(captured)

    assert queries_for(5) == queries_for(50)


# -- detail ---------------------------------------------------------------------------------------


def test_restricted_person_is_404_for_another_member_and_visible_where_released(indonesia, make_user, login, client):
    thailand = Member.objects.get(code="TH")
    vietnam = Member.objects.get(code="VN")
    person = make_focal_point(indonesia, full_name="Restricted Person", classification=Classification.RESTRICTED)
    person.released_to.set([thailand])

    outsider = make_user("member_official", member=vietnam)
    assert login(outsider).get(f"/directory/people/{person.pk}/").status_code == 404
    assert client.get(f"/directory/people/{person.pk}/history/").status_code == 404

    released = make_user("member_official", member=thailand)
    response = login(released).get(f"/directory/people/{person.pk}/")
    assert response.status_code == 200 and b"Restricted Person" in response.content
    assert AuditEvent.objects.filter(verb="record.read", target_id=str(person.pk), actor=released).exists()


def test_detail_shows_roles_with_dates_freshness_and_formatted_phones(indonesia, make_user, login):
    sea = Theme.objects.get(code="safety-at-sea")
    person = make_focal_point(
        indonesia,
        full_name="Budi Santoso",
        local_name="",
        title="Director",
        phones=["+62215550100"],
        roles=[{"kind": RoleKind.THEMATIC, "theme": sea}],
        confirmed_via=ConfirmedVia.COORDINATOR,
    )
    person.roles.create(kind=RoleKind.NATIONAL, valid_from="2019-01-01", valid_to="2021-06-30")
    response = login(make_user("member_official", member=indonesia)).get(f"/directory/people/{person.pk}/")
    body = response.content.decode()
    assert "Budi Santoso" in body and "Director" in body
    assert "+62 21 5550100" in body  # the phone filter's international format
    assert "30 Jun 2021" in body and "National focal point" in body
    assert "member coordinator" in body  # how it was last confirmed
    assert 'class="freshness up_to_date"' in body
    assert "/edit/" not in body  # officials do not manage


# -- create and edit --------------------------------------------------------------------------------


def test_coordinator_creates_a_focal_point_for_their_own_member(indonesia, make_user, login):
    coordinator = make_user("member_coordinator", member=indonesia)
    agency = make_agency(indonesia, acronym="DGI")
    tip = Body.objects.filter(kind=Body.Kind.WORKING_GROUP).first()
    client = login(coordinator)

    response = client.post(
        "/directory/people/new/",
        {
            "full_name": "Dewi Kartika",
            "local_name": "",
            "title": "Analyst",
            "agency": agency.pk,
            "emails": "Dewi@Imigrasi.go.id\ndewi.k@gmail.com",
            "phones": "021 555 0100",
            "roles": ["national", f"working_group:{tip.code}"],
            "preferred_language": "id",
            "time_zone": "Asia/Jakarta",
            "classification": "members",
            "review_cadence_days": "182",
            "confirm": "on",
        },
    )

    person = FocalPoint.objects.get(full_name="Dewi Kartika")
    assert response.status_code == 302 and response["Location"] == f"/directory/people/{person.pk}/"
    assert person.member == indonesia and person.agency == agency
    assert [e.address for e in person.emails.all()] == ["dewi@imigrasi.go.id", "dewi.k@gmail.com"]
    assert person.emails.get(is_primary=True).address == "dewi@imigrasi.go.id"
    assert [p.number for p in person.phones.all()] == ["+62215550100"]
    assert {(r.kind, r.body_id) for r in person.roles.all()} == {("national", None), ("working_group", tip.pk)}
    assert person.last_confirmed_via == ConfirmedVia.COORDINATOR


def test_rso_first_chooses_the_member(thailand, make_user, login):
    client = login(make_user("rso_staff"))
    chooser = client.get("/directory/people/new/")
    assert b'name="member"' in chooser.content and b'name="full_name"' not in chooser.content
    form = client.get("/directory/people/new/", {"member": "TH"})
    assert b'name="full_name"' in form.content and b"(TH)" in form.content


def test_edit_is_for_the_rso_and_the_member_coordinator_only(indonesia, thailand, make_user, login):
    person = make_focal_point(indonesia)
    for user in (make_user("member_official", member=indonesia), make_user("member_coordinator", member=thailand)):
        assert login(user).get(f"/directory/people/{person.pk}/edit/").status_code == 404
    assert (
        login(make_user("member_coordinator", member=indonesia)).get(f"/directory/people/{person.pk}/edit/").status_code
        == 200
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phones", "+62 21 5550100\n12", "“12” is not a valid phone number."),
        ("emails", "good@example.org\nnot-an-address", "“not-an-address” is not a valid email address."),
        ("agency", "OTHER", "Select a valid choice"),
        ("full_name", "", "This field is required."),
    ],
)
def test_invalid_edit_names_the_problem_and_changes_nothing(
    indonesia, thailand, make_user, login, field, value, message
):
    person = make_focal_point(indonesia, full_name="Unchanged Person", title="Head", emails=["a@example.org"])
    foreign = make_agency(thailand, acronym="RTP")
    coordinator = make_user("member_coordinator", member=indonesia)
    before = person.updated_at

    data = _edit_data(person, title="Changed title", **{field: foreign.pk if value == "OTHER" else value})
    response = login(coordinator).post(f"/directory/people/{person.pk}/edit/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    person.refresh_from_db()
    assert person.title == "Head" and person.updated_at == before
    assert [e.address for e in person.emails.all()] == ["a@example.org"]
    assert len(revision_list(person)) == 1


def test_edit_writes_a_revision_with_what_changed(indonesia, make_user, login):
    person = make_focal_point(indonesia, title="Head", phones=["+62215550100"])
    coordinator = make_user("member_coordinator", member=indonesia)

    response = login(coordinator).post(
        f"/directory/people/{person.pk}/edit/", _edit_data(person, title="Director", phones="+62 21 5550199")
    )

    assert response.status_code == 302
    latest = revision_list(person)[0]
    assert latest.number == 2 and latest.source == Revision.Source.EDIT and latest.actor == coordinator
    assert latest.changes["title"] == ["Head", "Director"]
    assert latest.changes["phones"] == [["+62215550100"], ["+62215550199"]]


def test_restricting_a_record_names_the_members_it_is_released_to(indonesia, thailand, make_user, login):
    person = make_focal_point(indonesia)
    client = login(make_user("member_coordinator", member=indonesia))
    client.post(
        f"/directory/people/{person.pk}/edit/",
        _edit_data(person, classification="restricted", released_to=[thailand.pk]),
    )
    person.refresh_from_db()
    assert person.classification == "restricted" and list(person.released_to.all()) == [thailand]

"""The directory API (/api/v1/agencies, /api/v1/focal-points): filters, pages, the policy, contacts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bphub.core.models import AuditEvent
from bphub.directory.models import AgencyKind, FocalPoint, RoleKind
from bphub.directory.services.records import focal_point_save
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Body, Member, Theme

pytestmark = pytest.mark.django_db

FOCAL_POINTS = "/api/v1/focal-points"
AGENCIES = "/api/v1/agencies"


@pytest.fixture
def members(reference):
    return {code: Member.objects.get(code=code) for code in ("TH", "ID", "AU", "VN")}


@pytest.fixture
def themes(reference):
    return {theme.code: theme for theme in Theme.objects.all()}


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["full_name"] for item in response.json()["results"]}


def _stale(person, days_late: int) -> None:
    """Make the record's review fall due `days_late` days ago (as if confirmed long ago)."""
    FocalPoint.objects.filter(pk=person.pk).update(review_due_on=timezone.localdate() - timedelta(days=days_late))


# --- filters ---------------------------------------------------------------------------------
def test_focal_points_filter_by_member_sub_region_role_and_theme(client, members, themes):
    police = make_agency(
        members["TH"], name="National Police", kind=AgencyKind.POLICE, themes=[themes["safety-at-sea"]]
    )
    somchai = make_focal_point(
        members["TH"],
        full_name="Somchai Jaidee",
        agency=police,
        roles=[{"kind": RoleKind.NATIONAL}],
        classification="public",
    )
    make_focal_point(
        members["ID"],
        full_name="Siti Rahma",
        classification="public",
        roles=[{"kind": RoleKind.THEMATIC, "theme": themes["fraudulent-documents"]}],
    )
    make_focal_point(
        members["AU"], full_name="Jane Citizen", classification="public", roles=[{"kind": RoleKind.SOM_DELEGATE}]
    )

    assert _names(client.get(FOCAL_POINTS, {"member": "th"})) == {"Somchai Jaidee"}
    assert _names(client.get(FOCAL_POINTS, {"sub_region": "South-eastern Asia"})) == {"Somchai Jaidee", "Siti Rahma"}
    assert _names(client.get(FOCAL_POINTS, {"sub_region": "Nowhere"})) == set()
    assert _names(client.get(FOCAL_POINTS, {"role": "som_delegate"})) == {"Jane Citizen"}
    assert _names(client.get(FOCAL_POINTS, {"theme": "fraudulent-documents"})) == {"Siti Rahma"}
    assert _names(client.get(FOCAL_POINTS, {"theme": "safety-at-sea"})) == {"Somchai Jaidee"}  # agency's mandate
    assert _names(client.get(FOCAL_POINTS, {"agency": police.pk})) == {"Somchai Jaidee"}
    assert _names(client.get(FOCAL_POINTS, {"agency_kind": "police"})) == {"Somchai Jaidee"}
    assert somchai.pk in {item["id"] for item in client.get(FOCAL_POINTS).json()["results"]}


def test_focal_points_filter_by_working_group(client, members):
    wg = Body.objects.get(code="TIPWG")
    make_focal_point(
        members["ID"],
        full_name="Dewi Lestari",
        classification="public",
        roles=[{"kind": RoleKind.WORKING_GROUP, "body": wg}],
    )
    make_focal_point(members["ID"], full_name="Agus Salim", classification="public")

    assert _names(client.get(FOCAL_POINTS, {"role": "working_group", "working_group": "tipwg"})) == {"Dewi Lestari"}


def test_search_finds_names_in_any_script_by_a_part(client, members):
    make_focal_point(members["TH"], full_name="Somchai Jaidee", local_name="สมชาย ใจดี", classification="public")
    make_focal_point(members["VN"], full_name="Nguyễn Thị Hồng", local_name="", classification="public")
    make_focal_point(members["AU"], full_name="Wang Xiaoming", local_name="王小明", classification="public")

    assert _names(client.get(FOCAL_POINTS, {"q": "ใจดี"})) == {"Somchai Jaidee"}
    assert _names(client.get(FOCAL_POINTS, {"q": "nguyen hong"})) == {"Nguyễn Thị Hồng"}
    assert _names(client.get(FOCAL_POINTS, {"q": "小明"})) == {"Wang Xiaoming"}
    assert _names(client.get(FOCAL_POINTS, {"q": "JAIDEE"})) == {"Somchai Jaidee"}


def test_stale_and_freshness_filters(client, members):
    fresh = make_focal_point(members["TH"], full_name="Fresh Person", classification="public", confirmed_via="rso")
    due = make_focal_point(members["TH"], full_name="Due Person", classification="public")
    late = make_focal_point(members["TH"], full_name="Late Person", classification="public")
    _stale(due, 3)
    _stale(late, 75)

    assert _names(client.get(FOCAL_POINTS, {"stale": "true"})) == {"Due Person", "Late Person"}
    assert _names(client.get(FOCAL_POINTS, {"stale": "false"})) == {"Fresh Person"}
    assert _names(client.get(FOCAL_POINTS, {"freshness": "delinquent"})) == {"Late Person"}
    assert _names(client.get(FOCAL_POINTS, {"freshness": "never_confirmed"})) == {"Due Person", "Late Person"}
    states = {item["full_name"]: item["freshness"] for item in client.get(FOCAL_POINTS).json()["results"]}
    assert states == {"Fresh Person": "up_to_date", "Due Person": "due", "Late Person": "delinquent"}
    assert fresh.pk


def test_unknown_or_invalid_filters_are_refused_naming_the_parameter(client, members):
    unknown = client.get(FOCAL_POINTS, {"membr": "TH"})
    bad_role = client.get(FOCAL_POINTS, {"role": "king"})
    both = client.get(FOCAL_POINTS, {"stale": "true", "freshness": "due"})
    agency_typo = client.get(AGENCIES, {"knd": "police"})

    for response, field in ((unknown, "membr"), (bad_role, "role"), (both, "stale"), (agency_typo, "knd")):
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert field in [detail["field"] for detail in response.json()["details"]]


def test_agencies_filter_by_member_sub_region_kind_theme_and_words(client, members, themes):
    make_agency(
        members["TH"],
        name="Immigration Bureau",
        acronym="IB",
        kind=AgencyKind.IMMIGRATION,
        themes=[themes["border-management"]],
        classification="public",
    )
    make_agency(
        members["ID"],
        name="Directorate General of Immigration",
        acronym="DGI",
        kind=AgencyKind.IMMIGRATION,
        classification="public",
    )
    make_agency(
        members["AU"],
        name="Border Force",
        acronym="ABF",
        kind=AgencyKind.MARITIME,
        themes=[themes["safety-at-sea"]],
        classification="public",
    )

    def acronyms(**params):
        response = client.get(AGENCIES, params)
        assert response.status_code == 200, response.content
        return {item["acronym"] for item in response.json()["results"]}

    assert acronyms(member="TH") == {"IB"}
    assert acronyms(sub_region="south-eastern asia") == {"IB", "DGI"}
    assert acronyms(kind="maritime") == {"ABF"}
    assert acronyms(theme="border-management") == {"IB"}
    assert acronyms(q="immigration") == {"IB", "DGI"}
    assert client.get(AGENCIES, {"kind": "bakery"}).status_code == 422


def test_agency_detail_gives_mandates_and_review_state(client, members, themes, make_user, login):
    agency = make_agency(
        members["TH"],
        name="Immigration Bureau",
        acronym="IB",
        themes=[themes["border-management"]],
        email_domains="immigration.th.example",
        classification="public",
    )

    body = client.get(f"{AGENCIES}/{agency.pk}").json()

    assert body["member"] == "TH" and body["kind"] == "immigration"
    assert body["themes"] == ["border-management"]
    assert body["trusted_domains"] == []  # only for who manages the member's directory
    assert body["freshness"] == "up_to_date" and body["review_due_on"]
    assert client.get(f"{AGENCIES}/999999").json()["code"] == "not_found"
    login(make_user("member_coordinator", members["TH"]))
    assert client.get(f"{AGENCIES}/{agency.pk}").json()["trusted_domains"] == ["immigration.th.example"]


def test_members_filter_by_sub_region_and_words(client, reference):
    found = client.get("/api/v1/members", {"q": "thai", "page_size": 200}).json()
    by_code = client.get("/api/v1/members", {"q": "vn"}).json()

    assert [item["code"] for item in found["results"]] == ["TH"]
    assert [item["code"] for item in by_code["results"]] == ["VN"]


# --- pages ------------------------------------------------------------------------------------
def test_focal_points_come_in_pages(client, members):
    for number in range(5):
        make_focal_point(members["ID"], full_name=f"Person {number}", classification="public")

    first = client.get(FOCAL_POINTS, {"page_size": 2}).json()
    last = client.get(FOCAL_POINTS, {"page_size": 2, "page": 3}).json()

    assert first["count"] == 5 and len(first["results"]) == 2
    assert "page=2" in first["next"] and first["previous"] is None
    assert len(last["results"]) == 1 and last["next"] is None


def test_list_query_count_does_not_grow_with_the_page(client, members, make_user, login, themes):
    login(make_user("member_official", members["ID"]))
    agency = make_agency(members["ID"], name="Immigration", themes=[themes["border-management"]])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(FOCAL_POINTS, {"page_size": 200}).status_code == 200
            assert client.get(AGENCIES, {"page_size": 200}).status_code == 200
        return len(queries)

    make_focal_point(members["ID"], agency=agency, roles=[{"kind": RoleKind.NATIONAL}], phones=["+62215550100"])
    count_queries()  # the session's first request does its own bookkeeping
    few = count_queries()
    for _ in range(6):
        make_agency(members["ID"], themes=[themes["border-management"]])
        make_focal_point(members["ID"], agency=agency, roles=[{"kind": RoleKind.NATIONAL}], phones=["+62215550101"])
    assert count_queries() == few


# --- the policy -------------------------------------------------------------------------------
@pytest.fixture
def restricted_person(members):
    """A focal point of Thailand, restricted and released to Indonesia only."""
    return make_focal_point(
        members["TH"],
        full_name="Restricted Person",
        classification="restricted",
        released_to=[members["ID"]],
        emails=["restricted@immigration.th.example"],
    )


def test_official_of_another_member_never_sees_a_restricted_focal_point(
    client, members, make_user, login, restricted_person
):
    login(make_user("member_official", members["AU"]))

    assert "Restricted Person" not in _names(client.get(FOCAL_POINTS))
    detail = client.get(f"{FOCAL_POINTS}/{restricted_person.pk}")
    assert detail.status_code == 404 and detail.json()["code"] == "not_found"
    assert b"restricted@" not in detail.content


def test_official_of_the_member_it_was_released_to_sees_it_and_the_read_is_audited(
    client, members, make_user, login, restricted_person
):
    reader = make_user("member_official", members["ID"])
    login(reader)

    assert "Restricted Person" in _names(client.get(FOCAL_POINTS))
    detail = client.get(f"{FOCAL_POINTS}/{restricted_person.pk}")

    assert detail.status_code == 200
    assert [email["address"] for email in detail.json()["emails"]] == ["restricted@immigration.th.example"]
    event = AuditEvent.objects.get(verb="record.read", target_id=str(restricted_person.pk))
    assert event.actor == reader and event.data["via"] == "api"


def test_members_only_records_are_hidden_from_the_public(client, members):
    make_focal_point(members["TH"], full_name="Members Only", classification="members")

    assert _names(client.get(FOCAL_POINTS)) == set()


@pytest.mark.parametrize("role", ["anonymous", "researcher", "alumnus"])
def test_no_contact_details_for_the_public_researchers_or_alumni(client, members, make_user, login, role):
    person = make_focal_point(
        members["TH"],
        full_name="Public Person",
        classification="public",
        emails=["public.person@immigration.th.example"],
        phones=["+6621234567"],
    )
    if role != "anonymous":
        login(make_user(role, members["TH"] if role == "alumnus" else None))

    listed = client.get(FOCAL_POINTS)
    detail = client.get(f"{FOCAL_POINTS}/{person.pk}")

    assert listed.json()["results"][0]["emails"] is None and listed.json()["results"][0]["phones"] is None
    assert detail.json()["emails"] is None and detail.json()["phones"] is None
    assert b"public.person@" not in listed.content + detail.content and b"1234567" not in detail.content


def test_member_officials_see_contact_details(client, members, make_user, login):
    person = make_focal_point(
        members["TH"], full_name="Public Person", emails=["p@immigration.th.example"], phones=["+6621234567"]
    )
    login(make_user("member_official", members["AU"]))

    item = client.get(FOCAL_POINTS).json()["results"][0]
    detail = client.get(f"{FOCAL_POINTS}/{person.pk}").json()

    assert item["emails"] == [{"address": "p@immigration.th.example", "is_primary": True, "bounced": False}]
    assert detail["phones"] == [{"number": "+6621234567", "kind": "office", "is_primary": True}]


# --- one person ------------------------------------------------------------------------------
def test_detail_gives_current_and_past_roles_and_the_review_state(client, members, make_user, login):
    coordinator = make_user("member_coordinator", members["TH"])
    person = make_focal_point(
        members["TH"],
        full_name="Somchai Jaidee",
        roles=[{"kind": RoleKind.SOM_DELEGATE}],
        actor=coordinator,
        confirmed_via="coordinator",
        time_zone="Asia/Bangkok",
        preferred_language="th",
    )
    person.roles.update(valid_from=date(2020, 1, 1))
    focal_point_save(focal_point=person, data={"roles": [{"kind": RoleKind.NATIONAL}]}, actor=coordinator)
    FocalPoint.objects.filter(pk=person.pk).update(verified_until=date(2030, 1, 1))
    login(make_user("member_official", members["ID"]))

    body = client.get(f"{FOCAL_POINTS}/{person.pk}").json()

    assert [role["kind"] for role in body["roles"]] == ["national"]
    assert [(role["kind"], role["valid_to"] is not None) for role in body["past_roles"]] == [("som_delegate", True)]
    assert body["freshness"] == "up_to_date"
    assert body["last_confirmed_via"] == "coordinator" and body["last_confirmed_at"]
    assert body["review_due_on"] == str(timezone.localdate() + timedelta(days=182))
    assert body["verified_until"] == "2030-01-01" and body["is_verified"] is True
    assert body["time_zone"] == "Asia/Bangkok" and body["preferred_language"] == "th"


def test_a_merged_record_answers_404(client, members, make_user):
    from bphub.directory.services.merges import focal_point_merge

    survivor = make_focal_point(members["VN"], full_name="Nguyễn Văn An", classification="public")
    duplicate = make_focal_point(members["VN"], full_name="Nguyen Van An", classification="public")
    focal_point_merge(survivor=survivor, duplicate=duplicate, actor=make_user("rso_staff"))

    assert client.get(f"{FOCAL_POINTS}/{duplicate.pk}").status_code == 404
    assert _names(client.get(FOCAL_POINTS)) == {"Nguyễn Văn An"}


def test_openapi_schema_stays_valid_and_lists_the_directory_routes(client, db):
    from openapi_spec_validator import validate

    schema = client.get("/api/v1/openapi.json").json()

    validate(schema)
    assert {
        "/api/v1/agencies",
        "/api/v1/agencies/{agency_id}",
        "/api/v1/focal-points",
        "/api/v1/focal-points/{focal_point_id}",
    } <= set(schema["paths"])
    item = schema["components"]["schemas"]["FocalPointListItemOut"]["properties"]
    assert {"emails", "phones", "freshness", "review_due_on", "roles"} <= set(item)

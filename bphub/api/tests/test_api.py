"""The API reads through the same policy as the web pages, and writes through the same services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bphub.core.models import AuditEvent
from bphub.knowledge.models import Resource
from bphub.members.models import Member

RESOURCES = "/api/v1/resources"


@pytest.fixture
def library(reference, make_resource):
    """Resources at every level, seen from Australia (AU); Indonesia (ID) is another member."""
    au, indonesia = Member.objects.get(code="AU"), Member.objects.get(code="ID")
    return {
        "public": make_resource("Public guide", "public"),
        "members": make_resource("Members toolkit", "members", originator=indonesia),
        "released": make_resource("Released report", "restricted", originator=indonesia, released_to=[au]),
        "withheld": make_resource("Withheld report", "restricted", originator=indonesia),
        "secretariat": make_resource("Secretariat note", "secretariat"),
        "au": au,
    }


def titles(response) -> set[str]:
    return {item["title"]["en"] for item in response.json()["results"]}


def test_member_official_with_a_token_sees_what_the_policy_allows(client, library, make_user, bearer):
    headers = bearer(make_user("member_official", library["au"]))

    response = client.get(RESOURCES, headers=headers)

    assert response.status_code == 200
    assert titles(response) == {"Public guide", "Members toolkit", "Released report"}


def test_api_list_matches_the_web_list_for_the_same_person(client, library, make_user, bearer, login):
    # given
    user = make_user("member_official", library["au"])
    # when
    api_titles = titles(client.get(RESOURCES, headers=bearer(user)))
    login(user)
    page = client.get("/exchange/").content.decode()
    # then
    all_titles = {resource.title["en"] for resource in Resource.objects.all()}
    assert api_titles == {title for title in all_titles if title in page}


def test_restricted_record_of_another_member_answers_404_like_a_missing_one(client, library, make_user, bearer):
    headers = bearer(make_user("member_official", library["au"]))

    withheld = client.get(f"{RESOURCES}/{library['withheld'].pk}", headers=headers)
    missing = client.get(f"{RESOURCES}/999999", headers=headers)
    released = client.get(f"{RESOURCES}/{library['released'].pk}", headers=headers)

    assert withheld.status_code == missing.status_code == 404
    assert withheld.json() == missing.json() == {"code": "not_found", "message": "Not found."}
    assert released.status_code == 200
    assert released.json()["classification"] == "restricted"
    assert released.json()["originator"] == "ID"


def test_anonymous_caller_sees_public_resources_only(client, library):
    listed = client.get(RESOURCES)
    members_only = client.get(f"{RESOURCES}/{library['members'].pk}")
    public = client.get(f"{RESOURCES}/{library['public'].pk}")

    assert titles(listed) == {"Public guide"}
    assert members_only.status_code == 404
    assert public.status_code == 200


def test_rso_staff_sees_everything(client, library, make_user, bearer):
    response = client.get(RESOURCES, headers=bearer(make_user("rso_staff")))

    assert response.json()["count"] == 5


def test_restricted_read_through_the_api_is_audited(client, library, make_user, bearer):
    # given
    user = make_user("member_official", library["au"])
    headers = bearer(user)
    # when
    client.get(f"{RESOURCES}/{library['released'].pk}", headers=headers)
    client.get(f"{RESOURCES}/{library['public'].pk}", headers=headers)
    # then
    reads = AuditEvent.objects.filter(verb="record.read")
    assert [(event.actor_id, event.target_id, event.data["via"]) for event in reads] == [
        (user.pk, str(library["released"].pk), "api")
    ]


def test_list_gives_short_records_and_only_the_audited_detail_gives_the_content(client, library, make_user, bearer):
    from bphub.members.models import Theme

    # given a secretariat note with a summary and a link, and an RSO staff member's token
    note = library["secretariat"]
    note.summary, note.url = {"en": "Who attends the closed session"}, "https://rso.example.org/note"
    note.save()
    note.themes.set([Theme.objects.get(code="border-management")])
    user = make_user("rso_staff")
    headers = bearer(user)
    # when they list the library
    listed = client.get(RESOURCES, headers=headers)
    # then every item is the short form (themes included), nothing sensitive shows and no read is logged
    assert listed.status_code == 200
    assert "Who attends the closed session" not in listed.content.decode()
    assert "rso.example.org/note" not in listed.content.decode()
    item = next(item for item in listed.json()["results"] if item["id"] == note.pk)
    assert set(item) == {"id", "title", "title_display", "classification", "kind", "published_on", "originator",
                         "body", "themes"}
    assert item["themes"] == ["border-management"] and item["classification"] == "secretariat"
    assert not AuditEvent.objects.filter(verb="record.read").exists()
    # when they open the note itself
    detail = client.get(f"{RESOURCES}/{note.pk}", headers=headers).json()
    # then they get the content, and the read is logged
    assert detail["summary"] == {"en": "Who attends the closed session"}
    assert detail["url"] == "https://rso.example.org/note"
    assert detail["themes"] == ["border-management"]
    assert list(AuditEvent.objects.filter(verb="record.read").values_list("actor_id", "target_id")) == [
        (user.pk, str(note.pk))
    ]


def test_list_filters_by_kind_theme_and_words(client, reference, make_resource):
    from bphub.members.models import Theme

    border = make_resource("Border toolkit", kind="toolkit")
    border.themes.set([Theme.objects.get(code="border-management")])
    make_resource("Trafficking report", kind="report")

    assert titles(client.get(RESOURCES, {"kind": "toolkit"})) == {"Border toolkit"}
    assert titles(client.get(RESOURCES, {"theme": "border-management"})) == {"Border toolkit"}
    assert titles(client.get(RESOURCES, {"q": "traffick"})) == {"Trafficking report"}
    assert client.get(RESOURCES, {"kind": "poem"}).status_code == 422


def test_list_query_count_does_not_grow_with_the_page(client, reference, make_resource, make_user, bearer):
    headers = bearer(make_user("member_official", Member.objects.get(code="AU")))
    make_resource("First", "members", originator=Member.objects.get(code="ID"))
    client.get(RESOURCES, headers=headers)  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as few:
        client.get(RESOURCES, headers=headers)
    for number in range(10):
        make_resource(f"More {number}", "members", originator=Member.objects.get(code="TH"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(RESOURCES, headers=headers)

    assert response.json()["count"] == 11
    assert len(many) == len(few)


def test_pages_link_to_the_next_and_previous_page(client, db, make_resource):
    for number in range(5):
        make_resource(f"Guide {number}")

    first = client.get(RESOURCES, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    last = client.get(second["next"]).json()

    assert first["count"] == second["count"] == last["count"] == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/resources?page_size=2&page=2"
    assert second["previous"] == "http://testserver/api/v1/resources?page_size=2&page=1"
    assert last["next"] is None
    assert len(first["results"]) == len(second["results"]) == 2 and len(last["results"]) == 1
    seen = [item["id"] for page in (first, second, last) for item in page["results"]]
    assert len(set(seen)) == 5


def test_page_size_is_capped_at_200(client, db):
    response = client.get(RESOURCES, {"page_size": 201})

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "page_size"
    assert client.get(RESOURCES, {"page_size": 200}).status_code == 200


def test_a_page_number_too_large_for_the_database_is_refused_naming_the_field(client, db, make_resource):
    # given
    make_resource("Guide")
    # when
    huge = client.get(RESOURCES, {"page": "99999999999999999999"})
    past_the_cap = client.get(RESOURCES, {"page": 1_000_001})
    last_allowed = client.get(RESOURCES, {"page": 1_000_000})
    # then
    assert huge.status_code == past_the_cap.status_code == 422
    assert huge.json()["code"] == "validation_error"
    assert [detail["field"] for detail in huge.json()["details"]] == ["page"]
    assert [detail["field"] for detail in past_the_cap.json()["details"]] == ["page"]
    assert last_allowed.status_code == 200
    assert last_allowed.json()["count"] == 1 and last_allowed.json()["results"] == []


def test_multilingual_text_comes_whole_and_picked_for_the_reader(client, db, make_resource):
    resource = make_resource("Hello")
    resource.title = {"en": "Hello", "th": "สวัสดี"}
    resource.save()
    url = f"{RESOURCES}/{resource.pk}"

    by_param = client.get(url, {"lang": "th"}).json()
    by_header = client.get(url, headers={"Accept-Language": "th-TH,th;q=0.9"}).json()
    fallback = client.get(url, {"lang": "vi"}).json()

    assert by_param["title"] == {"en": "Hello", "th": "สวัสดี"}
    assert by_param["title_display"] == {"text": "สวัสดี", "language": "th", "is_fallback": False}
    assert by_header["title_display"]["text"] == "สวัสดี"
    assert fallback["title_display"] == {"text": "Hello", "language": "en", "is_fallback": True}


# --- Creating resources -----------------------------------------------------------------------
def test_coordinator_creates_a_resource_for_their_member(client, reference, make_user, bearer):
    # given
    headers = bearer(make_user("member_coordinator", Member.objects.get(code="AU")))
    payload = {"title": {"en": "Screening guide", "th": "คู่มือ"}, "summary": {"en": "How to screen."},
               "kind": "policy_guide", "classification": "restricted", "released_to": ["ID"],
               "themes": ["border-management"], "published_on": "2024-05-01"}
    # when
    response = client.post(RESOURCES, payload, content_type="application/json", headers=headers)
    # then
    assert response.status_code == 201
    body = response.json()
    resource = Resource.objects.get(pk=body["id"])
    assert resource.title == {"en": "Screening guide", "th": "คู่มือ"}
    assert resource.originator.code == "AU"
    assert list(resource.released_to.values_list("code", flat=True)) == ["ID"]
    assert body["themes"] == ["border-management"]
    assert AuditEvent.objects.filter(verb="resource.created", target_id=str(resource.pk)).exists()


def test_role_that_cannot_add_records_gets_403_and_nothing_is_created(client, reference, make_user, bearer):
    headers = bearer(make_user("member_official", Member.objects.get(code="AU")))

    response = client.post(RESOURCES, {"title": {"en": "Nope"}, "kind": "report"}, content_type="application/json",
                           headers=headers)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Resource.objects.exists()


def test_anonymous_caller_cannot_create_resources(client, db):
    response = client.post(RESOURCES, {"title": {"en": "Nope"}, "kind": "report"}, content_type="application/json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Resource.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"title": {"en": "x"}, "kind": "report", "themes": ["no-such-theme"]}, "themes"),
    ({"title": {"en": "x"}, "kind": "report", "classification": "body"}, "body"),
    ({"title": {"th": "ไทย"}, "kind": "report"}, "title"),
    ({"title": {"en": "x", "xx": "?"}, "kind": "report"}, "title"),
    ({"title": {"en": "x"}, "kind": "report", "url": "not a link"}, "url"),
])
def test_invalid_resource_is_refused_naming_the_field(client, reference, make_user, bearer, payload, field):
    headers = bearer(make_user("rso_staff"))

    response = client.post(RESOURCES, payload, content_type="application/json", headers=headers)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert field in [detail["field"] for detail in response.json()["details"]]
    assert not Resource.objects.exists()


# --- Reference data -------------------------------------------------------------------------
def test_members_can_be_filtered(client, reference):
    observers = client.get("/api/v1/members", {"standing": "observer", "page_size": 200}).json()
    organisations = client.get("/api/v1/members", {"kind": "organisation", "page_size": 200}).json()
    south_east = client.get("/api/v1/members", {"sub_region": "South-eastern Asia", "page_size": 200}).json()

    assert observers["count"] == Member.objects.filter(standing="observer").count() > 0
    assert {item["standing"] for item in observers["results"]} == {"observer"}
    assert {item["kind"] for item in organisations["results"]} == {"organisation"}
    assert {"KH", "TH", "ID"} <= {item["code"] for item in south_east["results"]}
    assert {item["sub_region"] for item in south_east["results"]} == {"South-eastern Asia"}


def test_member_detail_lists_its_seats(client, reference):
    response = client.get("/api/v1/members/AU")

    assert response.status_code == 200
    assert response.json()["name_display"]["text"] == "Australia"
    assert {"body": "BPMC", "role": "co_chair"}.items() <= next(
        seat for seat in response.json()["seats"] if seat["body"] == "BPMC").items()
    assert client.get("/api/v1/members/NOPE").json()["code"] == "not_found"


def test_seats_on_a_date_show_who_sat_on_the_body_then(client, reference):
    before = client.get("/api/v1/bodies/AHG/seats", {"on": "2022-01-01"}).json()
    after = client.get("/api/v1/bodies/AHG/seats", {"on": "2023-01-01"}).json()
    today = client.get("/api/v1/bodies/SG/seats").json()

    assert "BD" not in {seat["member"] for seat in before["results"]}
    assert "BD" in {seat["member"] for seat in after["results"]}
    assert {"AU", "ID", "TH", "NZ", "IOM", "UNHCR"} <= {seat["member"] for seat in today["results"]}
    assert client.get("/api/v1/bodies/AHG/seats", {"on": "yesterday"}).status_code == 422


def test_bodies_and_themes_are_public(client, reference):
    bodies = client.get("/api/v1/bodies", {"page_size": 200}).json()
    themes = client.get("/api/v1/themes", {"page_size": 200}).json()

    assert "BPMC" in {body["code"] for body in bodies["results"]}
    assert client.get("/api/v1/bodies/BPMC").json()["kind"] == "ministerial"
    assert "border-management" in {theme["code"] for theme in themes["results"]}


# --- Account and audit ----------------------------------------------------------------------
def test_me_needs_authentication(client, db):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_audit_events_are_for_rso_admins_only(client, make_user, bearer):
    # given
    admin_headers = bearer(make_user("rso_admin"))
    staff_headers = bearer(make_user("rso_staff"))
    # when
    for_admin = client.get("/api/v1/audit-events", {"verb": "api_token."}, headers=admin_headers)
    for_staff = client.get("/api/v1/audit-events", headers=staff_headers)
    # then
    assert for_admin.status_code == 200
    assert {event["verb"] for event in for_admin.json()["results"]} == {"api_token.created"}
    assert for_admin.json()["count"] == 2
    assert for_staff.status_code == 404
    assert for_staff.json()["code"] == "not_found"


def test_audit_events_filter_by_actor_and_days(client, make_user, bearer):
    from django.utils import timezone

    admin = make_user("rso_admin", email="boss@rso.example.org")
    make_user("researcher", email="reader@example.org")
    headers = bearer(admin)
    today = timezone.now().date().isoformat()

    mine = client.get("/api/v1/audit-events", {"actor": "boss@", "since": today, "until": today}, headers=headers)
    none = client.get("/api/v1/audit-events", {"until": "2000-01-01"}, headers=headers)

    assert mine.json()["count"] == 1
    assert mine.json()["results"][0]["actor_email"] == "boss@rso.example.org"
    assert none.json()["count"] == 0


def test_a_token_caller_reads_days_in_their_own_time_zone(client, make_user, bearer):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    # given an RSO admin in Bangkok (UTC+7) and events around the day D, in Bangkok time
    bangkok, day = ZoneInfo("Asia/Bangkok"), date(2025, 3, 10)
    admin = make_user("rso_admin", time_zone="Asia/Bangkok")
    headers = bearer(admin)
    at = {
        "early on D": datetime(2025, 3, 10, 0, 30, tzinfo=bangkok),  # still 9 March in UTC
        "late on D": datetime(2025, 3, 10, 23, 30, tzinfo=bangkok),
        "early on D+1": datetime(2025, 3, 11, 0, 30, tzinfo=bangkok),  # still 10 March in UTC
    }
    for label, occurred_at in at.items():
        AuditEvent.objects.create(verb="test.tz", target_label=label, occurred_at=occurred_at)
    # when they ask for the events of D with their token
    response = client.get("/api/v1/audit-events", {"verb": "test.tz", "since": day.isoformat(),
                                                   "until": day.isoformat()}, headers=headers)
    # then they get D as lived in Bangkok
    assert response.status_code == 200
    assert {event["target_label"] for event in response.json()["results"]} == {"early on D", "late on D"}


def test_a_token_owner_with_an_unknown_time_zone_reads_days_in_utc(client, make_user, bearer):
    from datetime import UTC, datetime

    # given an admin whose stored zone is not a real one
    headers = bearer(make_user("rso_admin", time_zone="Mars/Olympus_Mons"))
    AuditEvent.objects.create(verb="test.tz", target_label="late UTC", occurred_at=datetime(2025, 3, 10, 23, 30,
                                                                                           tzinfo=UTC))
    # when
    response = client.get("/api/v1/audit-events", {"verb": "test.tz", "since": "2025-03-10", "until": "2025-03-10"},
                          headers=headers)
    # then the request works, in UTC
    assert response.status_code == 200
    assert [event["target_label"] for event in response.json()["results"]] == ["late UTC"]

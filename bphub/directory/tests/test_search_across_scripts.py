"""Searching across Thai and Latin script: a Thai query finds a person known only by a Latin name,
a Latin query finds one known only by a Thai name (Royal Thai romanisation, stored at indexing time
and applied to Thai words of the query), on the search page and in the API."""

import pytest

from bphub.directory.models import FocalPoint
from bphub.directory.testing import make_agency, make_focal_point
from bphub.directory.text import romanize_thai, search_text_for

FOCAL_POINTS = "/api/v1/focal-points"


@pytest.fixture
def people(thailand):
    make_focal_point(thailand, full_name="Somchai Prasert", classification="public")  # Latin only
    make_focal_point(thailand, full_name="วิชัย ทองดี", classification="public")  # Thai only
    make_focal_point(thailand, full_name="Someone Else", local_name="มานี มีนา", classification="public")


def found_on_page(client, query: str) -> str:
    response = client.get("/directory/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def found_by_api(client, query: str) -> set[str]:
    response = client.get(FOCAL_POINTS, {"q": query})
    assert response.status_code == 200, response.content
    return {item["full_name"] for item in response.json()["results"]}


def test_the_royal_thai_romanisation_is_what_people_write():
    # anyascii spells Thai letter by letter (สมชาย -> smchay), which nobody writes; RTGS spells sounds
    assert romanize_thai("สมชาย ใจดี") == "somchai chaidi"
    assert romanize_thai("Somchai") == ""
    assert "somchai" in search_text_for("สมชาย")


@pytest.mark.parametrize("query", ["สมชาย", "สมช"])
def test_a_thai_search_finds_a_person_with_only_a_latin_name(client, people, thailand, make_user, login, query):
    # given Somchai Prasert, whose record has no Thai name
    # when a colleague searches in Thai, on the page and through the API
    login(make_user("member_official", member=thailand))
    page, api = found_on_page(client, query), found_by_api(client, query)

    # then he is found, and nobody else is
    assert "Somchai Prasert" in page and "Someone Else" not in page and "ทองดี" not in page
    assert api == {"Somchai Prasert"}


@pytest.mark.parametrize("query", ["wichai", "Thongdi", "WICHAI THONG"])
def test_a_latin_search_finds_a_person_with_only_a_thai_name(client, people, thailand, make_user, login, query):
    login(make_user("member_official", member=thailand))

    page, api = found_on_page(client, query), found_by_api(client, query)

    assert "วิชัย ทองดี" in page and "Somchai" not in page
    assert api == {"วิชัย ทองดี"}


def test_thai_still_finds_thai_by_any_part(client, people, thailand, make_user, login):
    login(make_user("member_official", member=thailand))

    assert found_by_api(client, "ทองดี") == {"วิชัย ทองดี"}
    assert found_by_api(client, "มีนา") == {"Someone Else"}


def test_an_agency_with_only_a_thai_name_is_found_in_latin(client, thailand, make_user, login):
    make_agency(thailand, name="สำนักงานตรวจคนเข้าเมือง", acronym="")  # the Immigration Bureau
    make_agency(thailand, name="Royal Thai Police", acronym="RTP")
    login(make_user("rso_staff"))

    page = client.get("/directory/agencies/", {"q": "Samnakngan"}).content.decode()

    assert "สำนักงานตรวจคนเข้าเมือง" in page and "Royal Thai Police" not in page


def test_existing_rows_get_the_romanisation_from_the_migration(thailand):
    # given a row indexed before romanisation (as every row of an existing database)
    person = make_focal_point(thailand, full_name="วิชัย ทองดี")
    FocalPoint.objects.filter(pk=person.pk).update(search_text="วิชัย ทองดี | wichay thxngdi")

    # when the data migration runs its rebuild
    from importlib import import_module

    from django.apps import apps

    import_module("bphub.directory.migrations.0008_search_text_thai_romanised").rebuild(apps, None)

    # then the row carries the romanised name
    assert "wichai" in FocalPoint.objects.get(pk=person.pk).search_text

"""Every API error is JSON with a stable code and a message."""

import pytest

from bphub.api.models import ApiToken
from bphub.knowledge.models import Resource

RESOURCES = "/api/v1/resources"


@pytest.fixture
def staff_headers(make_user, bearer):
    return bearer(make_user("rso_staff"))


def test_malformed_json_gets_400(client, staff_headers):
    response = client.post(RESOURCES, '{"title": {"en": "x"', content_type="application/json", headers=staff_headers)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "malformed_json"
    assert response.json()["message"]


def test_unknown_field_gets_422_naming_it_and_nothing_is_created(client, staff_headers):
    payload = {"title": {"en": "x"}, "kind": "report", "colour": "blue"}

    response = client.post(RESOURCES, payload, content_type="application/json", headers=staff_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["details"] == [
        {"location": "body", "field": "colour", "reason": "Extra inputs are not permitted", "type": "extra_forbidden"}
    ]
    assert not Resource.objects.exists()


def test_missing_field_gets_422_naming_it(client, staff_headers):
    response = client.post(RESOURCES, {"title": {"en": "x"}}, content_type="application/json", headers=staff_headers)

    assert response.status_code == 422
    assert [(detail["field"], detail["type"]) for detail in response.json()["details"]] == [("kind", "missing")]


def test_unknown_field_on_token_creation_is_refused(client, staff_headers):
    response = client.post("/api/v1/tokens", {"name": "x", "scope": "all"}, content_type="application/json",
                           headers=staff_headers)

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "scope"
    assert ApiToken.objects.count() == 1  # only the caller's own


def test_huge_body_gets_413_before_anything_reads_it(client, staff_headers, settings):
    body = '{"title": {"en": "' + "x" * (settings.API_MAX_BODY_SIZE + 1) + '"}, "kind": "report"}'

    response = client.post(RESOURCES, body, content_type="application/json", headers=staff_headers)

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not Resource.objects.exists()


def test_wrong_method_gets_405_as_json(client, db):
    response = client.put("/api/v1/themes", "{}", content_type="application/json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_unknown_path_gets_404_as_json(client, db):
    response = client.post("/api/v1/no/such/thing", "{}", content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_bad_path_parameter_gets_422(client, db):
    response = client.get(f"{RESOURCES}/abc")

    assert response.status_code in {404, 422}
    assert response.json()["code"] in {"not_found", "validation_error"}


def test_the_api_root_lists_the_schema_and_the_docs(client, db):
    response = client.get("/api/v1/")

    assert response.json() == {"openapi": "http://testserver/api/v1/openapi.json",
                               "docs": "http://testserver/api/v1/docs"}

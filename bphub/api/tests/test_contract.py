"""The published contract: every answer documented, one component per type, one rule for ids and
for unknown query parameters on every route."""

import enum

import pytest
from ninja import NinjaAPI, Schema

from bphub.api.api import api
from bphub.api.openapi import BphubOpenAPISchema

SHARED_ERRORS = {"401", "422", "429"}


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_no_two_types_share_a_component_name(schema):
    assert schema.collisions == []
    components = schema["components"]["schemas"]
    # The statuses of meetings, delegations and action items are three different lists.
    assert components["MeetingStatus"]["enum"] != components["DelegationStatus"]["enum"]
    assert "Status" not in components and "Kind" not in components


def test_the_collision_check_catches_two_types_of_one_name():
    first = enum.Enum("Status", {"OPEN": "open"}, module="first.models")
    second = enum.Enum("Status", {"DONE": "done"}, module="second.models")

    class FirstOut(Schema):
        status: first

    class SecondOut(Schema):
        status: second

    throwaway = NinjaAPI(urls_namespace="collision-check")

    @throwaway.get("/first", response=FirstOut)
    def read_first(request):
        return {"status": "open"}

    @throwaway.get("/second", response=SecondOut)
    def read_second(request):
        return {"status": "done"}

    assert BphubOpenAPISchema(throwaway, "").collisions == ["Status"]


def test_every_operation_documents_its_error_answers_with_the_error_body(schema):
    error_ref = "#/components/schemas/ErrorOut"
    missing = []
    for path, method, operation in operations(schema):
        responses = {str(status): response for status, response in operation["responses"].items()}
        expected = set(SHARED_ERRORS)
        if "{" in path:
            expected.add("404")
        if method != "get":
            expected.add("403")
        for status in sorted(expected):
            body = responses.get(status, {}).get("content", {}).get("application/json", {}).get("schema", {})
            if body.get("$ref") != error_ref:
                missing.append(f"{method.upper()} {path}: {status}")
        if responses.get("429", {}).get("headers", {}).get("Retry-After", {}).get("required") is not True:
            missing.append(f"{method.upper()} {path}: 429 Retry-After")
    assert missing == []
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "details"}


def _sample_path(path: str) -> str:
    """A well-formed value for each path parameter: unknown parameters are refused before any lookup."""
    return "/".join(
        ("1" if part.endswith("_id}") else "XX") if part.startswith("{") else part for part in path.split("/")
    )


def test_every_get_route_refuses_an_unknown_query_parameter(client, schema, make_user, bearer):
    headers = bearer(make_user("rso_admin"))
    answers = {}
    for path, method, _operation in operations(schema):
        if method != "get":
            continue
        response = client.get(_sample_path(path), {"colour": "blue", "lang": "en"}, headers=headers)
        body = response.json() if response.status_code == 422 else {}
        answers[path] = (response.status_code, body.get("details"))
    refused = (
        422,
        [{"location": "query", "field": "colour", "reason": "Unknown query parameter.", "type": "unknown_field"}],
    )
    assert {path: answer for path, answer in answers.items() if answer != refused} == {}
    assert len(answers) >= 25


def test_known_parameters_and_lang_are_still_accepted(client, db):
    response = client.get("/api/v1/meetings", {"status": "announced", "page_size": "5", "lang": "fr"})

    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/action-items?meeting=123456789012345678901",
        "/api/v1/focal-points?agency=123456789012345678901",
        "/api/v1/focal-points?agency=0",
        "/api/v1/meetings/123456789012345678901",
        "/api/v1/meetings/9223372036854775808/agenda",
        "/api/v1/documents/-1",
        "/api/v1/resources/123456789012345678901",
        "/api/v1/agencies/123456789012345678901",
        "/api/v1/meetings?from=9999-12-31",
        "/api/v1/action-items?due_before=0001-01-01",
    ],
)
def test_an_id_or_day_out_of_range_is_a_validation_error_not_a_server_error(client, db, url):
    response = client.get(url)

    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"


def test_the_largest_id_is_looked_up_and_simply_not_found(client, db):
    response = client.get("/api/v1/meetings/9223372036854775807")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_token_revoke_with_an_id_out_of_range_is_refused(client, make_user, bearer):
    response = client.delete("/api/v1/tokens/123456789012345678901", headers=bearer(make_user("researcher")))

    assert response.status_code == 422


def test_a_sub_region_id_out_of_range_matches_nothing(client, db):
    response = client.get("/api/v1/focal-points", {"sub_region": "123456789012345678901"})

    assert response.status_code == 200
    assert response.json()["count"] == 0

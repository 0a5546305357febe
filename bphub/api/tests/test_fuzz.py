"""Schema-driven fuzzing: requests generated from the published OpenAPI schema, sent to the app
in-process (WSGI), anonymously and with a token of each role. No answer may be a server error,
an undocumented status code, or a body or header the schema does not describe.

Bounded and repeatable: a few examples per operation, derandomized, no example database
(8 callers x 29 operations x 6 examples: about 60 s on SQLite on an idle core).
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bphub.core.authz import ROLES

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 6
MEMBER_SIDE = {"member_coordinator", "member_official", "wg_co_chair"}
UNSAFE_LAST = {"GET": 0, "POST": 1, "DELETE": 2}


@pytest.fixture
def in_process_schema(db):
    """The served schema, its requests sent to the WSGI app in this process, inside the test's transaction.

    As Django's test client does, the connection is not closed at the end of each request (on
    PostgreSQL that would close it mid-transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def fuzz_operation(operation, headers: dict) -> int:
    """Send `EXAMPLES_PER_OPERATION` generated requests; raise on the first failing check."""
    sent = 0

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy())
    def run(case):
        nonlocal sent
        # Uncompressed: the in-process WSGI client does not undo GZipMiddleware.
        response = case.call(headers={**headers, "Accept-Encoding": "identity"})
        case.validate_response(response, checks=CHECKS)
        sent += 1

    run()
    return sent


def test_no_generated_request_breaks_the_api_or_its_schema(api_world, settings, make_user, bearer, in_process_schema):
    # The limits have their own tests; here they would only cut the fuzzing short.
    settings.API_RATE_LIMIT_TOKEN = settings.API_RATE_LIMIT_ANONYMOUS = "100000/m"
    schema = in_process_schema
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: (UNSAFE_LAST.get(operation.method.upper(), 3), operation.path),
    )
    callers = {"anonymous": {}}
    for role in ROLES:
        if role != "anonymous":
            member = api_world["member"] if role in MEMBER_SIDE else None
            callers[role] = bearer(make_user(role, member=member), days=30)

    sent = 0
    for role, headers in callers.items():
        for operation in operations:
            sent += fuzz_operation(operation, headers)

    assert len(operations) == 30
    assert sent >= len(callers) * len(operations)


def test_real_records_on_every_route_answer_as_the_schema_says(api_world, make_user, bearer, in_process_schema):
    # Generated ids rarely hit a record; these do, so each 200 body is checked against the schema too.
    headers = {**bearer(make_user("rso_admin")), "Accept-Encoding": "identity"}
    meeting, document, action = api_world["meeting"].pk, api_world["document"].pk, api_world["action"].pk
    calls = [
        ("/api/v1/meetings/{meeting_id}", {"meeting_id": meeting}),
        ("/api/v1/meetings/{meeting_id}/agenda", {"meeting_id": meeting}),
        ("/api/v1/meetings/{meeting_id}/delegations", {"meeting_id": meeting}),
        ("/api/v1/meetings/{meeting_id}/documents", {"meeting_id": meeting}),
        ("/api/v1/meetings/{meeting_id}/outcomes", {"meeting_id": meeting}),
        ("/api/v1/documents/{document_id}", {"document_id": document}),
        ("/api/v1/documents/{document_id}/download", {"document_id": document}),
        ("/api/v1/action-items/{action_id}", {"action_id": action}),
        ("/api/v1/agencies/{agency_id}", {"agency_id": api_world["agency"].pk}),
        ("/api/v1/focal-points/{focal_point_id}", {"focal_point_id": api_world["person"].pk}),
        ("/api/v1/members/{code}", {"code": "TH"}),
    ]
    schema = in_process_schema
    statuses = {}
    for path, parameters in calls:
        case = schema[path]["GET"].Case(path_parameters=parameters)
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)
        statuses[path] = response.status_code

    assert set(statuses.values()) == {200}, statuses

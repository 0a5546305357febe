"""The contract from the client's side: a Python client generated from the served OpenAPI schema
(openapi-python-client, at test time: about 3 s) lists meetings, focal points and action items
from a live server with a token, every answer parsed into the generated models."""

import importlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bphub.api.services import token_create

PACKAGE = "bphub_api_generated_client"
# No post-generation hooks (ruff): the generated code is imported, never committed.
GENERATOR_CONFIG = "post_hooks: []\n"


def generate_client(schema_url: str, directory: Path):
    schema = directory / "openapi.json"
    schema.write_bytes(httpx.get(schema_url, timeout=30).raise_for_status().content)
    config = directory / "generator.yaml"
    config.write_text(GENERATOR_CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(directory / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Endpoint will not be generated" not in result.stdout, result.stdout
    assert "Unable to " not in result.stdout, result.stdout
    sys.path.insert(0, str(directory))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(directory))


@pytest.mark.usefixtures("audit_triggers_paused_for_flush")
def test_a_generated_client_lists_meetings_focal_points_and_action_items(
    live_server, transactional_db, api_world, make_user, tmp_path
):
    package = generate_client(f"{live_server.url}/api/v1/openapi.json", tmp_path)
    meetings_api = importlib.import_module(f"{PACKAGE}.api.meetings.meetings")
    actions_api = importlib.import_module(f"{PACKAGE}.api.meetings.action_items")
    focal_points_api = importlib.import_module(f"{PACKAGE}.api.directory.focal_points")
    status = importlib.import_module(f"{PACKAGE}.models.meeting_status").MeetingStatus
    _token, raw_token = token_create(user=make_user("member_official", member=api_world["member"]), name="client")
    client = package.AuthenticatedClient(base_url=live_server.url, token=raw_token, raise_on_unexpected_status=True)

    with client:
        meetings = meetings_api.sync_detailed(client=client, status=status.ANNOUNCED, lang="en")
        focal_points = focal_points_api.sync_detailed(client=client, member="TH")
        actions = actions_api.sync_detailed(client=client)
        # The generated client also knows the error body: an unknown id is a typed 404.
        missing = importlib.import_module(f"{PACKAGE}.api.meetings.meeting").sync_detailed(
            client=client, meeting_id=9_223_372_036_854_775_807
        )

    assert (meetings.status_code, focal_points.status_code, actions.status_code) == (200, 200, 200)
    assert [m.title_display.text for m in meetings.parsed.results] == ["Public meeting", "Members meeting"]
    assert meetings.parsed.results[0].status == status.ANNOUNCED
    assert {p.full_name for p in focal_points.parsed.results} == {"Somchai Public", "Malee Members"}
    assert {a.title["en"] for a in actions.parsed.results} == {"Share the guide", "Draft the report"}
    assert actions.parsed.count == 2
    assert missing.status_code == 404
    assert missing.parsed.code == "not_found"

"""Rate limits: per token (or session) and per client IP without credentials, 429 with Retry-After."""

import pytest

ME = "/api/v1/me"
THEMES = "/api/v1/themes"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.API_RATE_LIMIT_TOKEN = "3/m"
    settings.API_RATE_LIMIT_ANONYMOUS = "2/m"


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_token_past_its_limit_is_told_to_wait_and_another_token_is_not(client, make_user, bearer):
    first, second = bearer(make_user("researcher")), bearer(make_user("researcher"))

    answers = [client.get(ME, headers=first).status_code for _ in range(3)]
    throttled = client.get(ME, headers=first)
    other = client.get(ME, headers=second)

    assert answers == [200, 200, 200]
    assert_throttled(throttled)
    assert other.status_code == 200


def test_two_tokens_of_one_person_are_counted_apart(client, make_user, bearer):
    person = make_user("rso_staff")
    first, second = bearer(person, name="laptop"), bearer(person, name="server")

    for _ in range(3):
        client.get(THEMES, headers=first)

    assert_throttled(client.get(THEMES, headers=first))
    assert client.get(THEMES, headers=second).status_code == 200


def test_anonymous_callers_are_limited_per_ip(client, make_user, bearer, db):
    for _ in range(2):
        assert client.get(THEMES, REMOTE_ADDR="192.0.2.1").status_code == 200

    assert_throttled(client.get(THEMES, REMOTE_ADDR="192.0.2.1"))
    assert client.get(THEMES, REMOTE_ADDR="192.0.2.2").status_code == 200
    # A token calling from the same address has its own allowance.
    token = bearer(make_user("researcher"))
    assert client.get(THEMES, REMOTE_ADDR="192.0.2.1", headers=token).status_code == 200


def test_a_signed_in_session_has_its_own_allowance(client, make_user, login, db):
    for _ in range(2):
        client.get(THEMES)
    assert_throttled(client.get(THEMES))

    login(make_user("member_official"))

    assert client.get(THEMES).status_code == 200


def test_the_limit_counts_every_route_together(client, make_user, bearer):
    token = bearer(make_user("researcher"))

    client.get(ME, headers=token)
    client.get(THEMES, headers=token)
    client.get("/api/v1/meetings", headers=token)

    assert_throttled(client.get("/api/v1/members", headers=token))

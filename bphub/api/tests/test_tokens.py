"""Personal access tokens: shown once, stored hashed, revocable, expiring, tied to an active account."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from bphub.api.models import ApiToken
from bphub.api.services import token_create, token_revoke

ME = "/api/v1/me"


def auth(raw_token: str) -> dict:
    return {"Authorization": f"Bearer {raw_token}"}


def test_token_is_stored_only_as_its_hash(make_user):
    # given
    user = make_user("member_official")
    # when
    token, raw_token = token_create(user=user, name="script")
    # then
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw_token.startswith(f"bph_{stored.prefix}_")
    assert stored.token_hash == hashlib.sha256(raw_token.encode()).hexdigest()
    secret = raw_token.split("_", 2)[2]
    assert all(secret not in str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values())


def test_token_authenticates_as_its_owner(client, make_user):
    user = make_user("member_official")
    _token, raw_token = token_create(user=user, name="script")

    response = client.get(ME, headers=auth(raw_token))

    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert response.json()["authenticated_by"] == "token"


def test_token_expires_after_the_default_number_of_days(make_user, settings):
    token, _raw = token_create(user=make_user("researcher"), name="script")

    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    assert abs(token.expires_at - expected) < timedelta(minutes=1)


def test_token_longer_than_the_maximum_is_refused(client, make_user, login, settings):
    login(make_user("researcher"))

    response = client.post("/api/v1/tokens", {"name": "forever", "days": settings.API_TOKEN_MAX_DAYS + 1},
                           content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["details"][0]["field"] == "days"
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("spoil", ["expired", "revoked", "deactivated"])
def test_spoilt_token_gets_401(client, make_user, spoil):
    # given
    user = make_user("member_official")
    token, raw_token = token_create(user=user, name="script")
    if spoil == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif spoil == "revoked":
        token_revoke(token=token, actor=user)
    else:
        user.is_active = False
        user.save()
    # when
    response = client.get(ME, headers=auth(raw_token))
    # then
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer bph_nothing_here", "Bearer not-a-token", "Token abc", "Basic dXNlcjpwYXNz"])
def test_unknown_or_malformed_token_gets_401_even_on_public_routes(client, db, header):
    response = client.get("/api/v1/themes", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_of_someone_else_with_the_same_prefix_does_not_work(client, make_user):
    token, raw_token = token_create(user=make_user("rso_admin"), name="script")
    forged = f"bph_{token.prefix}_{'A' * 43}"

    assert client.get(ME, headers=auth(forged)).status_code == 401
    assert client.get(ME, headers=auth(raw_token)).status_code == 200


def test_last_used_at_is_written_on_use_at_most_once_a_minute(client, make_user):
    # given
    token, raw_token = token_create(user=make_user("researcher"), name="script")
    assert token.last_used_at is None
    # when
    client.get(ME, headers=auth(raw_token))
    token.refresh_from_db()
    first_use = token.last_used_at
    client.get(ME, headers=auth(raw_token))
    token.refresh_from_db()
    # then
    assert first_use is not None
    assert token.last_used_at == first_use
    # and a use more than a minute later is written again
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    client.get(ME, headers=auth(raw_token))
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(minutes=2)


def test_token_created_through_the_api_is_shown_once_then_listed_without_secret(client, make_user, bearer):
    # given
    user = make_user("member_coordinator")
    headers = bearer(user, name="first")
    # when
    created = client.post("/api/v1/tokens", {"name": "second", "days": 7}, content_type="application/json",
                          headers=headers)
    listed = client.get("/api/v1/tokens", headers=headers)
    # then
    assert created.status_code == 201
    raw_token = created.json()["token"]
    assert client.get(ME, headers=auth(raw_token)).json()["email"] == user.email
    assert [item["name"] for item in listed.json()["results"]] == ["second", "first"]
    assert raw_token not in listed.content.decode()
    assert all("token" not in item and "token_hash" not in item for item in listed.json()["results"])


def test_revoking_a_token_through_the_api_stops_it_at_once(client, make_user, bearer):
    user = make_user("researcher")
    token, raw_token = token_create(user=user, name="to revoke")

    response = client.delete(f"/api/v1/tokens/{token.pk}", headers=bearer(user))

    assert response.status_code == 204
    assert client.get(ME, headers=auth(raw_token)).status_code == 401
    assert client.get("/api/v1/tokens", headers=bearer(user)).json()["results"][-1]["status"] == "revoked"


def test_someone_elses_token_cannot_be_revoked_and_looks_missing(client, make_user, bearer):
    other_token, other_raw = token_create(user=make_user("researcher"), name="theirs")

    response = client.delete(f"/api/v1/tokens/{other_token.pk}", headers=bearer(make_user("rso_admin")))
    missing = client.delete("/api/v1/tokens/999999", headers=bearer(make_user("rso_admin")))

    assert response.status_code == 404
    assert response.json() == missing.json() == {"code": "not_found", "message": "Not found."}
    assert client.get(ME, headers=auth(other_raw)).status_code == 200


def test_creating_and_revoking_tokens_is_audited(make_user):
    from bphub.core.models import AuditEvent

    user = make_user("researcher")
    token, _raw = token_create(user=user, name="script")
    token_revoke(token=token, actor=user)

    assert list(AuditEvent.objects.filter(target_id=str(token.pk)).order_by("id").values_list("verb", flat=True)) == [
        "api_token.created", "api_token.revoked",
    ]


def test_session_without_csrf_token_cannot_create_tokens(make_user, login):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    login(make_user("researcher"), csrf_client)

    response = csrf_client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()


def test_session_reads_need_no_csrf_token(make_user, login):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    user = make_user("researcher")
    login(user, csrf_client)

    response = csrf_client.get(ME)

    assert response.status_code == 200
    assert response.json()["authenticated_by"] == "session"


def test_token_made_with_a_token_never_outlives_it(client, make_user):
    # given
    user = make_user("researcher")
    parent, raw_parent = token_create(user=user, name="short-lived", days=3)
    # when
    response = client.post("/api/v1/tokens", {"name": "child", "days": 300}, content_type="application/json",
                           headers=auth(raw_parent))
    # then
    assert response.status_code == 201
    assert ApiToken.objects.get(name="child").expires_at == parent.expires_at

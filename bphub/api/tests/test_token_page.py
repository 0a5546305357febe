"""The API tokens page: people list, create and revoke their own tokens."""

import re

from bphub.api.models import ApiToken
from bphub.api.services import token_create

PAGE = "/api-tokens/"


def test_page_needs_sign_in(client, db):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_preferences_page_links_to_the_tokens_page(client, make_user, login):
    login(make_user("researcher"))

    response = client.get("/preferences/")

    assert 'href="/api-tokens/"' in response.content.decode()


def test_new_token_is_shown_once_and_works(client, make_user, login):
    # given
    user = make_user("member_official")
    login(user)
    # when
    created = client.post(PAGE, {"action": "create", "name": "reporting", "days": 30})
    shown = re.search(r'<code id="new-token">(bph_[^<]+)</code>', created.content.decode()).group(1)
    again = client.get(PAGE).content.decode()
    # then
    assert created.status_code == 200
    assert shown not in again
    assert "reporting" in again
    api = client.__class__()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {shown}"}).json()["email"] == user.email


def test_invalid_days_are_refused_on_the_page(client, make_user, login, settings):
    login(make_user("member_official"))

    response = client.post(PAGE, {"action": "create", "name": "x", "days": settings.API_TOKEN_MAX_DAYS + 1})

    assert response.status_code == 200
    assert 'id="new-token"' not in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_on_the_page(client, make_user, login):
    user = make_user("researcher")
    token, raw_token = token_create(user=user, name="old script")
    login(user)

    response = client.post(PAGE, {"action": "revoke", "token_id": token.pk}, follow=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in response.content.decode()


def test_someone_elses_token_cannot_be_revoked_on_the_page(client, make_user, login):
    token, _raw = token_create(user=make_user("researcher"), name="theirs")
    login(make_user("rso_admin"))

    response = client.post(PAGE, {"action": "revoke", "token_id": token.pk})

    token.refresh_from_db()
    assert response.status_code == 404
    assert token.revoked_at is None


def test_page_lists_only_ones_own_tokens(client, make_user, login):
    token_create(user=make_user("researcher"), name="somebody else's")
    user = make_user("researcher")
    token_create(user=user, name="mine")
    login(user)

    page = client.get(PAGE).content.decode()

    assert "mine" in page and "somebody else" not in page

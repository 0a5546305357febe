"""manage.py api_token create / list / revoke."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bphub.api.models import ApiToken


def run(*args) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_created_token_is_printed_once_and_authenticates(client, make_user):
    # given
    user = make_user("rso_staff", email="staff@rso.example.org")
    # when
    output = run("create", "Staff@RSO.example.org", "--name", "nightly export", "--days", "10")
    # then
    raw_token = re.search(r"^(bph_\S+)$", output, re.MULTILINE).group(1)
    token = ApiToken.objects.get(user=user)
    assert token.name == "nightly export"
    assert (token.expires_at - token.created_at).days == 10
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw_token}"})
    assert response.json()["email"] == "staff@rso.example.org"
    assert raw_token not in run("list", "staff@rso.example.org")


def test_list_and_revoke(client, make_user):
    make_user("researcher", email="reader@example.org")
    raw_token = re.search(r"bph_\S+", run("create", "reader@example.org")).group(0)
    token = ApiToken.objects.get()

    listed = run("list", "reader@example.org")
    revoked = run("revoke", str(token.pk))

    assert f"{token.pk}\tcommand line\tbph_{token.prefix}_…\tactive" in listed
    assert "revoked" in revoked
    assert "\trevoked\t" in run("list", "reader@example.org")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw_token}"}).status_code == 401


def test_unknown_email_and_too_many_days_are_errors(make_user, settings):
    make_user("researcher", email="reader@example.org")

    with pytest.raises(CommandError, match="No user"):
        run("create", "nobody@example.org")
    with pytest.raises(CommandError, match="between 1 and"):
        run("create", "reader@example.org", "--days", str(settings.API_TOKEN_MAX_DAYS + 1))
    with pytest.raises(CommandError, match="No token"):
        run("revoke", "424242")
    assert not ApiToken.objects.exists()


def test_deactivated_account_gets_no_token(make_user):
    make_user("researcher", email="gone@example.org", is_active=False)

    with pytest.raises(CommandError, match="deactivated"):
        run("create", "gone@example.org")

"""The settings profiles, checked in a fresh interpreter as an operator would start the app."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LONG_KEY = "k" * 64


def start(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "BPHUB_DEMO"}}
    env.update(env_overrides)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.DEMO_MODE)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_a_secret_key():
    result = start({"DJANGO_SETTINGS_MODULE": "config.settings", "BPHUB_ENV": "production", "ALLOWED_HOSTS": "x.org"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = start({"DJANGO_SETTINGS_MODULE": "config.settings", "BPHUB_ENV": "production", "SECRET_KEY": LONG_KEY})
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both_and_without_debug_or_demo():
    result = start({"DJANGO_SETTINGS_MODULE": "config.settings", "BPHUB_ENV": "production", "SECRET_KEY": LONG_KEY,
                    "ALLOWED_HOSTS": "bphub.example.org"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_an_unknown_profile_is_refused():
    result = start({"DJANGO_SETTINGS_MODULE": "config.settings", "BPHUB_ENV": "staging"})
    assert result.returncode != 0 and "BPHUB_ENV" in result.stderr


def test_demo_data_cannot_be_loaded_outside_demo_mode(db):
    import pytest
    from django.core.management import CommandError, call_command

    from bphub.accounts.models import User

    with pytest.raises(CommandError, match="demo mode"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_signed_in_pages_are_never_stored_and_carry_a_strict_csp(client, db, make_user, login):
    login(make_user("member_official"))
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_public_pages_carry_the_csp_too(client, db):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response.status_code == 200


def test_a_huge_form_post_is_refused_before_anything_reads_it(client, db, settings):
    from bphub.accounts.models import User

    settings.REQUEST_MAX_BODY_SIZE = 1000
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x" * 5000})
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not User.objects.exists()


def test_a_missing_page_says_so_in_the_site_layout(client, db, settings):
    settings.DEBUG = False
    response = client.get("/exchange/424242/")
    assert response.status_code == 404
    assert "There is nothing here, or nothing you have access to." in response.content.decode()

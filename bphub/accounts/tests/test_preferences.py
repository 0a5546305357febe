"""Preferences: time zone and language, validated, applied to every page."""

import pytest
from django.conf import settings
from django.urls import reverse

from bphub.accounts.models import Role
from bphub.accounts.tests.steps import messages_of, page_text


def save(client, **data):
    return client.post(reverse("accounts:preferences"), data)


def test_preferences_save_time_zone_and_language(client, make_user, login):
    # given a signed-in person
    user = make_user(Role.MEMBER_OFFICIAL)
    login(user)

    # when they choose Bangkok time and Thai
    response = save(client, time_zone="Asia/Bangkok", language="th")

    # then both are stored, the language cookie is set, and pages follow them
    assert response.status_code == 302
    assert response.url == reverse("accounts:preferences")
    user.refresh_from_db()
    assert (user.time_zone, user.language) == ("Asia/Bangkok", "th")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "th"
    page = client.get(reverse("accounts:preferences"))
    assert messages_of(page)  # the confirmation, in the chosen language
    assert "Asia/Bangkok" in page_text(page)
    assert page.context["LANGUAGE_CODE"] == "th"


def test_preferences_form_shows_current_values(client, make_user, login):
    user = make_user(Role.MEMBER_OFFICIAL, time_zone="Asia/Jakarta")
    login(user)

    page = client.get(reverse("accounts:preferences"))

    assert page.status_code == 200
    assert page.context["form"]["time_zone"].value() == "Asia/Jakarta"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"time_zone": "Mars/Olympus_Mons", "language": "en"}, "time_zone"),
        ({"time_zone": "", "language": "en"}, "time_zone"),
        ({"time_zone": "Asia/Bangkok", "language": "klingon"}, "language"),
        ({"time_zone": "Asia/Bangkok"}, "language"),
        ({"time_zone": "x" * 5000, "language": "en"}, "time_zone"),
    ],
)
def test_invalid_preferences_are_refused_and_nothing_changes(client, make_user, login, data, field):
    user = make_user(Role.MEMBER_OFFICIAL)
    login(user)

    response = save(client, **data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    user.refresh_from_db()
    assert (user.time_zone, user.language) == ("UTC", "en")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_preferences_need_a_signed_in_person(client, db):
    response = client.get(reverse("accounts:preferences"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))

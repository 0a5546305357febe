"""Password rules (NIST 800-63B): at least 12 characters, no common passwords, no composition rules, at most 256."""

import pytest
from django.urls import reverse

from bphub.accounts.models import Role
from bphub.accounts.tests.steps import PASSWORD, sign_in, submit_password
from bphub.core.models import AuditEvent


def change_password(client, new: str, old: str = PASSWORD):
    return client.post(reverse("account_change_password"), {"oldpassword": old, "password1": new, "password2": new})


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("eleven char", "This password is too short: use at least 12 characters."),
        ("qwertyuiop123", "This password is one of the most common ones: choose another."),
        ("x" * 257, "This password is too long: at most 256 characters."),
    ],
)
def test_weak_new_password_is_refused(client, make_user, new, message):
    # given a signed-in person
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)

    # when they choose a weak password
    response = change_password(client, new)

    # then the form says why, and the old password still works
    assert response.status_code == 200
    assert message in response.context["form"].errors["password1"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("new", ["purple elephants dance quietly", "a" * 11 + "b", "y" * 256])
def test_long_passphrase_without_digits_or_capitals_is_accepted(client, make_user, new):
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)

    response = change_password(client, new)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEvent.objects.filter(verb="auth.password_changed", actor=user).exists()
    # and the new password signs in
    client.post(reverse("account_logout"))
    assert submit_password(client, user.email, new).url == reverse("mfa_authenticate")


def test_wrong_current_password_changes_nothing(client, make_user):
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)

    response = change_password(client, "purple elephants dance quietly", old="not my password at all")

    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_password_rules_on_the_change_page_are_our_own_translatable_texts(client, make_user, login):
    # given a signed-in person
    login(make_user(Role.MEMBER_OFFICIAL))

    # when they open the password-change page
    html = client.get(reverse("account_change_password")).content.decode().replace("&#x27;", "'")

    # then the rules are worded by us (our catalogue translates them; Django's has no Thai for its own)
    for rule in (
        "At least 12 characters. A passphrase of several words is easy to remember.",
        "Not close to your name or email address.",
        "Not a commonly used password.",
        "At most 256 characters.",
    ):
        assert rule in html, rule
    assert "can’t be a commonly used password" not in html and "personal information" not in html


def test_a_password_like_the_persons_name_is_refused(client, make_user):
    user = make_user(Role.MEMBER_OFFICIAL, full_name="Wiraporn Sukprasert")
    sign_in(client, user)

    response = change_password(client, "wirapornsukprasert")

    assert "This password is too close to your full name." in response.context["form"].errors["password1"]

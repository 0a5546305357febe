"""The sign-in pages look and read like the rest of the site: our layout, and "Sign in" everywhere."""

import re

from django.test import override_settings
from django.urls import reverse

from bphub.accounts.models import Role
from bphub.accounts.tests.steps import PASSWORD, page_text, submit_code, submit_password


def _in_our_layout(html: str) -> bool:
    """The page has the site's header, main navigation, footer and stylesheet (not allauth's bare page)."""
    return all(
        marker in html
        for marker in ('<header class="top"', 'class="main-nav"', '<footer class="foot"', "css/bphub.css")
    )


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1).strip()


def test_a_wrong_password_keeps_the_styled_sign_in_page(client, make_user):
    # given a person
    user = make_user(Role.MEMBER_OFFICIAL)

    # when they type a wrong password
    response = submit_password(client, user.email, "not the right passphrase")

    # then the error is shown on our sign-in page, as an alert, and it says "Sign in"
    html = response.content.decode()
    assert response.status_code == 200
    assert _in_our_layout(html)
    assert '<div class="msg error" role="alert">' in html
    assert _title(html).startswith("Sign in")
    assert "Sign in" in page_text(response) and "Sign In" not in html


def test_the_authenticator_code_page_is_styled_and_says_sign_in(client, make_user):
    # given a person past their password
    user = make_user(Role.MEMBER_OFFICIAL)
    assert submit_password(client, user.email, PASSWORD).url == reverse("mfa_authenticate")

    # when the code page opens
    response = client.get(reverse("mfa_authenticate"))

    # then it is our layout with a labelled code field and a "Sign in" button, never "Sign In"
    html = response.content.decode()
    assert response.status_code == 200
    assert _in_our_layout(html)
    assert '<div class="auth-box">' in html
    assert '<label for="id_code">Authenticator code</label>' in html
    assert 'autocomplete="one-time-code"' in html
    assert '<button type="submit">Sign in</button>' in html
    assert _title(html).startswith("Sign in")
    assert "Sign In" not in html


def test_a_wrong_code_is_shown_as_an_error_on_the_same_styled_page(client, make_user):
    # given a person past their password
    user = make_user(Role.MEMBER_OFFICIAL)
    submit_password(client, user.email, PASSWORD)

    # when they type a wrong code
    response = submit_code(client, "000000")

    # then the page says so next to the field, in our layout, and they are not signed in
    html = response.content.decode()
    assert response.status_code == 200
    assert _in_our_layout(html)
    assert 'aria-invalid="true"' in html and 'id="code-errors"' in html
    assert "Incorrect code." in page_text(response)
    assert "Sign In" not in html
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS={"login": "1/m/ip"})
def test_too_many_attempts_get_a_styled_page_with_a_way_back(client, make_user, settings):
    # given a person who has used up the attempts allowed from their address
    user = make_user(Role.MEMBER_OFFICIAL)
    submit_password(client, user.email, "first wrong passphrase")

    # when they try again
    response = submit_password(client, user.email, "second wrong passphrase")

    # then the page is ours, says what happened and what to do, and leads back to "Sign in"
    html = response.content.decode()
    assert response.status_code == 429
    assert _in_our_layout(html)
    assert "Too many attempts" in page_text(response)
    assert f'href="{reverse("account_login")}">Sign in</a>' in html
    assert "Sign In" not in html


def test_the_deactivated_account_page_is_ours_too(client, db):
    response = client.get(reverse("account_inactive"))

    html = response.content.decode()
    assert response.status_code == 200
    assert _in_our_layout(html)
    assert "This account is deactivated" in page_text(response)
    assert "Sign In" not in html and "Account Inactive" not in html

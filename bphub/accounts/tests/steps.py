"""Steps shared by the accounts tests: real sign-ins through allauth, codes from a real TOTP secret."""

import re
import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from bphub.accounts.testing import TEST_PASSWORD, totp_secret_of

PASSWORD = TEST_PASSWORD  # what bphub.accounts.testing.create_user gives everyone
IP_A = "203.0.113.10"
IP_B = "198.51.100.20"


def totp_code(secret: str) -> str:
    """The current code of an authenticator app holding `secret`.

    Waits for the next period when the current one is about to end, so the code is still valid when
    the server checks it.
    """
    period = mfa_settings.TOTP_PERIOD
    remaining = period - (time.time() % period)
    if remaining < 3:
        time.sleep(remaining + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def submit_password(client, email: str, password: str = PASSWORD, ip: str = IP_A):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip)


def submit_code(client, code: str, ip: str = IP_A):
    return client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=ip)


def sign_in(client, user, password: str = PASSWORD, ip: str = IP_A):
    """Sign in as a person would: email and password, then the authenticator app's code.

    The browser stays at `ip` for its later requests. A code works once: to sign the same person in
    twice within 30 seconds, use sign_in_with_recovery_code for the second browser.
    """
    client.defaults["REMOTE_ADDR"] = ip
    response = submit_password(client, user.email, password, ip)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == reverse("mfa_authenticate")
    return submit_code(client, totp_code(totp_secret_of(user)), ip)


def sign_in_with_recovery_code(client, user, password: str = PASSWORD, ip: str = IP_B):
    """Sign in with the password and one of the person's recovery codes (created if they have none)."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(user).get_unused_codes()
    client.defaults["REMOTE_ADDR"] = ip
    response = submit_password(client, user.email, password, ip)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    response = submit_code(client, codes[0], ip)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def reauthenticate(client, password: str = PASSWORD, ip: str = IP_A, next_url: str = ""):
    url = reverse("account_reauthenticate") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"password": password}, REMOTE_ADDR=ip)


def page_text(response) -> str:
    """What a reader sees: the HTML without tags, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session

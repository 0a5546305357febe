"""Two-factor authentication: enrolment is compulsory, codes are single-use, nothing is kept in clear."""

import re

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from bphub.accounts.models import Role
from bphub.accounts.testing import totp_secret_of
from bphub.accounts.tests.steps import (
    PASSWORD,
    is_signed_in,
    messages_of,
    page_text,
    reauthenticate,
    sign_in,
    submit_code,
    submit_password,
    totp_code,
)
from bphub.core.models import AuditEvent
from bphub.outbox.models import OutboundEmail

INCORRECT_CODE = "Incorrect code."


def enrol(client, user, capture_on_commit):
    """Sign in without an authenticator, get sent to enrol, scan, type the code.

    Returns (secret, response of the recovery-codes page)."""
    response = submit_password(client, user.email)
    assert response.status_code == 302 and is_signed_in(client)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    # the password was just typed: first enrolment does not ask for it again
    page = client.get(response.url)
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert f"secret={secret}" in page.context["totp_url"]
    with capture_on_commit(execute=True):  # allauth signals enrolment once the transaction commits
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    return secret, client.get(response.url)


def test_changing_an_authenticator_from_before_this_sign_in_asks_for_the_password_again(client, make_user):
    # given someone enrolled earlier, signed in just now with password and code
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)
    # when they open the recovery-codes page of that older authenticator
    response = client.get(reverse("mfa_generate_recovery_codes"))
    # then allauth asks them to confirm who they are first
    assert is_reauthentication_redirect(response)


def is_reauthentication_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(
        (reverse("account_reauthenticate"), reverse("mfa_reauthenticate")))


def pass_reauthentication(client, response, user, secret=None):
    """Answer allauth's re-authentication: the password, or the app's code on the MFA page."""
    assert is_reauthentication_redirect(response), response
    if response.url.startswith(reverse("mfa_reauthenticate")):
        answer = client.post(response.url, {"code": totp_code(secret or totp_secret_of(user))})
    else:
        answer = client.post(response.url, {"password": PASSWORD})
    assert answer.status_code == 302, page_text(answer)
    return answer


def shown_codes(response) -> list[str]:
    return re.findall(r"\b\d{12}\b", response.content.decode())


def test_person_without_an_authenticator_is_sent_to_enrol_from_any_page(client, make_user, login):
    # given a signed-in person with no authenticator
    user = make_user(Role.RSO_ADMIN, mfa=False)
    login(user)
    session = client.session
    session.pop("bphub_mfa_enrolled", None)
    session.save()

    # when they open any page of the platform, then they are sent to enrol
    for path in ["/", "/people/", "/audit/", "/preferences/", "/members/", "/exchange/", "/django-admin/",
                 reverse("account_email"), reverse("usersessions_list"), reverse("account_change_password")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == reverse("mfa_activate_totp"), path


def test_enrolment_with_a_correct_code_shows_recovery_codes_once_and_keeps_only_hashes(
    client, make_user, django_capture_on_commit_callbacks
):
    # given a new person without an authenticator
    user = make_user(Role.MEMBER_OFFICIAL, mfa=False)

    # when they enrol
    secret, codes_page = enrol(client, user, django_capture_on_commit_callbacks)

    # then ten recovery codes are shown
    assert codes_page.status_code == 200
    codes = shown_codes(codes_page)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert AuditEvent.objects.filter(verb="mfa.added", actor=user, data__type="totp").exists()
    # and the database keeps no code nor the seed they come from: a salt and hashes only
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert set(recovery.data) <= {"salt", "hashes", "viewed_at", "used_mask"}
    assert len(recovery.data["hashes"]) == 10
    stored = str(recovery.data)
    assert not any(code in stored for code in codes)
    # and the authenticator's secret is stored encrypted
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert secret not in str(totp.data)
    assert totp_secret_of(user) == secret
    # and the pages never show them again
    again = client.get(reverse("mfa_view_recovery_codes"))
    assert again.status_code == 200
    assert shown_codes(again) == []
    assert "There are 10 out of 10 recovery codes available." in page_text(again)
    assert client.get(reverse("mfa_download_recovery_codes")).status_code in (403, 404)
    # and the rest of the platform opens
    assert client.get(reverse("home")).status_code == 200


def test_enrolment_with_a_wrong_code_is_refused(client, make_user):
    user = make_user(Role.MEMBER_OFFICIAL, mfa=False)
    submit_password(client, user.email)
    client.get(reverse("mfa_activate_totp"))
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})

    assert response.status_code == 200
    assert INCORRECT_CODE in page_text(response)
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")


def test_recovery_code_signs_in_once_and_never_again(client, make_user, django_capture_on_commit_callbacks):
    # given an enrolled person holding their recovery codes
    user = make_user(Role.MEMBER_OFFICIAL, mfa=False)
    _, codes_page = enrol(client, user, django_capture_on_commit_callbacks)
    code = shown_codes(codes_page)[3]
    client.post(reverse("account_logout"))

    # when they sign in with a recovery code instead of the app
    submit_password(client, user.email)
    response = submit_code(client, code)

    # then they are in
    assert response.status_code == 302 and response.url == reverse("home")
    assert is_signed_in(client)
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert sum(1 for stored in recovery.data["hashes"] if stored) == 9

    # and the same code never works again
    client.post(reverse("account_logout"))
    submit_password(client, user.email)
    response = submit_code(client, code)
    assert response.status_code == 200
    assert INCORRECT_CODE in page_text(response)
    assert not is_signed_in(client)


def test_recovery_code_with_spaces_or_dashes_is_accepted(client, make_user, django_capture_on_commit_callbacks):
    user = make_user(Role.MEMBER_OFFICIAL, mfa=False)
    _, codes_page = enrol(client, user, django_capture_on_commit_callbacks)
    code = shown_codes(codes_page)[0]
    client.post(reverse("account_logout"))

    submit_password(client, user.email)
    response = submit_code(client, f" {code[:4]} {code[4:8]} {code[8:]} ")

    assert response.status_code == 302 and is_signed_in(client)


def test_totp_code_works_once(client, make_user):
    # given an enrolled person who signed in with the current code
    user = make_user(Role.RSO_STAFF)
    secret = totp_secret_of(user)
    code = totp_code(secret)
    submit_password(client, user.email)
    assert submit_code(client, code).status_code == 302
    assert is_signed_in(client)

    # when the same code is typed again in another browser in the same period
    other = Client()
    submit_password(other, user.email)
    response = submit_code(other, code)

    # then it is refused
    assert response.status_code == 200
    assert INCORRECT_CODE in page_text(response)
    assert not is_signed_in(other)


def test_totp_code_stays_used_for_as_long_as_it_is_accepted(client, make_user, monkeypatch):
    # given a code used at the start of its period (a ±1 period tolerance accepts it ~60 s in all)
    import time

    user = make_user(Role.RSO_STAFF)
    secret = totp_secret_of(user)
    start = (int(time.time()) // 30) * 30 + 1
    monkeypatch.setattr(time, "time", lambda: float(start))
    code = totp_code(secret)
    submit_password(client, user.email)
    assert submit_code(client, code).status_code == 302

    # when it is typed again 44 s later, in the next period, where the tolerance still accepts it
    monkeypatch.setattr(time, "time", lambda: float(start + 44))
    other = Client()
    submit_password(other, user.email)
    response = submit_code(other, code)

    # then it is refused
    assert INCORRECT_CODE in page_text(response)
    assert not is_signed_in(other)


def test_wrong_totp_code_leaves_the_person_signed_out_and_is_audited(client, make_user):
    # given a person who typed the right password
    user = make_user(Role.RSO_ADMIN)
    response = submit_password(client, user.email)
    assert response.url == reverse("mfa_authenticate")

    # when they type a wrong code
    wrong = f"{(int(totp_code(totp_secret_of(user))) + 1) % 1_000_000:06d}"
    response = submit_code(client, wrong)

    # then they are not signed in, the pages stay closed, and the failure is audited
    assert response.status_code == 200
    assert INCORRECT_CODE in page_text(response)
    assert not is_signed_in(client)
    assert client.get("/people/").status_code == 302
    event = AuditEvent.objects.get(verb="mfa.failed")
    assert event.actor_id == user.pk
    assert event.data["reauthentication"] is False
    assert not AuditEvent.objects.filter(verb="auth.login").exists()


def test_password_alone_does_not_open_pages(client, make_user):
    user = make_user(Role.RSO_ADMIN)
    submit_password(client, user.email)

    response = client.get("/people/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_authenticator_app_cannot_be_removed_by_its_owner(client, make_user):
    # given a signed-in, recently re-authenticated person
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)
    response = client.get(reverse("mfa_deactivate_totp"))
    pass_reauthentication(client, response, user)
    response = client.get(reverse("mfa_deactivate_totp"))

    # when they try to switch the authenticator app off
    post = client.post(reverse("mfa_deactivate_totp"))

    # then it stays
    assert "You cannot deactivate two-factor authentication." in page_text(response)
    assert post.status_code == 200
    assert "You cannot deactivate two-factor authentication." in page_text(post)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert not AuditEvent.objects.filter(verb="mfa.removed").exists()


def _age_authentication_records(client, seconds: int) -> None:
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= seconds
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def test_changing_email_requires_reauthentication(client, make_user):
    # given a person signed in with password and code
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)

    # when they ask to change their email address
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new.address@example.org"})

    # then allauth asks them to prove who they are first and nothing changes
    assert is_reauthentication_redirect(response)
    assert not user.emailaddress_set.filter(email="new.address@example.org").exists()

    # and once they have, allauth resumes the change: the new address waits for verification by email
    response = pass_reauthentication(client, response, user)
    assert response.url == reverse("account_email")
    new_address = user.emailaddress_set.get(email="new.address@example.org")
    assert not new_address.verified
    user.refresh_from_db()
    assert user.email != "new.address@example.org"
    assert OutboundEmail.objects.filter(to=["new.address@example.org"]).exists()


def test_mfa_pages_require_reauthentication_after_the_timeout(client, make_user):
    # given a person who re-authenticated more than 5 minutes ago
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)
    response = client.get(reverse("mfa_generate_recovery_codes"))
    pass_reauthentication(client, response, user)
    assert client.get(reverse("mfa_generate_recovery_codes")).status_code == 200
    _age_authentication_records(client, 301)

    # when they open the page that regenerates recovery codes
    response = client.get(reverse("mfa_generate_recovery_codes"))

    # then they must re-authenticate again
    assert is_reauthentication_redirect(response)


def test_reauthentication_with_the_authenticator_app_then_new_recovery_codes(
    client, make_user, django_capture_on_commit_callbacks
):
    # given an enrolled, signed-in person
    user = make_user(Role.MEMBER_OFFICIAL, mfa=False)
    secret, first_page = enrol(client, user, django_capture_on_commit_callbacks)
    old_codes = shown_codes(first_page)
    client.post(reverse("account_logout"))
    submit_password(client, user.email)
    # a recovery code to sign in, so that the app's current code is still unused for re-authenticating
    submit_code(client, old_codes[0])

    # when they re-authenticate with the app and generate new recovery codes
    response = client.get(reverse("mfa_generate_recovery_codes"))
    assert is_reauthentication_redirect(response)
    next_url = reverse("mfa_generate_recovery_codes")
    response = client.post(f"{reverse('mfa_reauthenticate')}?next={next_url}", {"code": totp_code(secret)})
    assert response.status_code == 302 and response.url == next_url
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    new_page = client.get(reverse("mfa_view_recovery_codes"))

    # then new codes are shown once, the old ones are dead, and only hashes are stored
    new_codes = shown_codes(new_page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert "seed" not in recovery.data and "hashes" in recovery.data
    assert AuditEvent.objects.filter(verb="mfa.recovery_codes_regenerated", actor=user).exists()
    client.post(reverse("account_logout"))
    submit_password(client, user.email)
    assert INCORRECT_CODE in page_text(submit_code(client, old_codes[1]))
    assert submit_code(client, new_codes[1]).status_code == 302


def test_admin_reset_makes_the_person_enrol_again(client, make_user, login):
    # given a person signed in elsewhere, and an RSO admin
    user = make_user(Role.MEMBER_OFFICIAL)
    their_browser = Client()
    sign_in(their_browser, user)
    admin = make_user(Role.RSO_ADMIN)
    login(admin)

    # when the admin resets their two-factor authentication
    response = client.post(reverse("accounts:person_reset_mfa", args=[user.pk]))

    # then the person's authenticators and sessions are gone, and the reset is audited
    assert response.status_code == 302
    assert "Two-factor authentication reset" in " ".join(messages_of(client.get(response.url)))
    assert not Authenticator.objects.filter(user=user).exists()
    assert their_browser.get("/people/").status_code == 302
    assert not is_signed_in(their_browser)
    assert AuditEvent.objects.filter(verb="mfa.reset", actor=admin, target_id=str(user.pk)).exists()
    # and at their next sign-in they enrol again
    submit_password(their_browser, user.email, PASSWORD)
    assert their_browser.get(reverse("home")).url == reverse("mfa_activate_totp")


def test_nobody_but_an_admin_resets_mfa(client, make_user, login):
    user = make_user(Role.MEMBER_OFFICIAL)
    staff = make_user(Role.RSO_STAFF)
    login(staff)

    response = client.post(reverse("accounts:person_reset_mfa", args=[user.pk]))

    assert response.status_code == 404
    assert Authenticator.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(verb="mfa.reset").exists()


def test_secret_stored_before_encryption_still_signs_in(client, make_user):
    # given an authenticator saved in clear (before secrets were encrypted)
    user = make_user(Role.MEMBER_OFFICIAL)
    secret = totp_secret_of(user)
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).update(data={"secret": secret})

    response = sign_in(client, user)

    assert response.status_code == 302 and is_signed_in(client)


def test_secrets_survive_a_secret_key_rotation(client, make_user, settings):
    # given a person enrolled under the current SECRET_KEY
    user = make_user(Role.MEMBER_OFFICIAL)
    old_key = settings.SECRET_KEY

    # when the key is rotated, the old one kept as a fallback
    settings.SECRET_KEY = "a-brand-new-secret-key-for-the-rotation-test-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old_key]

    # then they still sign in
    assert sign_in(client, user).status_code == 302
    assert is_signed_in(client)

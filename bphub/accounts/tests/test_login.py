"""Signing in: email + password through allauth, then the authenticator app; no way to learn who has an account."""

from django.urls import reverse

from bphub.accounts.models import Role, User
from bphub.accounts.tests.steps import (
    IP_A,
    IP_B,
    PASSWORD,
    is_signed_in,
    page_text,
    sign_in,
    submit_password,
)
from bphub.core.models import AuditEvent
from bphub.outbox.models import OutboundEmail

MISMATCH = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts. Try again later."


def test_signup_page_creates_no_account(client, db):
    # given nobody, when a stranger posts the sign-up form
    response = client.post(reverse("account_signup"),
                           {"email": "stranger@example.org", "password1": "a long passphrase here"})

    # then the page says sign-up is closed and no account exists
    assert response.status_code == 200
    assert "Sign Up Closed" in page_text(response)
    assert not User.objects.filter(email="stranger@example.org").exists()


def test_email_password_and_code_sign_a_person_in(client, make_user):
    # given a person with an authenticator app
    user = make_user(Role.MEMBER_OFFICIAL)

    # when they sign in with email, password and the current code
    response = sign_in(client, user)

    # then they land on the home page, signed in, and the sign-in is audited
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_signed_in(client)
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.get(verb="auth.login")
    assert event.actor_id == user.pk
    assert event.ip_address == IP_A


def test_email_is_matched_whatever_its_case(client, make_user):
    user = make_user(Role.RSO_STAFF, email="mixed@example.org")
    response = submit_password(client, "Mixed@Example.ORG")
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert user.email == "mixed@example.org"


def test_wrong_password_is_refused_and_audited(client, make_user):
    # given a person
    user = make_user(Role.MEMBER_OFFICIAL)

    # when they type a wrong password
    response = submit_password(client, user.email, "not the right passphrase")

    # then the form says so, nobody is signed in, and the failure is in the audit log
    assert response.status_code == 200
    assert MISMATCH in page_text(response)
    assert not is_signed_in(client)
    event = AuditEvent.objects.get(verb="auth.login_failed")
    assert event.data["attempted_email"] == user.email
    assert event.ip_address == IP_A
    assert event.actor_id is None


def test_login_error_is_the_same_for_known_and_unknown_emails(client, make_user):
    # given one real account
    user = make_user(Role.MEMBER_OFFICIAL)

    # when someone tries a wrong password for it, and any password for an address with no account
    known = submit_password(client, user.email, "wrong passphrase one")
    unknown = submit_password(client, "nobody-here@example.org", "wrong passphrase one")

    # then both answers are identical but for the echoed address
    assert known.status_code == unknown.status_code == 200
    known_text = page_text(known).replace(user.email, "EMAIL")
    unknown_text = page_text(unknown).replace("nobody-here@example.org", "EMAIL")
    assert known_text == unknown_text
    assert MISMATCH in known_text


def test_password_reset_answer_is_the_same_for_known_and_unknown_emails(client, make_user):
    # given one real account
    user = make_user(Role.MEMBER_OFFICIAL)

    # when a reset is asked for it and for an address with no account
    known = client.post(reverse("account_reset_password"), {"email": user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody-here@example.org"})

    # then both get the same redirect and the same page
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("account_reset_password_done")
    assert page_text(client.get(known.url)) == page_text(client.get(unknown.url))
    # and the account owner gets a reset link through the outbox
    reset_mail = OutboundEmail.objects.filter(to=[user.email]).get()
    assert "/accounts/password/reset/key/" in reset_mail.body


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(client, make_user, django_user_model):
    # given a victim, and an attacker at IP A who fails until throttled
    victim = make_user(Role.RSO_ADMIN, email="victim@example.org")
    for attempt in range(5):
        response = submit_password(client, victim.email, f"guess number {attempt} wrong", ip=IP_A)
        assert MISMATCH in page_text(response)
    throttled = submit_password(client, victim.email, "guess number 6 wrong", ip=IP_A)
    assert TOO_MANY in page_text(throttled)
    from bphub.core.models import AuditEvent

    throttle_event = AuditEvent.objects.get(verb="auth.login_throttled")
    assert throttle_event.ip_address == IP_A and throttle_event.data["attempted_email"] == victim.email

    # when the victim signs in from IP B
    from django.test import Client

    victim_client = Client()
    response = sign_in(victim_client, victim, ip=IP_B)

    # then they get in
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_signed_in(victim_client)


def test_throttled_address_is_refused_even_with_the_right_password(client, make_user):
    # given five failures for victim@ from IP A
    victim = make_user(Role.RSO_ADMIN, email="victim@example.org")
    for attempt in range(5):
        submit_password(client, victim.email, f"guess number {attempt} wrong", ip=IP_A)

    # when the right password arrives from IP A
    response = submit_password(client, victim.email, PASSWORD, ip=IP_A)

    # then allauth refuses before checking it: the throttle message, no sign-in step
    assert response.status_code == 200
    assert TOO_MANY in page_text(response)
    assert not is_signed_in(client)


def test_throttle_for_one_email_does_not_block_others_from_the_same_address(client, make_user):
    victim = make_user(Role.RSO_ADMIN, email="victim@example.org")
    colleague = make_user(Role.RSO_STAFF, email="colleague@example.org")
    for attempt in range(6):
        submit_password(client, victim.email, f"guess number {attempt} wrong", ip=IP_A)

    response = submit_password(client, colleague.email, PASSWORD, ip=IP_A)

    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")


def test_inactive_person_cannot_sign_in(client, make_user):
    user = make_user(Role.MEMBER_OFFICIAL)
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = submit_password(client, user.email)

    assert not is_signed_in(client)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.url == reverse("account_inactive")


def test_django_admin_sends_to_the_allauth_sign_in(client, make_user, login):
    # given nobody signed in, when the admin is opened
    response = client.get("/django-admin/")
    # then the admin's own login form is never shown: it sends to allauth's
    assert response.status_code == 302
    assert response.url.startswith("/django-admin/login/")
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    # and a staff person signed in through allauth sees the admin
    admin = make_user(Role.RSO_ADMIN, is_staff=True, is_superuser=True)
    login(admin)
    assert client.get("/django-admin/").status_code == 200


def test_admin_login_form_does_not_accept_a_password(client, make_user):
    admin = make_user(Role.RSO_ADMIN, is_staff=True, is_superuser=True)
    response = client.post("/django-admin/login/", {"username": admin.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not is_signed_in(client)


def test_many_failures_from_one_address_throttle_that_address_only(client, make_user):
    # given 20 failed sign-ins within a minute from IP A, spread over many addresses
    colleague = make_user(Role.RSO_STAFF, email="colleague@example.org")
    for attempt in range(20):
        submit_password(client, f"target{attempt % 5}@example.org", f"guess number {attempt} wrong", ip=IP_A)

    # when someone at IP A signs in with a correct password, then IP A is throttled (20 per minute per IP)
    response = submit_password(client, colleague.email, PASSWORD, ip=IP_A)
    assert TOO_MANY in page_text(response)

    # but the same person from IP B gets through
    from django.test import Client

    response = submit_password(Client(), colleague.email, PASSWORD, ip=IP_B)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")

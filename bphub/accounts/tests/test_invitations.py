"""Invitations: who may invite whom, the email in the outbox, and accepting the link."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bphub.accounts import services
from bphub.accounts.models import Invitation, Role, User
from bphub.accounts.tests.steps import is_signed_in, messages_of, page_text, submit_password
from bphub.core.models import AuditEvent
from bphub.members.models import Member
from bphub.outbox.models import OutboundEmail

NEW_PASSWORD = "correct horse battery staple"


def invite(client, **fields):
    return client.post(reverse("accounts:invitation_create"), fields)


def link_in(email: OutboundEmail) -> str:
    match = re.search(r"https?://\S+/invitations/accept/\S+/", email.body)
    assert match, email.body
    return match.group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def accept(client, path: str, password1: str = NEW_PASSWORD, password2: str | None = None):
    return client.post(path, {"password1": password1, "password2": password1 if password2 is None else password2})


def pending_invitation(actor, member, email="new.person@example.org", role=Role.MEMBER_OFFICIAL):
    invitation, token = services.invitation_create(
        actor=actor, email=email, full_name="New Person", role=role, member=member
    )
    return invitation, reverse("accounts:invitation_accept", kwargs={"token": token})


# --- Who may invite whom ---------------------------------------------------------------------


def test_rso_staff_invitation_lands_in_the_outbox_with_a_working_link(client, make_user, login, reference):
    # given the real reference data and RSO staff, signed in
    australia = Member.objects.get(code="AU")
    staff = make_user(Role.RSO_STAFF)
    login(staff)

    # when they invite an official of Australia
    response = invite(client, email="Official@Example.org", full_name="Ann Official", role=Role.MEMBER_OFFICIAL,
                      member=australia.pk)

    # then they see a confirmation, an invitation is pending and its email waits in the outbox
    assert response.status_code == 302
    assert response.url == reverse("accounts:people_list")
    assert "Invitation sent to official@example.org." in messages_of(client.get(response.url))
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.member, invitation.status) == (
        "official@example.org", Role.MEMBER_OFFICIAL, australia, "pending")
    email = OutboundEmail.objects.get()
    assert email.to == ["official@example.org"]
    assert email.status == OutboundEmail.Status.PENDING
    assert "Ann Official" in email.body
    # and the token is not kept in clear
    link = link_in(email)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in invitation.token_hash
    # and the link opens the acceptance page
    anonymous = Client()
    page = anonymous.get(path_of(link))
    assert page.status_code == 200
    assert "Accept your invitation" in page_text(page)
    assert "official@example.org" in page_text(page)
    assert AuditEvent.objects.filter(verb="invitation.created", actor=staff).exists()


def test_coordinator_invites_an_official_of_their_own_member(client, make_user, login, australia):
    coordinator = make_user(Role.MEMBER_COORDINATOR, australia)
    login(coordinator)

    response = invite(client, email="colleague@example.org", full_name="A Colleague", role=Role.MEMBER_OFFICIAL,
                      member=australia.pk)

    assert response.status_code == 302
    assert Invitation.objects.get().member == australia
    assert OutboundEmail.objects.filter(to=["colleague@example.org"]).exists()


def test_coordinator_cannot_invite_for_another_member(client, make_user, login, australia, indonesia):
    coordinator = make_user(Role.MEMBER_COORDINATOR, australia)
    login(coordinator)

    response = invite(client, email="someone@example.org", full_name="Someone", role=Role.MEMBER_OFFICIAL,
                      member=indonesia.pk)

    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["form"].errors["member"])
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_coordinator_cannot_invite_rso_roles(client, make_user, login, australia):
    coordinator = make_user(Role.MEMBER_COORDINATOR, australia)
    login(coordinator)

    for role in (Role.RSO_STAFF, Role.RSO_ADMIN, Role.RESEARCHER):
        response = invite(client, email="someone@example.org", full_name="Someone", role=role)
        assert response.status_code == 200
        assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_coordinator_service_check_refuses_another_member(make_user, australia, indonesia):
    coordinator = make_user(Role.MEMBER_COORDINATOR, australia)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.invitation_create(actor=coordinator, email="x@example.org", full_name="X",
                                   role=Role.MEMBER_OFFICIAL, member=indonesia)
    assert "You can only invite people of your own member." in error.value.messages
    assert not Invitation.objects.exists()


def test_rso_staff_cannot_create_an_rso_admin(client, make_user, login):
    staff = make_user(Role.RSO_STAFF)
    login(staff)

    response = invite(client, email="boss@example.org", full_name="Boss", role=Role.RSO_ADMIN)

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_rso_admin_can_invite_an_rso_admin(client, make_user, login):
    admin = make_user(Role.RSO_ADMIN)
    login(admin)

    response = invite(client, email="boss@example.org", full_name="Boss", role=Role.RSO_ADMIN)

    assert response.status_code == 302
    assert Invitation.objects.get().role == Role.RSO_ADMIN


@pytest.mark.parametrize("role", [Role.MEMBER_OFFICIAL, Role.WG_CO_CHAIR, Role.RESEARCHER, Role.ALUMNUS])
def test_people_without_the_capability_cannot_invite(client, make_user, login, role, australia):
    login(make_user(role, australia if role in (Role.MEMBER_OFFICIAL, Role.WG_CO_CHAIR) else None))

    assert client.get(reverse("accounts:invitation_create")).status_code == 404
    response = invite(client, email="x@example.org", full_name="X", role=Role.MEMBER_OFFICIAL, member=australia.pk)
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_member_role_needs_a_member_and_rso_role_refuses_one(client, make_user, login, australia):
    login(make_user(Role.RSO_ADMIN))

    no_member = invite(client, email="x@example.org", full_name="X", role=Role.MEMBER_OFFICIAL)
    rso_with_member = invite(client, email="y@example.org", full_name="Y", role=Role.RSO_STAFF, member=australia.pk)

    assert "Choose the member this person acts for." in no_member.context["form"].errors["member"]
    assert "RSO staff belong to the RSO, not to a member." in rso_with_member.context["form"].errors["member"]
    assert not Invitation.objects.exists()


def test_inviting_an_existing_account_is_refused(client, make_user, login):
    login(make_user(Role.RSO_ADMIN))
    existing = make_user(Role.RSO_STAFF, email="taken@example.org")

    response = invite(client, email="TAKEN@example.org", full_name="Again", role=Role.RSO_STAFF)

    assert response.status_code == 200
    assert "This address already has an account." in response.context["form"].errors["email"]
    assert not Invitation.objects.exists()
    assert User.objects.filter(email__iexact=existing.email).count() == 1


def test_bad_invitation_input_changes_nothing(client, make_user, login):
    login(make_user(Role.RSO_ADMIN))

    response = invite(client, email="not an email", full_name="", role="emperor")

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"email", "full_name", "role"} <= set(errors)
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_coordinator_sees_and_withdraws_only_their_member_invitations(client, make_user, login, australia, indonesia):
    admin = make_user(Role.RSO_ADMIN)
    own, _ = pending_invitation(admin, australia, email="own@example.org")
    other, _ = pending_invitation(admin, indonesia, email="other@example.org")
    login(make_user(Role.MEMBER_COORDINATOR, australia))

    listing = page_text(client.get(reverse("accounts:people_list")))
    assert "own@example.org" in listing and "other@example.org" not in listing
    assert client.post(reverse("accounts:invitation_revoke", args=[other.pk])).status_code == 404
    response = client.post(reverse("accounts:invitation_revoke", args=[own.pk]))
    assert response.status_code == 302
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == "revoked" and other.status == "pending"
    assert AuditEvent.objects.filter(verb="invitation.revoked", target_id=str(own.pk)).exists()


# --- Accepting -------------------------------------------------------------------------------


def test_valid_link_creates_a_verified_account_that_can_sign_in(client, make_user, australia):
    # given a pending invitation
    admin = make_user(Role.RSO_ADMIN)
    invitation, path = pending_invitation(admin, australia)

    # when the invitee chooses a good password
    response = accept(client, path)

    # then they are sent to sign in, with their account and a verified email
    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert "Your account is ready" in " ".join(messages_of(client.get(response.url)))
    user = User.objects.get(email="new.person@example.org")
    assert (user.role, user.member, user.full_name) == (Role.MEMBER_OFFICIAL, australia, "New Person")
    assert user.is_active
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_user == user
    assert AuditEvent.objects.filter(verb="invitation.accepted", actor=user).exists()
    # and signing in with the new password works: next comes enrolling an authenticator
    login_response = submit_password(client, user.email, NEW_PASSWORD)
    assert login_response.status_code == 302
    assert is_signed_in(client)
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")


def test_used_link_is_refused_and_creates_nothing(client, make_user, australia):
    admin = make_user(Role.RSO_ADMIN)
    _, path = pending_invitation(admin, australia)
    accept(client, path)
    users_before = User.objects.count()

    again = Client()
    page = again.get(path)
    post = accept(again, path, "another long passphrase")

    for response in (page, post):
        assert response.status_code == 410
        assert "This invitation has already been used. Sign in instead." in page_text(response)
    assert User.objects.count() == users_before


def test_expired_link_is_refused_and_creates_nothing(client, make_user, australia):
    admin = make_user(Role.RSO_ADMIN)
    invitation, path = pending_invitation(admin, australia)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = accept(client, path)

    assert response.status_code == 410
    assert "This invitation has expired." in page_text(response)
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_revoked_link_is_refused_and_creates_nothing(client, make_user, login, australia):
    admin = make_user(Role.RSO_ADMIN)
    invitation, path = pending_invitation(admin, australia)
    staff_client = login(make_user(Role.RSO_STAFF), Client())
    staff_client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))

    response = accept(client, path)

    assert response.status_code == 410
    assert "This invitation was withdrawn. Ask for a new one." in page_text(response)
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_a_new_invitation_withdraws_the_previous_one(make_user, client, australia):
    admin = make_user(Role.RSO_ADMIN)
    _, first_path = pending_invitation(admin, australia)
    _, second_path = pending_invitation(admin, australia)

    assert accept(client, first_path).status_code == 410
    assert accept(client, second_path).status_code == 302


@pytest.mark.parametrize("token", ["garbage", "x" * 43, "%00", "..", "a" * 500])
def test_garbage_token_is_refused(client, db, token):
    response = client.get(f"/invitations/accept/{token}/")
    assert response.status_code in (404, 410)
    if response.status_code == 410:
        assert "This invitation link is not valid." in page_text(response)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "This password is too short: use at least 12 characters."),
        ("password1234", "This password is one of the most common ones: choose another."),
        ("x" * 257, "This password is too long: at most 256 characters."),
    ],
)
def test_weak_password_is_refused_and_the_invitation_stays_usable(client, make_user, australia, password, message):
    admin = make_user(Role.RSO_ADMIN)
    invitation, path = pending_invitation(admin, australia)

    response = accept(client, path, password)

    assert response.status_code == 200
    assert message in response.context["form"].errors["password1"]
    assert not User.objects.filter(email="new.person@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert accept(client, path).status_code == 302


def test_password_like_the_email_is_refused(client, make_user, australia):
    admin = make_user(Role.RSO_ADMIN)
    _, path = pending_invitation(admin, australia, email="longname.example@example.org")

    response = accept(client, path, "longname.example")

    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="longname.example@example.org").exists()


def test_long_lowercase_passphrase_and_256_characters_are_accepted(client, make_user, australia):
    admin = make_user(Role.RSO_ADMIN)
    _, path = pending_invitation(admin, australia, email="one@example.org")
    _, path_two = pending_invitation(admin, australia, email="two@example.org")

    assert accept(client, path, "purple elephants dance quietly").status_code == 302
    assert accept(client, path_two, "q" * 200 + " walrus " + "z" * 48).status_code == 302
    assert User.objects.filter(email__in=["one@example.org", "two@example.org"]).count() == 2


def test_mismatched_passwords_are_refused(client, make_user, australia):
    admin = make_user(Role.RSO_ADMIN)
    _, path = pending_invitation(admin, australia)

    response = accept(client, path, NEW_PASSWORD, "something else entirely")

    assert response.status_code == 200
    assert "The two passwords differ." in response.context["form"].errors["password2"]
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_signed_in_person_opening_a_link_is_sent_home(client, make_user, login, australia):
    admin = make_user(Role.RSO_ADMIN)
    invitation, path = pending_invitation(admin, australia)
    login(admin)

    response = client.get(path)

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_withdrawing_an_accepted_invitation_is_refused(client, make_user, login, australia):
    admin = make_user(Role.RSO_ADMIN)
    invitation, path = pending_invitation(admin, australia)
    accept(Client(), path)
    login(admin)

    response = client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))

    assert "Only a pending invitation can be withdrawn." in messages_of(client.get(response.url))
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert not AuditEvent.objects.filter(verb="invitation.revoked").exists()


def test_accepting_when_the_address_got_an_account_meanwhile_says_so(client, make_user, australia):
    # given a pending invitation, and an account created for the same address in the meantime
    inviter = make_user(Role.RSO_STAFF)
    invitation, path = pending_invitation(inviter, australia)
    make_user(Role.MEMBER_OFFICIAL, australia, email=invitation.email)
    # when the invitee accepts
    response = accept(client, path)
    # then the page says why, and no second account exists
    assert response.status_code == 200
    assert "already exists" in page_text(response).lower()
    assert User.objects.filter(email__iexact=invitation.email).count() == 1


def test_a_new_invitation_to_the_same_address_withdraws_the_old_one_on_the_record(make_user, australia):
    inviter = make_user(Role.RSO_STAFF)
    first, _token = pending_invitation(inviter, australia)
    services.invitation_create(actor=inviter, email=first.email, full_name="New Person", role=Role.MEMBER_OFFICIAL,
                               member=australia)
    first.refresh_from_db()
    assert first.status == "revoked"
    event = AuditEvent.objects.get(verb="invitation.revoked")
    assert event.target_id == str(first.pk) and event.data["reason"] == "superseded"


def test_a_coordinator_does_not_see_alumni_or_researchers_of_their_member(client, make_user, login, australia):
    alumnus = make_user(Role.ALUMNUS, australia)
    official = make_user(Role.MEMBER_OFFICIAL, australia)
    login(make_user(Role.MEMBER_COORDINATOR, australia))
    page = client.get(reverse("accounts:people_list")).content.decode()
    assert official.email in page and alumnus.email not in page
    assert client.get(reverse("accounts:person_detail", args=[alumnus.pk])).status_code == 404

"""Sessions: a new key at sign-in, idle and absolute limits on the server, ending sessions."""

import time

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from bphub.accounts import services
from bphub.accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from bphub.accounts.models import Role
from bphub.accounts.testing import totp_secret_of
from bphub.accounts.tests.steps import (
    IP_A,
    IP_B,
    is_signed_in,
    messages_of,
    page_text,
    sign_in,
    sign_in_with_recovery_code,
    submit_code,
    submit_password,
    totp_code,
)
from bphub.core.models import AuditEvent

IDLE_MESSAGE = "You were signed out after a period of inactivity."
LIFETIME_MESSAGE = "Your session reached its maximum length. Please sign in again."


def session_key(client) -> str:
    return client.cookies["sessionid"].value


def shift_session_clock(client, *, started_ago: float | None = None, seen_ago: float | None = None) -> None:
    """Pretend the sign-in, or the last request, happened that many seconds ago."""
    session = client.session
    now = time.time()
    if started_ago is not None:
        session[SESSION_STARTED_KEY] = now - started_ago
    if seen_ago is not None:
        session[SESSION_SEEN_KEY] = now - seen_ago
    session.save()


def test_sign_in_gives_a_new_session_key(client, make_user):
    # given a visitor whose browser already has a session: the password step of a sign-in
    user = make_user(Role.MEMBER_OFFICIAL)
    submit_password(client, user.email)
    before = session_key(client)
    assert Session.objects.filter(session_key=before).exists()

    # when they complete the sign-in with the code
    submit_code(client, totp_code(totp_secret_of(user)))

    # then the session key changed and the old one is gone from the server
    after = session_key(client)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert is_signed_in(client)


def test_idle_session_is_signed_out_with_a_message(client, make_user):
    # given a person signed in who has done nothing for 31 minutes
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)
    assert client.get("/preferences/").status_code == 200
    old_key = session_key(client)
    shift_session_clock(client, seen_ago=31 * 60)

    # when they open a page
    response = client.get("/preferences/")

    # then they are sent to sign in again, told why, and the old session is gone on the server
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/preferences/"
    assert IDLE_MESSAGE in messages_of(client.get(response.url))
    assert not is_signed_in(client)
    assert not Session.objects.filter(session_key=old_key).exists()
    assert AuditEvent.objects.filter(verb="auth.session_expired", actor=user).exists()


def test_activity_within_the_idle_limit_keeps_the_session(client, make_user):
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)
    shift_session_clock(client, seen_ago=29 * 60)

    assert client.get("/preferences/").status_code == 200
    # the visit counts as activity: another 29 minutes later the session still lives
    shift_session_clock(client, seen_ago=29 * 60)
    assert client.get("/preferences/").status_code == 200


def test_idle_limit_comes_from_settings(client, make_user, settings):
    settings.SESSION_IDLE_TIMEOUT = 120
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)
    shift_session_clock(client, seen_ago=121)

    response = client.get("/preferences/")

    assert response.status_code == 302
    assert not is_signed_in(client)


def test_session_ends_after_twelve_hours_even_when_active(client, make_user):
    # given a person signed in 12 hours ago, active a minute ago
    user = make_user(Role.RSO_STAFF)
    sign_in(client, user)
    shift_session_clock(client, started_ago=12 * 3600 + 1, seen_ago=60)

    # when they open a page
    response = client.get("/people/")

    # then they must sign in again, and are told why
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert LIFETIME_MESSAGE in messages_of(client.get(response.url))
    assert not is_signed_in(client)


def test_session_is_fine_just_before_twelve_hours(client, make_user):
    user = make_user(Role.RSO_STAFF)
    sign_in(client, user)
    shift_session_clock(client, started_ago=12 * 3600 - 60, seen_ago=60)

    assert client.get("/people/").status_code == 200


def test_server_side_session_expires_with_the_idle_limit(client, make_user):
    # the stored row outlives the idle limit by at most the write interval, so nothing idle lingers
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)
    client.get("/preferences/")
    shift_session_clock(client, seen_ago=120)
    client.get("/preferences/")

    row = Session.objects.get(session_key=session_key(client))
    remaining = (row.expire_date.timestamp() - time.time())
    assert 30 * 60 - 5 < remaining <= 31 * 60 + 5


def test_sign_out_deletes_the_session_on_the_server(client, make_user):
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)
    key = session_key(client)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(verb="auth.logout", actor=user).exists()
    # replaying the old cookie opens nothing
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/preferences/").status_code == 302


def test_deactivation_ends_every_session_of_the_person(client, make_user, login):
    # given a person signed in in two browsers, and an RSO admin
    user = make_user(Role.MEMBER_OFFICIAL)
    laptop, phone = Client(), Client()
    sign_in(laptop, user, ip=IP_A)
    sign_in_with_recovery_code(phone, user, ip=IP_B)
    keys = [session_key(laptop), session_key(phone)]
    admin = make_user(Role.RSO_ADMIN)
    login(admin)

    # when the admin deactivates them
    response = client.post(reverse("accounts:person_active", args=[user.pk]), {"active": "0"})

    # then both sessions are gone on the server, the old cookies open nothing, and it is audited
    assert response.status_code == 302
    assert "is deactivated; their sessions have ended." in " ".join(messages_of(client.get(response.url)))
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=user).exists()
    for browser in (laptop, phone):
        page = browser.get("/preferences/")
        assert page.status_code == 302 and page.url.startswith(reverse("account_login"))
    event = AuditEvent.objects.get(verb="user.deactivated")
    assert event.actor_id == admin.pk and event.target_id == str(user.pk)
    assert event.data["sessions_ended"] == 2
    user.refresh_from_db()
    assert not user.is_active and user.deactivated_at is not None


def test_a_session_allauth_does_not_track_is_dead_after_deactivation(make_user, login):
    # a session made outside allauth (no UserSession row) survives as a row, but signs nobody in:
    # a deactivated person is anonymous to every request (the authentication backend refuses them)
    user = make_user(Role.MEMBER_OFFICIAL)
    browser = login(user, Client())
    UserSession.objects.filter(user=user).delete()

    services.user_deactivate(actor=make_user(Role.RSO_ADMIN), user=user)

    assert browser.get("/preferences/").status_code == 302


def test_person_lists_their_sessions_and_ends_one(client, make_user):
    # given a person signed in on a laptop and a phone
    user = make_user(Role.MEMBER_OFFICIAL)
    phone = Client()
    sign_in(client, user, ip=IP_A)
    sign_in_with_recovery_code(phone, user, ip=IP_B)

    # when they open their sessions page on the laptop
    page = client.get(reverse("usersessions_list"))

    # then both sessions are listed
    assert page.status_code == 200
    text = page_text(page)
    assert IP_A in text and IP_B in text
    phone_session = UserSession.objects.get(user=user, ip=IP_B)
    laptop_session = UserSession.objects.get(user=user, ip=IP_A)
    html = page.content.decode()
    assert reverse("accounts:session_end", args=[phone_session.pk]) in html
    assert reverse("accounts:session_end", args=[laptop_session.pk]) not in html  # "This browser"

    # and ending the phone's session signs the phone out, the laptop stays
    response = client.post(reverse("accounts:session_end", args=[phone_session.pk]))
    assert response.status_code == 302 and response.url == reverse("usersessions_list")
    assert "Session ended." in messages_of(client.get(response.url))
    assert phone.get("/preferences/").status_code == 302
    assert client.get("/preferences/").status_code == 200
    assert AuditEvent.objects.filter(verb="session.ended", actor=user, data__ip=IP_B).exists()


def test_person_signs_out_all_other_sessions(client, make_user):
    user = make_user(Role.MEMBER_OFFICIAL)
    phone = Client()
    sign_in(client, user, ip=IP_A)
    sign_in_with_recovery_code(phone, user, ip=IP_B)

    response = client.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert phone.get("/preferences/").status_code == 302
    assert client.get("/preferences/").status_code == 200


def test_rso_admin_ends_anyones_session(client, make_user, login):
    user = make_user(Role.MEMBER_OFFICIAL)
    their_browser = Client()
    sign_in(their_browser, user)
    admin = make_user(Role.RSO_ADMIN)
    login(admin)
    target = UserSession.objects.get(user=user)

    detail = client.get(reverse("accounts:person_detail", args=[user.pk]))
    assert reverse("accounts:session_end", args=[target.pk]) in detail.content.decode()
    response = client.post(reverse("accounts:session_end", args=[target.pk]))

    assert response.status_code == 302
    assert response.url == reverse("accounts:person_detail", args=[user.pk])
    assert not UserSession.objects.filter(pk=target.pk).exists()
    assert their_browser.get("/preferences/").status_code == 302
    assert AuditEvent.objects.filter(verb="session.ended", actor=admin, target_id=str(user.pk)).exists()


def test_member_official_cannot_end_someone_elses_session(client, make_user, login):
    colleague = make_user(Role.MEMBER_OFFICIAL)
    their_browser = Client()
    sign_in(their_browser, colleague)
    target = UserSession.objects.get(user=colleague)
    login(make_user(Role.MEMBER_OFFICIAL))

    response = client.post(reverse("accounts:session_end", args=[target.pk]))

    assert response.status_code == 404
    assert UserSession.objects.filter(pk=target.pk).exists()
    assert their_browser.get("/preferences/").status_code == 200


def test_ending_a_session_needs_a_post(client, make_user):
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)
    own = UserSession.objects.get(user=user)

    assert client.get(reverse("accounts:session_end", args=[own.pk])).status_code == 405
    assert UserSession.objects.filter(pk=own.pk).exists()


def test_ending_a_session_that_does_not_exist_is_404(client, make_user, login):
    login(make_user(Role.RSO_ADMIN))
    assert client.post(reverse("accounts:session_end", args=[987654])).status_code == 404


def test_the_session_cookie_ends_with_the_browser(client, make_user):
    user = make_user(Role.MEMBER_OFFICIAL)
    sign_in(client, user)
    shift_session_clock(client, seen_ago=120)
    response = client.get("/preferences/")  # an activity write re-sends the cookie
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""

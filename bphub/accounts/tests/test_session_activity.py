"""A signed-in page read answers while another connection holds the database's write lock: the
session's once-a-minute "last seen" write is skipped, not turned into an error."""

import time

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session

from bphub.accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from bphub.accounts.models import Role
from bphub.core.testing import database_write_locked

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("audit_triggers_paused_for_flush")]


def stored_last_seen(client) -> float:
    return Session.objects.get(session_key=client.cookies["sessionid"].value).get_decoded()[SESSION_SEEN_KEY]


def test_a_page_read_answers_while_the_database_is_write_locked(client, make_user, login, caplog):
    # given a person signed in whose last activity was noted two minutes ago (due a new note)
    login(make_user(Role.MEMBER_OFFICIAL))
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 600  # as a real sign-in leaves it (adapters.py)
    session[SESSION_SEEN_KEY] = two_minutes_ago = time.time() - 120
    session.save()
    session_row = Session.objects.filter(session_key=session.session_key)

    # when they open a page while a long write holds the database
    with database_write_locked(row=session_row):
        started = time.monotonic()
        response = client.get("/preferences/")
        took = time.monotonic() - started

    # then the page answers at once, and the skipped note is only in the log
    assert response.status_code == 200
    assert took < 5, f"the page waited {took:.1f} s for the lock"
    assert "Skipped an optional write (session activity)" in caplog.text
    assert stored_last_seen(client) == two_minutes_ago

    # and once the lock is gone, the next page notes the activity (session and sessions list)
    assert client.get("/preferences/").status_code == 200
    assert stored_last_seen(client) > two_minutes_ago
    assert UserSession.objects.filter(session_key=session.session_key).exists()

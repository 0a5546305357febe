"""A token's "last used" write never fails, nor holds up, the API read it belongs to: with another
connection holding the database's write lock (a long import on SQLite, a locked row on
PostgreSQL), the read still answers 200 at once and the write is simply skipped."""

import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from bphub.api.models import ApiToken
from bphub.api.services import token_create
from bphub.core.models import WorkerHeartbeat
from bphub.core.testing import database_write_locked

ME = "/api/v1/me"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_triggers_paused_for_flush")
def test_an_api_read_answers_while_another_connection_holds_the_write_lock(client, make_user, caplog):
    # given a token never used
    token, raw_token = token_create(user=make_user("member_official"), name="script")

    # when the token's owner reads through the API while a long write holds the database
    with database_write_locked(row=ApiToken.objects.filter(pk=token.pk)):
        started = time.monotonic()
        response = client.get(ME, headers={"Authorization": f"Bearer {raw_token}"})
        took = time.monotonic() - started

    # then the read answers, at once (not after SQLite's 20 s busy timeout), and the skipped
    # write is in the log
    assert response.status_code == 200, response.content
    assert response.json()["authenticated_by"] == "token"
    assert took < 5, f"the read waited {took:.1f} s for the lock"
    assert "Skipped an optional write (API token last use)" in caplog.text

    # and once the lock is gone, the next use records it
    assert client.get(ME, headers={"Authorization": f"Bearer {raw_token}"}).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_triggers_paused_for_flush")
def test_a_skipped_last_use_write_leaves_the_surrounding_transaction_usable(make_user):
    # PostgreSQL aborts a whole transaction after a failed statement, unless it ran in a
    # savepoint. (SQLite locks the whole database: the surrounding transaction could not have
    # started either, so there is nothing to show there.)
    if connection.vendor != "postgresql":
        pytest.skip("Row locks inside a transaction: PostgreSQL only.")
    token, _raw = token_create(user=make_user("researcher"), name="script")

    with database_write_locked(row=ApiToken.objects.filter(pk=token.pk)), transaction.atomic():
        token.note_used()
        WorkerHeartbeat.objects.create(worker_id="after", started_at=timezone.now(), last_seen_at=timezone.now())

    assert token.last_used_at is None
    assert WorkerHeartbeat.objects.filter(worker_id="after").exists()

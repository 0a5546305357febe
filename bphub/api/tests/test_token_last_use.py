"""A token's "last used" write never fails, nor holds up, the API read it belongs to: with another
connection holding the database's write lock (a long import on SQLite, a locked row on
PostgreSQL), the read still answers 200 at once and the write is simply skipped."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from bphub.api.models import ApiToken
from bphub.api.services import token_create
from bphub.core.models import WorkerHeartbeat

ME = "/api/v1/me"


class WriteLockHolder(threading.Thread):
    """Another connection that takes the write lock and keeps it until release().

    SQLite has one writer at a time: the holder writes a table the read does not touch and keeps
    its transaction open (on a file database the token's write then waits for "database is
    locked"; on the in-memory test database's shared cache it is refused with "database table is
    locked"). PostgreSQL locks rows: the holder locks the token's row.
    """

    def __init__(self, token: ApiToken):
        super().__init__(daemon=True)
        self.token = token
        self.holding = threading.Event()
        self.released = threading.Event()
        self.error = None

    def run(self):
        try:
            with transaction.atomic():
                if connection.vendor == "sqlite":
                    WorkerHeartbeat.objects.create(
                        worker_id="long-import", started_at=timezone.now(), last_seen_at=timezone.now()
                    )
                else:
                    ApiToken.objects.select_for_update().get(pk=self.token.pk)
                self.holding.set()
                self.released.wait(30)
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 - reported to the test
            self.error = error
            self.holding.set()
        finally:
            connections.close_all()

    def release(self):
        self.released.set()
        self.join(timeout=30)


@pytest.fixture
def locked_database():
    holders = []

    def lock(token):
        holder = WriteLockHolder(token)
        holder.start()
        assert holder.holding.wait(10) and holder.error is None, holder.error
        holders.append(holder)
        return holder

    yield lock
    for holder in holders:
        holder.release()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_triggers_paused_for_flush")
def test_an_api_read_answers_while_another_connection_holds_the_write_lock(client, make_user, locked_database, caplog):
    # given a token never used, and a long write holding the database
    token, raw_token = token_create(user=make_user("member_official"), name="script")
    holder = locked_database(token)

    # when the token's owner reads through the API
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
    holder.release()
    assert client.get(ME, headers={"Authorization": f"Bearer {raw_token}"}).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_triggers_paused_for_flush")
def test_a_skipped_last_use_write_leaves_the_surrounding_transaction_usable(make_user, locked_database):
    # PostgreSQL aborts a whole transaction after a failed statement, unless it ran in a
    # savepoint. (SQLite locks the whole database: the surrounding transaction could not have
    # started either, so there is nothing to show there.)
    if connection.vendor != "postgresql":
        pytest.skip("Row locks inside a transaction: PostgreSQL only.")
    token, _raw = token_create(user=make_user("researcher"), name="script")
    locked_database(token)

    with transaction.atomic():
        token.note_used()
        WorkerHeartbeat.objects.create(worker_id="after", started_at=timezone.now(), last_seen_at=timezone.now())

    assert token.last_used_at is None
    assert WorkerHeartbeat.objects.filter(worker_id="after").exists()

"""The audit log: read by RSO admins only, filterable, and append-only down to the database."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from bphub.accounts.models import Role
from bphub.accounts.tests.steps import page_text, submit_password
from bphub.core.audit import audit_record
from bphub.core.models import AuditEvent


def test_rso_admin_reads_the_audit_log_and_filters_by_verb(client, make_user, login):
    # given a failed sign-in and a sign-out on record
    someone = make_user(Role.MEMBER_OFFICIAL)
    submit_password(client, someone.email, "not the right passphrase")
    audit_record(verb="invitation.created", actor=someone)
    admin = make_user(Role.RSO_ADMIN)
    login(admin)

    # when the admin opens the log, then filters on auth.
    everything = client.get(reverse("audit_log"))
    filtered = client.get(reverse("audit_log"), {"verb": "auth."})

    # then both events show unfiltered, only the sign-in failure when filtered
    assert everything.status_code == 200
    assert "auth.login_failed" in page_text(everything) and "invitation.created" in page_text(everything)
    assert filtered.status_code == 200
    assert "auth.login_failed" in page_text(filtered)
    assert "invitation.created" not in page_text(filtered)


def test_audit_log_filter_by_unknown_verb_shows_nothing(client, make_user, login):
    audit_record(verb="invitation.created")
    login(make_user(Role.RSO_ADMIN))

    response = client.get(reverse("audit_log"), {"verb": "nothing.like.this", "since": "not-a-date"})

    assert response.status_code == 200
    assert "No events match." in page_text(response)


@pytest.mark.parametrize("role", [Role.RSO_STAFF, Role.MEMBER_COORDINATOR, Role.MEMBER_OFFICIAL, Role.WG_CO_CHAIR,
                                  Role.RESEARCHER, Role.ALUMNUS])
def test_audit_log_is_hidden_from_everyone_else(client, make_user, login, role):
    login(make_user(role))
    assert client.get(reverse("audit_log")).status_code == 404


def test_audit_log_sends_visitors_to_sign_in(client, db):
    response = client.get(reverse("audit_log"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_audit_event_cannot_be_changed_or_deleted_through_the_model(db):
    event = audit_record(verb="auth.login", actor_email="someone@example.org")

    event.verb = "auth.nothing_happened"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == "auth.login"


def test_audit_event_cannot_be_changed_or_deleted_in_the_database(db):
    # on SQLite and on PostgreSQL alike, triggers refuse UPDATE and DELETE (migration core 0002)
    event = audit_record(verb="auth.login", actor_email="someone@example.org")

    for statement in ("UPDATE core_auditevent SET verb = 'tampered' WHERE id = %s",
                      "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
        assert "append-only" in str(error.value)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(verb="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == "auth.login"


def test_audit_table_cannot_be_truncated_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    audit_record(verb="auth.login")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.exists()

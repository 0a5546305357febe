from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from bphub.core.audit import audit_event_list, audit_record
from bphub.core.models import AuditEvent


def _event_at(moment: datetime) -> AuditEvent:
    event = audit_record(verb="test.event")
    # The table refuses UPDATE, so the time is set by inserting a copy with the wanted instant.
    return AuditEvent.objects.create(occurred_at=moment, verb=event.verb)


def test_a_day_range_includes_its_last_day_in_the_readers_time_zone(db):
    bangkok = ZoneInfo("Asia/Bangkok")
    inside = _event_at(datetime(2026, 3, 10, 23, 30, tzinfo=bangkok))
    _event_at(datetime(2026, 3, 11, 0, 30, tzinfo=bangkok))
    with timezone.override(bangkok):
        events = audit_event_list(verb="test.", since=date(2026, 3, 10), until=date(2026, 3, 10))
        assert list(events) == [inside]


def test_the_audit_page_filters_by_day(client, db, make_user, login):
    admin = make_user("rso_admin", time_zone="Asia/Bangkok")
    _event_at(datetime(2026, 3, 10, 23, 30, tzinfo=ZoneInfo("Asia/Bangkok")))
    login(admin)
    page = client.get("/audit/?verb=test.&since=2026-03-10&until=2026-03-10").content.decode()
    assert "2026-03-10 23:30" in page  # shown in the reader's zone
    page = client.get("/audit/?verb=test.&since=2026-03-11&until=2026-03-11").content.decode()
    assert "No events match." in page


def test_impossible_or_extreme_dates_do_not_break_the_audit_page(client, db, make_user, login):
    login(make_user("rso_admin"))
    for query in ("since=2024-02-30", "until=2024-13-01", "until=9999-12-31", "since=0001-01-01", "since=garbage"):
        assert client.get(f"/audit/?{query}").status_code == 200, query

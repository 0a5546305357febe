"""iCalendar feeds: RFC 5545 that parses back, correct zones and alarms, the policy on every
fetch, secret personal addresses, conditional GET and a cache that never serves a stale feed."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from bphub.core.models import Classification
from bphub.core.tokens import token_digest
from bphub.meetings.models import CalendarFeedToken, Meeting
from bphub.meetings.services.calendars import calendar_feed_token_create
from bphub.meetings.services.common import meeting_touch
from bphub.meetings.testing import make_classified_meeting, make_meeting
from bphub.members.models import Body, BodyMembership, Member

CLASSIFICATIONS = [choice for choice, _label in Classification.choices]


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def summaries(response) -> set[str]:
    return {str(event["SUMMARY"]) for event in parse(response).events}


def feed_of(user) -> str:
    _record, raw = calendar_feed_token_create(actor=user)
    return f"/calendar/u/{raw}.ics"


@pytest.fixture
def cast(db):
    """The authorization matrix's cast: A originates, B is released to and sits on the body, C sat on it once."""
    members = {
        code: Member.objects.create(code=code * 2, name={"en": f"Member {code}"}, kind=Member.Kind.STATE)
        for code in "ABC"
    }
    body = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=members["B"], body=body, valid_from=date(2020, 1, 1))
    BodyMembership.objects.create(
        member=members["C"], body=body, valid_from=date(2015, 1, 1), valid_to=date(2019, 12, 31)
    )
    return {"members": members, "body": body}


def classified_meetings(cast):
    for classification in CLASSIFICATIONS:
        make_classified_meeting(
            classification=classification,
            originator=cast["members"]["A"],
            body=cast["body"],
            released_to=[cast["members"]["B"]],
            marker=f"zq{classification}zq",
        )


def test_the_public_feed_carries_public_announced_meetings_only(cast, client, make_user, login):
    classified_meetings(cast)
    make_meeting(title="Public draft", classification=Classification.PUBLIC, status=Meeting.Status.DRAFT)
    emergency = make_meeting(title="Public emergency", classification=Classification.PUBLIC)
    Meeting.objects.filter(pk=emergency.pk).update(is_emergency=True)
    expected = {"Meeting zqpubliczq"}
    assert summaries(client.get("/calendar/public.ics")) == expected
    # The same for every reader, signed in or not: nothing narrower leaks through this address.
    m = cast["members"]
    for role, member in [
        ("rso_admin", None),
        ("rso_staff", None),
        ("member_coordinator", m["A"]),
        ("member_official", m["B"]),
        ("wg_co_chair", m["A"]),
        ("researcher", None),
        ("alumnus", None),
    ]:
        assert summaries(login(make_user(role, member)).get("/calendar/public.ics")) == expected


def test_an_event_has_its_zone_instants_uid_url_location_status_and_alarms(db, client):
    meeting = make_meeting(
        title="Adelaide workshop",
        classification=Classification.PUBLIC,
        time_zone="Australia/Adelaide",
        starts_at=datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Australia/Adelaide")),
        venue="Adelaide Convention Centre",
        online_url="https://meet.example.org/bp",
    )
    calendar = parse(client.get("/calendar/public.ics"))
    event = calendar.events[0]
    assert event["DTSTART"].params["TZID"] == "Australia/Adelaide"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 12, 2, 22, 30, tzinfo=UTC)
    assert event.decoded("DTEND").astimezone(UTC) == datetime(2026, 12, 3, 6, 30, tzinfo=UTC)
    assert b"DTSTART;TZID=Australia/Adelaide:20261203T090000" in client.get("/calendar/public.ics").content
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Australia/Adelaide"]
    # The VTIMEZONE carries Adelaide's half-hour offsets in both seasons.
    offsets = {str(sub["TZOFFSETTO"].to_ical()) for sub in calendar.walk("VTIMEZONE")[0].subcomponents}
    assert offsets == {"+1030", "+0930"}
    assert str(event["UID"]) == f"meeting-{meeting.pk}@testserver"
    assert str(event["URL"]) == f"http://testserver/meetings/{meeting.pk}/"
    assert str(event["LOCATION"]) == "Adelaide Convention Centre · https://meet.example.org/bp"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("LAST-MODIFIED") == meeting.updated_at.replace(microsecond=0)
    assert int(event["SEQUENCE"]) > 0
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [timedelta(days=-1), timedelta(hours=-1)]
    assert {str(alarm["ACTION"]) for alarm in event.walk("VALARM")} == {"DISPLAY"}


def test_a_change_shows_in_the_next_fetch_and_sequence_grows(db, client):
    meeting = make_meeting(title="First title", classification=Classification.PUBLIC)
    first = parse(client.get("/calendar/public.ics")).events[0]
    meeting.title = {"en": "Second title"}
    meeting.save()
    second = parse(client.get("/calendar/public.ics")).events[0]
    assert str(second["SUMMARY"]) == "Second title"
    assert int(second["SEQUENCE"]) >= int(first["SEQUENCE"])
    # A part of the meeting changed elsewhere (meeting_touch) and a meeting made narrower.
    meeting_touch(meeting.pk)
    assert parse(client.get("/calendar/public.ics")).events
    Meeting.objects.filter(pk=meeting.pk).update(classification=Classification.MEMBERS)
    assert parse(client.get("/calendar/public.ics")).events == []


def test_conditional_get_answers_304_until_something_changes(db, client):
    meeting = make_meeting(title="Cached", classification=Classification.PUBLIC)
    response = client.get("/calendar/public.ics")
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get("/calendar/public.ics", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/calendar/public.ics", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now() + timedelta(seconds=5))
    changed = client.get("/calendar/public.ics", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_cached_feed_costs_one_aggregate_query(db, client, django_assert_max_num_queries):
    for day in range(30):
        make_meeting(
            title=f"Meeting {day}",
            classification=Classification.PUBLIC,
            starts_at=datetime(2026, 12, 1, 2, tzinfo=UTC) + timedelta(days=day),
        )
    client.get("/calendar/public.ics")
    with django_assert_max_num_queries(1):
        response = client.get("/calendar/public.ics")
    assert len(parse(response).events) == 30


@pytest.mark.parametrize(
    ("role", "position"),
    [("rso_admin", None), ("rso_staff", None)]
    + [(role, position) for role in ("member_coordinator", "member_official", "wg_co_chair") for position in "ABC"]
    + [("researcher", "C"), ("alumnus", "C")],
)
def test_a_personal_feed_shows_exactly_what_its_owner_may_see(cast, client, make_user, role, position):
    classified_meetings(cast)
    owner = make_user(role, cast["members"][position] if position else None)
    shown = {s.replace("Meeting zq", "").replace("zq", "") for s in summaries(client.get(feed_of(owner)))}
    if role in {"rso_admin", "rso_staff"}:
        expected = set(CLASSIFICATIONS)
    elif role in {"researcher", "alumnus"}:
        expected = {"public"}
    elif position in {"A", "B"}:
        expected = {"public", "members", "body", "restricted"}
    else:
        expected = {"public", "members"}
    assert shown == expected


def test_a_personal_feed_follows_the_policy_on_every_fetch(cast, client, make_user):
    body_meeting = make_meeting(title="Body meeting", classification=Classification.BODY, body=cast["body"])
    official = make_user("member_official", cast["members"]["C"])
    path = feed_of(official)
    assert "Body meeting" not in summaries(client.get(path))
    BodyMembership.objects.create(member=cast["members"]["C"], body=cast["body"], valid_from=date(2024, 1, 1))
    assert "Body meeting" in summaries(client.get(path))
    official.is_active = False
    official.save()
    assert client.get(path).status_code == 404
    assert body_meeting.pk  # the meeting itself is untouched


def test_a_revoked_or_unknown_token_finds_nothing(cast, client, make_user, login):
    make_meeting(title="Anything", classification=Classification.PUBLIC)
    owner = make_user("member_official", cast["members"]["A"])
    path = feed_of(owner)
    assert client.get(path).status_code == 200
    response = login(owner).post("/calendar/feeds/stop/")
    assert response.status_code == 302
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get("/calendar/u/not-a-token.ics").status_code == 404


def test_making_a_new_address_shows_it_once_and_stops_the_old_one(cast, client, make_user, login):
    owner = make_user("member_official", cast["members"]["A"])
    browser = login(owner)
    page = browser.post("/calendar/feeds/new/")
    assert page.status_code == 200
    raw = page.context["raw_token"]
    assert f"/calendar/u/{raw}.ics" in page.content.decode()
    # Only the digest is kept; the page never shows the address again.
    record = CalendarFeedToken.objects.get(user=owner, revoked_at__isnull=True)
    assert record.token_hash == token_digest(raw) and raw not in record.token_hash
    assert raw not in browser.get("/calendar/feeds/").content.decode()
    second = browser.post("/calendar/feeds/new/").context["raw_token"]
    browser.logout()
    assert client.get(f"/calendar/u/{raw}.ics").status_code == 404
    assert client.get(f"/calendar/u/{second}.ics").status_code == 200
    assert CalendarFeedToken.objects.filter(user=owner, revoked_at__isnull=True).count() == 1


def test_last_use_is_written_at_most_hourly(cast, client, make_user):
    owner = make_user("researcher")
    path = feed_of(owner)
    client.get(path)
    token = CalendarFeedToken.objects.get(user=owner, revoked_at__isnull=True)
    first_use = token.last_used_at
    assert first_use is not None
    client.get(path)
    token.refresh_from_db()
    assert token.last_used_at == first_use
    CalendarFeedToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(hours=2))
    client.get(path)
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(hours=1)


def test_a_group_feed_has_the_groups_public_meetings_or_with_a_token_what_its_owner_may_see(cast, client, make_user):
    body = cast["body"]
    make_meeting(title="Group public", classification=Classification.PUBLIC, group=body)
    make_meeting(title="Group members", classification=Classification.MEMBERS, group=body)
    make_meeting(title="Other group", classification=Classification.PUBLIC)
    assert summaries(client.get("/calendar/groups/WGX.ics")) == {"Group public"}
    owner = make_user("member_official", cast["members"]["B"])
    _record, raw = calendar_feed_token_create(actor=owner)
    assert summaries(client.get(f"/calendar/groups/WGX.ics?token={raw}")) == {"Group public", "Group members"}
    assert client.get("/calendar/groups/WGX.ics?token=wrong").status_code == 404
    assert client.get("/calendar/groups/NOPE.ics").status_code == 404


def test_feeds_page_needs_a_signed_in_person(db, client, make_user, login):
    assert client.get("/calendar/feeds/").status_code == 302
    page = login(make_user("researcher")).get("/calendar/feeds/")
    assert page.status_code == 200 and "http://testserver/calendar/public.ics" in page.content.decode()

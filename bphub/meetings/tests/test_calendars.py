"""The month and list views: in the reader's zone, through the policy, drafts only for managers."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bphub.core.models import Classification
from bphub.meetings.models import Meeting
from bphub.meetings.testing import make_delegation, make_meeting, make_person
from bphub.members.models import Body, BodyMembership, Member


def day_of(response, title):
    """The days of the month grid on which a meeting with `title` shows."""
    return [
        cell.day
        for week in response.context["grid"].weeks
        for cell in week
        if any(str(entry.meeting) == title for entry in cell.meetings)
    ]


@pytest.fixture
def members(db):
    a = Member.objects.create(code="AA", name={"en": "Member A"}, kind=Member.Kind.STATE)
    b = Member.objects.create(code="BB", name={"en": "Member B"}, kind=Member.Kind.STATE)
    group = Body.objects.create(code="WGC", name={"en": "Working Group C"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=a, body=group, valid_from=date(2020, 1, 1))
    return {"A": a, "B": b, "group": group}


def test_a_meeting_late_in_the_utc_day_is_on_the_next_day_in_jakarta(db, make_user, login, client):
    late = make_meeting(
        title="Late call", classification=Classification.PUBLIC, starts_at=datetime(2026, 12, 14, 23, 30, tzinfo=UTC)
    )
    Meeting.objects.filter(pk=late.pk).update(ends_at=late.starts_at + timedelta(minutes=20))
    in_utc = client.get("/calendar/", {"month": "2026-12"})
    assert day_of(in_utc, "Late call") == [date(2026, 12, 14)]
    jakarta = make_user("researcher", time_zone="Asia/Jakarta")
    response = login(jakarta).get("/calendar/", {"month": "2026-12"})
    assert day_of(response, "Late call") == [date(2026, 12, 15)]
    html = response.content.decode()
    assert "Asia/Jakarta" in html and "06:30" in html


def test_a_meeting_spanning_days_shows_on_each(db, client):
    make_meeting(
        title="Three days",
        classification=Classification.PUBLIC,
        days=3,
        starts_at=datetime(2026, 12, 30, 2, 0, tzinfo=UTC),
    )
    response = client.get("/calendar/", {"month": "2026-12"})
    # The grid runs Monday to Sunday, so 1 January 2027 shows in December's last week.
    assert day_of(response, "Three days") == [date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1)]
    assert response.content.decode().count("continued") == 2


def test_month_view_shows_only_what_the_reader_may_see(members, make_user, login, client):
    starts = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    make_meeting(title="Open meeting", classification=Classification.PUBLIC, starts_at=starts)
    make_meeting(title="Members meeting", classification=Classification.MEMBERS, starts_at=starts)
    make_meeting(title="Secretariat meeting", classification=Classification.SECRETARIAT, starts_at=starts)
    titles = lambda response: {str(e.meeting) for w in response.context["grid"].weeks for c in w for e in c.meetings}  # noqa: E731
    assert titles(client.get("/calendar/?month=2026-12")) == {"Open meeting"}
    official = login(make_user("member_official", members["A"]))
    assert titles(official.get("/calendar/?month=2026-12")) == {"Open meeting", "Members meeting"}
    rso = login(make_user("rso_staff"))
    assert titles(rso.get("/calendar/?month=2026-12")) == {"Open meeting", "Members meeting", "Secretariat meeting"}


def test_drafts_show_only_to_those_who_may_manage_them(members, make_user, login):
    make_meeting(
        title="Draft meeting",
        classification=Classification.MEMBERS,
        status=Meeting.Status.DRAFT,
        group=members["group"],
        starts_at=datetime(2026, 12, 10, 2, 0, tzinfo=UTC),
    )
    official = make_user("member_official", members["A"])
    assert day_of(login(official).get("/calendar/?month=2026-12"), "Draft meeting") == []
    co_chair = make_user("wg_co_chair", members["A"])
    co_chair.chaired_bodies.add(members["group"])
    response = login(co_chair).get("/calendar/?month=2026-12")
    assert day_of(response, "Draft meeting") == [date(2026, 12, 10)]
    assert "Draft" in response.content.decode()
    rso = login(make_user("rso_admin"))
    assert day_of(rso.get("/calendar/?month=2026-12"), "Draft meeting") == [date(2026, 12, 10)]


def test_mine_keeps_the_meetings_that_concern_the_reader(members, make_user, login):
    starts = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    delegation_meeting = make_meeting(title="Our delegation", starts_at=starts)
    make_delegation(delegation_meeting, members["A"])
    make_meeting(title="Our group", group=members["group"], starts_at=starts)
    as_delegate = make_meeting(title="I am a delegate", starts_at=starts)
    make_meeting(title="Not ours", starts_at=starts)
    official = make_user("member_official", members["B"])
    make_delegation(as_delegate, members["B"], people=[make_person(members["B"], user=official)])
    member_a = make_user("member_official", members["A"])

    def titles(user, mine):
        response = login(user).get("/calendar/", {"month": "2026-12", **({"mine": "1"} if mine else {})})
        return {str(e.meeting) for w in response.context["grid"].weeks for c in w for e in c.meetings}

    assert titles(member_a, mine=True) == {"Our delegation", "Our group"}
    assert titles(official, mine=True) == {"I am a delegate"}
    assert titles(member_a, mine=False) == {"Our delegation", "Our group", "I am a delegate", "Not ours"}
    assert titles(make_user("rso_staff"), mine=True) == titles(member_a, mine=False)


def test_a_bad_month_is_named_and_the_current_month_shown(db, client):
    response = client.get("/calendar/", {"month": "2026-13"})
    assert response.status_code == 400
    assert "Month: “2026-13” is not a month" in response.content.decode()


def test_the_list_shows_upcoming_meetings_between_the_chosen_days(db, make_user, login):
    soon = datetime.now(UTC) + timedelta(days=3)
    make_meeting(title="Soon", classification=Classification.PUBLIC, starts_at=soon)
    make_meeting(title="Much later", classification=Classification.PUBLIC, starts_at=soon + timedelta(days=400))
    make_meeting(title="Past", classification=Classification.PUBLIC, starts_at=soon - timedelta(days=30))
    client = login(make_user("researcher", time_zone="Pacific/Auckland"))
    html = client.get("/calendar/list/").content.decode()
    assert "Soon" in html and "Much later" not in html and "Past" not in html
    assert "Pacific/Auckland" in html
    later = (soon + timedelta(days=400)).astimezone(ZoneInfo("Pacific/Auckland")).date()
    html = client.get("/calendar/list/", {"from": later.isoformat(), "to": later.isoformat()}).content.decode()
    assert "Much later" in html and "Soon" not in html


def test_the_list_names_a_bad_date(db, client):
    response = client.get("/calendar/list/", {"from": "tomorrow"})
    assert response.status_code == 400
    assert "From: “tomorrow” is not a date (YYYY-MM-DD)." in response.content.decode()
    response = client.get("/calendar/list/", {"from": "2026-12-10", "to": "2026-12-01"})
    assert "To: the last day is before the first." in response.content.decode()


def test_calendar_pages_use_a_fixed_number_of_queries(members, make_user, login, django_assert_max_num_queries):
    for day in range(1, 29):
        make_meeting(
            title=f"Meeting {day}", group=members["group"], days=2, starts_at=datetime(2026, 12, day, 2, 0, tzinfo=UTC)
        )
    client = login(make_user("member_official", members["A"]))
    client.get("/calendar/?month=2026-12")  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get("/calendar/?month=2026-12")
    assert response.status_code == 200
    with django_assert_max_num_queries(9):
        response = client.get("/calendar/list/", {"from": "2026-12-01", "to": "2026-12-31"})
    html = response.content.decode()
    assert response.status_code == 200 and "Meeting 1<" in html and "Page 1 of 2" in html

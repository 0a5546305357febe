"""The meeting list, the meeting page (its agenda in the reader's zone with the host's beside it)
and the series pages, through HTTP."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bphub.core.models import Classification
from bphub.meetings.models import AgendaItem, AgendaSession, Delegation, Meeting
from bphub.meetings.testing import (
    make_agenda,
    make_delegation,
    make_document,
    make_meeting,
    make_outcome,
    make_person,
    make_series,
)
from bphub.members.models import Body, BodyMembership, Member

Status = Meeting.Status


@pytest.fixture
def world(db):
    members = {
        code: Member.objects.create(code=code, name={"en": f"Member {code}"}, kind=Member.Kind.STATE)
        for code in ("AA", "BB", "CC")
    }
    wg = Body.objects.create(code="WGA", name={"en": "Working Group A"}, kind=Body.Kind.WORKING_GROUP)
    other = Body.objects.create(code="WGB", name={"en": "Working Group B"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=members["AA"], body=wg)
    return {"members": members, "wg": wg, "other": other}


def kathmandu_meeting(**fields):
    """15–17 January 2030, 09:00–17:00 in Kathmandu (UTC+05:45): 16:15–00:15 in Auckland (UTC+13)."""
    return make_meeting(
        time_zone="Asia/Kathmandu",
        starts_at=datetime(2030, 1, 15, 3, 15, tzinfo=UTC),
        days=3,
        **fields,
    )


def add_session(meeting, title, start_utc, hours=1.5, items=()):
    session = AgendaSession.objects.create(
        meeting=meeting, title={"en": title}, starts_at=start_utc, ends_at=start_utc + timedelta(hours=hours)
    )
    for position, (item_title, offset, minutes) in enumerate(items):
        AgendaItem.objects.create(
            session=session,
            title={"en": item_title},
            position=position,
            starts_at=start_utc + timedelta(minutes=offset),
            ends_at=start_utc + timedelta(minutes=offset + minutes),
        )
    return session


# -- the meeting page ---------------------------------------------------------------------------


def test_the_agenda_shows_in_the_readers_zone_with_the_hosts_beside_it(client, login, make_user, world):
    meeting = kathmandu_meeting(title="Regional forum")
    add_session(
        meeting,
        "Opening",
        datetime(2030, 1, 15, 3, 15, tzinfo=UTC),
        items=[("Welcome", 0, 30), ("Adoption of the agenda", 30, 60)],
    )
    add_session(meeting, "Evening session", datetime(2030, 1, 15, 8, 15, tzinfo=UTC), hours=3)  # 14:00–17:00 NPT
    reader = make_user("member_official", world["members"]["BB"], time_zone="Pacific/Auckland")
    login(reader)

    page = client.get(f"/meetings/{meeting.pk}/").content.decode()

    assert "Times in your zone (Pacific/Auckland); the host’s (Asia/Kathmandu) in brackets." in page
    assert "16:15–17:45" in page and "(09:00–10:30)" in page  # the session, reader's then host's
    assert "16:15–16:45" in page and "(09:00–09:30)" in page  # Welcome
    assert "16:45–17:45" in page and "(09:30–10:30)" in page  # Adoption of the agenda
    assert "21:15–Wed 00:15" in page and "(14:00–17:00)" in page  # crosses midnight in Auckland
    assert "Tuesday 15 January 2030" in page  # the day, in the reader's zone
    # The meeting's own dates, in the reader's zone with the host's beside.
    assert "Tue 15 Jan 2030, 16:15" in page and "Tue 15 Jan 2030, 09:00 in Asia/Kathmandu" in page


def test_a_reader_in_the_hosts_zone_sees_one_clock(client, login, make_user, world):
    meeting = kathmandu_meeting()
    add_session(meeting, "Opening", datetime(2030, 1, 15, 3, 15, tzinfo=UTC))
    login(make_user("member_official", world["members"]["BB"], time_zone="Asia/Kathmandu"))

    page = client.get(f"/meetings/{meeting.pk}/").content.decode()

    assert "09:00–10:30" in page and "(09:00–10:30)" not in page and "Times in Asia/Kathmandu." in page


def test_the_meeting_page_shows_its_facts_in_words(client, world):
    series = make_series(name="Forum series")
    meeting = make_meeting(
        title="Open forum",
        classification=Classification.PUBLIC,
        status=Status.REGISTRATION_OPEN,
        series=series,
        number=3,
        host=world["members"]["AA"],
        venue="Bali International Convention Centre",
        online_url="https://meet.example.org/forum",
        group=world["wg"],
    )

    page = client.get(f"/meetings/{meeting.pk}/").content.decode()

    for text in (
        "Open forum",
        "Registration open",
        "Public",
        "Member AA",
        "Bali International Convention Centre",
        'href="https://meet.example.org/forum"',
        "Forum series",
        "#3",
        "Working Group A",
    ):
        assert text in page, text


def test_linked_documents_show_only_to_readers_who_may_see_them(client, login, make_user, world):
    meeting = kathmandu_meeting(classification=Classification.MEMBERS)
    session = add_session(meeting, "Opening", meeting.starts_at, items=[("Briefing", 0, 30)])
    item = session.items.get()
    shared = make_document(meeting, title="Shared concept note")
    internal = make_document(meeting, title="RSO internal note", classification=Classification.SECRETARIAT)
    item.documents.set([shared, internal])

    login(make_user("rso_staff"))  # the RSO's page is cached first
    rso_page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Shared concept note" in rso_page and "RSO internal note" in rso_page

    login(make_user("member_official", world["members"]["AA"]))
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Shared concept note" in page and "RSO internal note" not in page


def test_an_approved_participant_sees_the_documents_a_colleague_does_not(client, login, make_user, world):
    aa, bb = world["members"]["AA"], world["members"]["BB"]
    meeting = kathmandu_meeting(classification=Classification.RESTRICTED, originator=aa, released_to=[bb])
    session = add_session(meeting, "Opening", meeting.starts_at, items=[("Briefing", 0, 30)])
    # a paper of a working group BB has no seat on: the participants' grant opens it to them
    paper = make_document(meeting, title="Delegates-only paper", classification=Classification.BODY, body=world["wg"])
    session.items.get().documents.set([paper])
    participant = make_user("member_official", bb)
    colleague = make_user("member_official", bb)
    make_delegation(meeting, bb, status=Delegation.Status.APPROVED, people=[make_person(bb, user=participant)])

    login(participant)
    assert "Delegates-only paper" in client.get(f"/meetings/{meeting.pk}/").content.decode()
    login(colleague)  # the same readership, but not a participant: the cached agenda must not leak it
    assert "Delegates-only paper" not in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_a_restricted_meeting_answers_404_to_a_member_not_named(client, login, make_user, world):
    aa, bb = world["members"]["AA"], world["members"]["BB"]
    meeting = make_meeting(classification=Classification.RESTRICTED, originator=aa, released_to=[bb])
    login(make_user("member_official", world["members"]["CC"]))
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    login(make_user("member_official", world["members"]["BB"]))
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 200


def test_a_changed_agenda_shows_at_once(client, login, make_user, world):
    from bphub.meetings.services.agenda import item_update

    meeting = kathmandu_meeting()
    session = add_session(meeting, "Opening", meeting.starts_at, items=[("Old item name", 0, 30)])
    rso = make_user("rso_staff")
    login(rso)
    assert "Old item name" in client.get(f"/meetings/{meeting.pk}/").content.decode()

    item_update(item=session.items.get(), actor=rso, title={"en": "New item name"})

    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "New item name" in page and "Old item name" not in page


def test_series_neighbours_link_from_the_meeting_page_skipping_what_the_reader_may_not_see(
    client, login, make_user, world
):
    series = make_series(name="AHG SOM")
    first = make_meeting(title="SOM one", series=series, number=1)
    make_meeting(
        title="SOM two (restricted)",
        series=series,
        number=2,
        classification=Classification.RESTRICTED,
        originator=world["members"]["BB"],
    )
    third = make_meeting(title="SOM three", series=series, number=3)
    fourth = make_meeting(title="SOM four", series=series, number=4)
    login(make_user("member_official", world["members"]["CC"]))

    page = client.get(f"/meetings/{third.pk}/").content.decode()

    assert f'rel="prev" href="/meetings/{first.pk}/"' in page
    assert f'rel="next" href="/meetings/{fourth.pk}/"' in page
    assert "SOM two" not in page


def test_the_meeting_page_runs_few_queries_whatever_the_agenda_size(
    client, login, make_user, world, django_assert_max_num_queries
):
    meeting = kathmandu_meeting(series=make_series(), number=2)
    make_meeting(series=meeting.series, number=1)
    sessions = make_agenda(meeting, sessions=3, items_per_session=1)
    documents = [make_document(meeting, title=f"Paper {n}") for n in range(10)]
    for day in range(3):
        for block in range(4):
            start = meeting.starts_at + timedelta(days=day, minutes=120 * block)
            session = AgendaSession.objects.create(
                meeting=meeting, title={"en": f"D{day} S{block}"}, starts_at=start, ends_at=start + timedelta(hours=2)
            )
            for n in range(17):
                item = AgendaItem.objects.create(
                    session=session,
                    title={"en": f"Item {day}.{block}.{n}"},
                    position=n,
                    starts_at=start + timedelta(minutes=7 * n),
                    ends_at=start + timedelta(minutes=7 * n + 7),
                    presenters="Chair",
                )
                item.documents.set(documents[n % 10 : n % 10 + 1])
    assert AgendaItem.objects.filter(session__meeting=meeting).count() == 3 + 204
    assert sessions
    small = kathmandu_meeting(series=meeting.series, number=3)
    add_session(small, "Only session", small.starts_at, items=[("Only item", 0, 30)])
    small.sessions.get().items.get().documents.set([make_document(small, title="Only paper")])
    login(make_user("member_official", world["members"]["AA"]))
    client.get("/meetings/series/")  # the session's first request records the device: not the page's cost

    with CaptureQueriesContext(connection) as for_small:
        client.get(f"/meetings/{small.pk}/")
    with django_assert_max_num_queries(len(for_small)):
        cold = client.get(f"/meetings/{meeting.pk}/")
    assert cold.content.decode().count('class="docs"') == 204
    # The agenda fragment comes from the cache: sessions, items, links and documents are not read again.
    with django_assert_max_num_queries(len(for_small) - 4):
        client.get(f"/meetings/{meeting.pk}/")
    assert len(for_small) <= 22


# -- the list ---------------------------------------------------------------------------------------


def test_the_list_shows_upcoming_meetings_first_then_past_ones(client, world):
    now = timezone.now()
    for title, days in (("Past far", -60), ("Soon", 3), ("Past near", -5), ("Later", 40)):
        make_meeting(title=title, classification=Classification.PUBLIC, starts_at=now + timedelta(days=days))

    page = client.get("/meetings/").content.decode()

    order = [page.index(title) for title in ("Upcoming", "Soon", "Later", "Past", "Past near", "Past far")]
    assert order == sorted(order)


def test_the_list_pages_run_on_from_the_upcoming_into_the_past_meetings_without_a_gap(client, world):
    # given 30 upcoming and 30 past public meetings: page 2 holds the last upcoming and the first past ones
    from bphub.meetings.views.meetings import PAGE_SIZE

    now = timezone.now()
    for n in range(30):
        make_meeting(title=f"Up-{n:02d}-x", classification=Classification.PUBLIC, starts_at=now + timedelta(days=n + 1))
        make_meeting(
            title=f"Past-{n:02d}-x", classification=Classification.PUBLIC, starts_at=now - timedelta(days=n + 2)
        )

    # when every page is read
    titles = []
    for number in (1, 2, 3):
        page = client.get(f"/meetings/?page={number}").content.decode()
        titles += re.findall(r"(?:Up|Past)-\d\d-x", page)

    # then each meeting is on exactly one page: soonest upcoming first, then latest past first
    expected = [f"Up-{n:02d}-x" for n in range(30)] + [f"Past-{n:02d}-x" for n in range(30)]
    assert titles == expected
    assert len(expected) > 2 * PAGE_SIZE


def test_the_list_filters_by_kind_body_series_status_and_text(client, login, make_user, world):
    series = make_series(code="ahg-som", name="AHG SOM")
    make_meeting(title="Workshop on data", kind=Meeting.Kind.WORKSHOP, group=world["wg"])
    make_meeting(title="Dialogue on returns", kind=Meeting.Kind.THEMATIC_DIALOGUE, group=world["other"])
    make_meeting(title="SOM in series", kind=Meeting.Kind.SENIOR_OFFICIALS, series=series, number=1)
    make_meeting(title="Closed roundtable", kind=Meeting.Kind.ROUNDTABLE, status=Status.CLOSED)
    login(make_user("member_official", world["members"]["AA"]))

    def shown(query):
        page = client.get(f"/meetings/?{query}").content.decode()
        return {
            t for t in ("Workshop on data", "Dialogue on returns", "SOM in series", "Closed roundtable") if t in page
        }

    assert shown("kind=workshop") == {"Workshop on data"}
    assert shown("group=WGB") == {"Dialogue on returns"}
    assert shown("series=ahg-som") == {"SOM in series"}
    assert shown("status=closed") == {"Closed roundtable"}
    assert shown("q=returns") == {"Dialogue on returns"}
    assert shown("kind=nonsense") == {"Workshop on data", "Dialogue on returns", "SOM in series", "Closed roundtable"}


def test_each_column_of_the_list_says_one_thing(client, world):
    # given a numbered meeting whose title names its series, one whose title does not, and a
    # meeting of the Ad Hoc Group (a kind whose old label was the body's own name)
    ahg = Body.objects.create(code="AHG", name={"en": "Ad Hoc Group"}, kind=Body.Kind.AD_HOC_GROUP)
    som = make_series(code="som", name="Senior Officials' Meeting")
    make_meeting(
        title="10th Senior Officials' Meeting", kind=Meeting.Kind.SENIOR_OFFICIALS, series=som, number=10,
        classification=Classification.PUBLIC,
    )
    make_meeting(
        title="Bali plenary", kind=Meeting.Kind.SENIOR_OFFICIALS, series=som, number=11,
        classification=Classification.PUBLIC,
    )
    make_meeting(
        title="Spring meeting", kind=Meeting.Kind.AD_HOC_GROUP, group=ahg, classification=Classification.PUBLIC
    )

    # when the list is read
    page = client.get("/meetings/").content.decode()
    rows = {
        re.search(r'<a href="/meetings/\d+/">(?:<span[^>]*>)?([^<]+)', row).group(1).replace("&#x27;", "'"): re.findall(
            r"<td[^>]*>(.*?)</td>", row, re.S
        )
        for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)
        if 'href="/meetings/' in row
    }

    # then the series is named once per row: by the title, or under a title that does not name it
    title_cell = rows["10th Senior Officials' Meeting"][0]
    assert title_cell.count("Senior Officials") == 1 and "#10" not in title_cell
    assert "Senior Officials&#x27; Meeting #11" in rows["Bali plenary"][0]
    # the kind column names the kind of meeting, the body column the body
    when, kind, body, status = rows["Spring meeting"][1:]
    assert kind == "Ad Hoc Group meeting"
    assert '<abbr title="Ad Hoc Group">AHG</abbr>' == body


def test_the_list_pages_and_stays_within_a_few_queries(client, login, make_user, world, django_assert_max_num_queries):
    for n in range(30):
        make_meeting(title=f"Meeting number {n:02d}", group=world["wg"], series=make_series(), number=1)
    login(make_user("member_official", world["members"]["AA"]))
    client.get("/meetings/series/")  # the session's first request records the device: not the page's cost

    with django_assert_max_num_queries(10):
        first = client.get("/meetings/").content.decode()
    second = client.get("/meetings/?page=2").content.decode()

    assert first.count("Meeting number") == 25 and second.count("Meeting number") == 5
    assert "Page 1 of 2" in first


# -- series -----------------------------------------------------------------------------------------


def test_the_series_page_compiles_the_outcomes_the_reader_may_see_in_number_order(client, login, make_user, world):
    aa, bb = world["members"]["AA"], world["members"]["BB"]
    series = make_series(code="ahg", name="Ad Hoc Group SOM")
    second = make_meeting(title="SOM 2", series=series, number=2, status=Status.OUTCOMES_PUBLISHED)
    first = make_meeting(title="SOM 1", series=series, number=1, status=Status.CLOSED)
    hidden = make_meeting(
        title="SOM 3 restricted",
        series=series,
        number=3,
        status=Status.CLOSED,
        classification=Classification.RESTRICTED,
        originator=bb,
    )
    pending = make_meeting(title="SOM 4", series=series, number=4, status=Status.HELD)
    make_outcome(first, kind="co_chairs_statement", text="Co-chairs welcomed the guide.")
    make_outcome(first, kind="minutes", text="Minutes of the first meeting.")
    make_outcome(second, kind="decision", text="Decided to meet in Bangkok.")
    make_outcome(second, kind="recommendation", text="RSO-only note.", classification=Classification.SECRETARIAT)
    make_outcome(hidden, text="Restricted decision.")
    make_outcome(pending, text="Draft decision not yet published.")
    login(make_user("member_official", aa))

    page = client.get("/meetings/series/ahg/").content.decode()

    assert page.index("Co-chairs welcomed the guide.") < page.index("Decided to meet in Bangkok.")
    assert "Minutes of the first meeting." in page and "Co-chairs&#x27; statement" in page
    for absent in ("RSO-only note.", "Restricted decision.", "SOM 3 restricted", "Draft decision not yet published."):
        assert absent not in page, absent
    # Each meeting links to the previous and next one the reader may see.
    assert f'href="#m{second.pk}" rel="next"' in page and f'href="#m{first.pk}" rel="prev"' in page
    assert f'href="#m{pending.pk}" rel="next"' in page

    login(make_user("rso_staff"))
    page = client.get("/meetings/series/ahg/").content.decode()
    assert "Restricted decision." in page and "Draft decision not yet published." in page
    assert "Not yet published" in page


def test_a_series_none_of_whose_meetings_the_reader_may_see_is_not_found(client, login, make_user, world):
    series = make_series(code="secret-series", name="Quiet series")
    make_meeting(series=series, number=1, classification=Classification.SECRETARIAT)
    login(make_user("member_coordinator", world["members"]["AA"]))

    assert client.get("/meetings/series/secret-series/").status_code == 404
    assert "Quiet series" not in client.get("/meetings/series/").content.decode()
    assert "Quiet series" not in client.get("/meetings/").content.decode()

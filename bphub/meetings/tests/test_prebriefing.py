"""Pre-briefing packs: exactly what the reader may see, in the reader's time zone, built from the
database at the moment they are asked for. The PDF's way through the task worker: test_pack_pdf.py."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bphub.core.models import Classification
from bphub.meetings.models import Delegation, Meeting, Outcome
from bphub.meetings.testing import (
    make_action,
    make_agenda,
    make_delegation,
    make_document,
    make_meeting,
    make_outcome,
    make_person,
    make_series,
)
from bphub.members.models import Body, BodyMembership, Member


@pytest.fixture
def cast(db):
    members = {c: Member.objects.create(code=c, name={"en": f"Member {c}"}, kind=Member.Kind.STATE) for c in "ABC"}
    body = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    other_body = Body.objects.create(code="WGY", name={"en": "Working Group Y"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=members["B"], body=body, valid_from=date(2020, 1, 1))
    return {"members": members, "body": body, "other_body": other_body}


@pytest.fixture
def world(cast):
    """A series of two meetings; the second is the one being prepared."""
    members, body = cast["members"], cast["body"]
    series = make_series(name="Working Group X meetings", group=body)
    previous = make_meeting(
        title="Sixth meeting",
        series=series,
        number=6,
        group=body,
        originator=members["A"],
        starts_at=timezone.now() - timedelta(days=120),
        status=Meeting.Status.OUTCOMES_PUBLISHED,
    )
    starts = datetime(2031, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
    meeting = make_meeting(
        title="Seventh meeting",
        series=series,
        number=7,
        group=body,
        originator=members["A"],
        starts_at=starts,
        days=3,
        venue="Bangkok",
    )
    make_agenda(meeting, sessions=2, items_per_session=2)
    return {"previous": previous, "meeting": meeting}


def test_the_pack_holds_exactly_what_the_reader_may_see(cast, world, client, login, make_user):
    members, body = cast["members"], cast["body"]
    meeting, previous = world["meeting"], world["previous"]
    make_document(meeting, title="Open concept note", is_key=True)
    make_document(
        meeting,
        title="Paper for B only",
        is_key=True,
        classification=Classification.RESTRICTED,
        released_to=[members["B"]],
    )
    make_document(meeting, title="Not a key paper")
    make_action(previous, title="Carried: share statistics", owner_member=members["C"])
    make_action(
        previous, title="Carried quietly", owner_member=members["B"], classification=Classification.BODY, body=body
    )
    make_action(meeting, title="Group homework", owner_body=body)
    make_action(
        make_meeting(title="Elsewhere", originator=members["A"]), title="B's own homework", owner_member=members["B"]
    )
    make_action(
        make_meeting(title="Elsewhere too", originator=members["A"]),
        title="C's own homework",
        owner_member=members["C"],
    )
    make_outcome(previous, kind=Outcome.Kind.DECISION, text="Adopt the referral guide.")
    make_outcome(
        previous, kind=Outcome.Kind.MINUTES, text="Minutes for the RSO.", classification=Classification.SECRETARIAT
    )

    login(make_user("member_official", members["C"]))
    as_c = client.get(f"/meetings/{meeting.pk}/pre-briefing/").content.decode()
    login(make_user("member_official", members["B"]))
    as_b = client.get(f"/meetings/{meeting.pk}/pre-briefing/").content.decode()

    for shown in (
        "Open concept note",
        "Carried: share statistics",
        "Group homework",
        "Adopt the referral guide.",
        "Sixth meeting",
    ):
        assert shown in as_c and shown in as_b
    for hidden in ("Paper for B only", "Carried quietly", "B&#x27;s own homework"):
        assert hidden not in as_c
        assert hidden in as_b
    assert "C&#x27;s own homework" in as_c and "C&#x27;s own homework" not in as_b
    for nobody in ("Not a key paper", "Minutes for the RSO."):
        assert nobody not in as_c and nobody not in as_b
    # The cover names the most restricted content in each pack.
    assert "Restricted to named members" in as_b.split('class="pack-cover"')[1].split("</header>")[0]
    cover_c = as_c.split('class="pack-cover"')[1].split("</header>")[0]
    assert '<strong class="badge members">Members</strong>' in cover_c and "Restricted" not in cover_c


def test_the_agenda_is_in_the_readers_zone_with_the_hosts_beside_it(cast, world, client, login, make_user):
    reader = make_user("member_official", cast["members"]["C"], time_zone="Asia/Kathmandu")
    login(reader)

    page = client.get(f"/meetings/{world['meeting'].pk}/pre-briefing/").content.decode()

    # 09:00 in Bangkok (UTC+7) is 07:45 in Kathmandu (UTC+5:45).
    assert "07:45–09:45" in page and "(09:00–11:00 host time)" in page
    assert "Asia/Kathmandu" in page and "Asia/Bangkok" in page


def test_approved_delegations_show_member_head_and_size(cast, world, client, login, make_user):
    members, meeting = cast["members"], world["meeting"]
    make_delegation(
        meeting,
        members["B"],
        status=Delegation.Status.APPROVED,
        people=[make_person(members["B"], name="Dewi Head"), make_person(members["B"])],
    )
    make_delegation(
        meeting,
        members["C"],
        status=Delegation.Status.SUBMITTED,
        people=[make_person(members["C"], name="Not Yet Approved")],
    )
    make_delegation(
        meeting,
        members["A"],
        status=Delegation.Status.APPROVED,
        people=[make_person(members["A"], name="Hidden Head", classification=Classification.RESTRICTED)],
    )
    login(make_user("member_official", members["C"]))

    page = client.get(f"/meetings/{meeting.pk}/pre-briefing/").content.decode()
    delegations = page.split('id="pack-delegations"')[1].split("</section>")[0]

    row_b = next(row for row in delegations.split("<tr>") if "Member B" in row)
    assert "Dewi Head" in row_b and "2 people" in row_b
    assert "Not Yet Approved" not in delegations and "Member C" not in delegations
    assert "Member A" in delegations and "Hidden Head" not in delegations


def test_overdue_actions_are_marked_in_the_pack(cast, world, client, login, make_user):
    make_action(
        world["previous"],
        title="Late report",
        owner_member=cast["members"]["C"],
        due_on=timezone.localdate() - timedelta(days=5),
    )
    login(make_user("member_coordinator", cast["members"]["C"]))

    page = client.get(f"/meetings/{world['meeting'].pk}/pre-briefing/").content.decode()

    # The row is marked, and the badge sits in the due cell after the date (never over it).
    row = page.split('<tr class="overdue">')[1].split("</tr>")[0]
    due_cell = row.split('class="a-due">')[1].split("</td>")[0]
    assert "Late report" in row
    assert due_cell.index("</time>") < due_cell.index('<strong class="badge overdue">Overdue</strong>')
    # The first page counts it as overdue and lists it first among the actions to mind.
    cover = page.split('class="pack-cover"')[1].split("</header>")[0]
    assert "1 overdue" in cover
    assert cover.split('class="glance-list"')[-1].split("</li>")[0].count("Late report") == 1


def test_a_pack_of_a_meeting_the_reader_may_not_see_answers_404(cast, client, login, make_user):
    members = cast["members"]
    meeting = make_meeting(
        title="Quiet meeting",
        classification=Classification.RESTRICTED,
        originator=members["A"],
        released_to=[members["B"]],
    )
    login(make_user("member_official", members["C"]))

    for path in (f"/meetings/{meeting.pk}/pre-briefing/", f"/meetings/{meeting.pk}/pre-briefing.pdf"):
        response = client.get(path)
        assert response.status_code == 404 and b"Quiet meeting" not in response.content
    client.logout()
    assert client.get(f"/meetings/{meeting.pk}/pre-briefing.pdf").status_code == 302


def test_the_first_page_briefs_the_meeting_at_a_glance(cast, world, client, login, make_user):
    # given a meeting with a purpose, a host, a key document, open actions and an approved delegation
    members, meeting = cast["members"], world["meeting"]
    meeting.host = members["A"]
    meeting.description = {"en": "Agree the regional referral guide."}
    meeting.save()
    make_document(meeting, title="Annotated agenda", is_key=True)
    make_action(meeting, title="Later homework", owner_member=members["C"], due_on=date(2031, 6, 1))
    make_action(world["previous"], title="Overdue homework", owner_member=members["C"], due_on=date(2020, 1, 1))
    make_delegation(
        meeting, members["B"], status=Delegation.Status.APPROVED, people=[make_person(members["B"], name="Head B")]
    )
    login(make_user("member_official", members["C"]))

    # when the reader opens the pack
    page = client.get(f"/meetings/{meeting.pk}/pre-briefing/").content.decode()
    cover = page.split('class="pack-cover"')[1].split("</header>")[0]

    # then its first page states the facts, the purpose and the classification marking
    assert "Seventh meeting" in cover and "Mon 10 Mar 2031" in cover and "Bangkok" in cover
    assert "<dt>Host</dt><dd>Member A</dd>" in cover
    assert "<dt>Body</dt><dd>Working Group X (WGX)</dd>" in cover
    assert "Agree the regional referral guide." in cover
    assert '<p class="pack-marking"><span class="vh">Classification: </span>Members</p>' in cover
    # and at a glance: the agenda, the key documents, the open actions (overdue first), the delegations
    assert "4 items in 2 session(s)" in cover
    assert "1 key document" in cover and "Annotated agenda" in cover
    assert "2 open action items" in cover and "1 overdue" in cover
    assert cover.index("Overdue homework") < cover.index("Later homework")
    assert "1 approved delegation, 1 person" in cover and ">B</p>" in cover
    # and the parts follow in order: agenda, documents, actions, delegations, previous outcomes
    order = [page.index(f'id="pack-{part}"') for part in ("agenda", "documents", "actions", "delegations", "previous")]
    assert order == sorted(order)

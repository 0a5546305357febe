"""What the home page says needs each person in meetings: delegations to nominate or approve,
meetings to prepare for, action items overdue or due soon. Counted through the policy, linked to
the place to act, read through the page as the person sees it."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bphub.core.models import Classification
from bphub.core.tests.home_needs import home_needs
from bphub.meetings.models import ActionItem, Delegation, Meeting
from bphub.meetings.testing import make_action, make_delegation, make_meeting
from bphub.members.models import Body, BodyMembership, Member

pytestmark = pytest.mark.django_db

D = Delegation.Status


@pytest.fixture
def cast(db, make_user):
    """Members AA and BB; AA sits on WGX, whose co-chair acts for AA; one person per role."""
    members = {
        code: Member.objects.create(code=code, name={"en": f"Member {code}"}, kind=Member.Kind.STATE)
        for code in ("AA", "BB")
    }
    body = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=members["AA"], body=body, valid_from=date(2020, 1, 1))
    co_chair = make_user("wg_co_chair", members["AA"])
    co_chair.chaired_bodies.set([body])
    return {
        **members,
        "body": body,
        "coordinator": make_user("member_coordinator", members["AA"]),
        "official": make_user("member_official", members["AA"]),
        "other_coordinator": make_user("member_coordinator", members["BB"]),
        "rso": make_user("rso_staff"),
        "co_chair": co_chair,
        "researcher": make_user("researcher"),
        "alumnus": make_user("alumnus"),
    }


@pytest.fixture
def as_(login):
    def sign_in(user):
        return login(user, Client())

    return sign_in


def open_meeting(title, *, deadline_in_days=7, starts_in_days=20, **fields) -> Meeting:
    now = timezone.now()
    return make_meeting(
        title=title,
        status=Meeting.Status.REGISTRATION_OPEN,
        starts_at=now + timedelta(days=starts_in_days),
        nomination_deadline=now + timedelta(days=deadline_in_days) if deadline_in_days is not None else None,
        **fields,
    )


def assert_links_answer(client, needs):
    for need in needs:
        assert client.get(need.url).status_code == 200, need


def test_a_coordinator_sees_each_delegation_still_to_nominate_with_its_state_and_deadline(cast, as_):
    # given: AA invited to two open meetings (one returned), and delegations that need nothing from AA's coordinator
    aa, bb = cast["AA"], cast["BB"]
    soon = open_meeting("Soon deadline", deadline_in_days=3)
    make_delegation(soon, aa, status=D.INVITED)
    returned = open_meeting("Returned one", deadline_in_days=9)
    make_delegation(returned, aa, status=D.RETURNED)
    make_delegation(open_meeting("Already nominated"), aa, status=D.SUBMITTED)
    make_delegation(open_meeting("Deadline passed", deadline_in_days=-1), aa, status=D.INVITED)
    make_delegation(make_meeting(title="Not open yet"), aa, status=D.INVITED)
    make_delegation(open_meeting("Only BB invited"), bb, status=D.INVITED)
    hidden = open_meeting("Restricted to BB", classification=Classification.RESTRICTED, originator=bb, released_to=[])
    make_delegation(hidden, aa, status=D.INVITED)

    # when
    client = as_(cast["coordinator"])
    shown = home_needs(client)

    # then: the two, soonest deadline first, each with the delegation's state and a link to nominate
    items = shown.of("meetings.delegation_to_nominate")
    assert [item.title for item in items] == [
        "Nominate your delegation: Soon deadline",
        "Nominate your delegation: Returned one",
    ]
    assert [item.count for item in items] == [1, 1]
    assert items[0].url == f"/meetings/{soon.pk}/delegations/AA/"
    assert items[0].note == "Delegation: Invited" and items[1].note == "Delegation: Returned for changes"
    assert items[0].due.startswith("Nominations close")
    assert items[0].due_datetime.startswith(timezone.localtime(soon.nomination_deadline).date().isoformat())
    assert_links_answer(client, items)
    # and no one else is asked to nominate for AA (BB's coordinator, for BB)
    for who in ("official", "rso"):
        assert not home_needs(as_(cast[who])).of("meetings.delegation_to_nominate"), who
    theirs = home_needs(as_(cast["other_coordinator"])).of("meetings.delegation_to_nominate")
    assert [item.title for item in theirs] == ["Nominate your delegation: Only BB invited"]


def test_the_deadline_is_shown_in_the_readers_time_zone(cast, as_):
    # given: nominations close at 10:00 UTC; the coordinator lives in Bangkok (UTC+7)
    deadline = (timezone.now() + timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = open_meeting("Zoned")
    Meeting.objects.filter(pk=meeting.pk).update(nomination_deadline=deadline)
    make_delegation(meeting, cast["AA"], status=D.INVITED)
    cast["coordinator"].time_zone = "Asia/Bangkok"
    cast["coordinator"].save(update_fields=["time_zone"])

    item = home_needs(as_(cast["coordinator"])).one("meetings.delegation_to_nominate")

    assert "17:00" in item.due and item.due_datetime.endswith("+07:00")


def test_people_of_a_member_prepare_for_the_meetings_their_delegation_attends_soon(cast, as_):
    # given: AA's delegation is approved to one meeting in ten days, one in two months, one AA may no longer read
    aa, bb = cast["AA"], cast["BB"]
    soon = open_meeting("Soon meeting", starts_in_days=10, deadline_in_days=None)
    make_delegation(soon, aa, status=D.APPROVED)
    make_delegation(open_meeting("Far meeting", starts_in_days=60, deadline_in_days=None), aa, status=D.APPROVED)
    narrowed = open_meeting(
        "Narrowed meeting", starts_in_days=5, classification=Classification.RESTRICTED, originator=bb
    )
    make_delegation(narrowed, aa, status=D.APPROVED)

    for who in ("official", "coordinator", "co_chair"):
        client = as_(cast[who])
        # when
        items = home_needs(client).of("meetings.meeting_to_prepare")
        # then
        assert [item.title for item in items] == ["Prepare for Soon meeting"], who
        assert items[0].url == f"/meetings/{soon.pk}/pre-briefing/"
        assert_links_answer(client, items)
    assert not home_needs(as_(cast["other_coordinator"])).of("meetings.meeting_to_prepare")


def test_the_rso_and_a_groups_co_chair_see_the_delegations_waiting_for_their_approval(cast, as_):
    # given: three nominated delegations to a WGX meeting, one to a plenary meeting, one to a past meeting
    aa, bb = cast["AA"], cast["BB"]
    group_meeting = open_meeting("Group meeting", group=cast["body"])
    for member in (aa, bb):
        make_delegation(group_meeting, member, status=D.SUBMITTED)
    cc = Member.objects.create(code="CC", name={"en": "Member CC"}, kind=Member.Kind.STATE)
    make_delegation(group_meeting, cc, status=D.SUBMITTED)
    make_delegation(
        group_meeting,
        Member.objects.create(code="DD", name={"en": "Member DD"}, kind=Member.Kind.STATE),
        status=D.APPROVED,
    )
    plenary = open_meeting("Plenary meeting", starts_in_days=40)
    make_delegation(plenary, aa, status=D.SUBMITTED)
    past = make_meeting(title="Past meeting", starts_at=timezone.now() - timedelta(days=10))
    make_delegation(past, aa, status=D.SUBMITTED)

    # when / then: the RSO approves for every meeting, soonest first
    client = as_(cast["rso"])
    items = home_needs(client).of("meetings.delegations_to_approve")
    assert [(item.title, item.count) for item in items] == [
        ("Delegations to approve: Group meeting", 3),
        ("Delegations to approve: Plenary meeting", 1),
    ]
    assert items[0].url == f"/meetings/{group_meeting.pk}/delegations/"
    assert_links_answer(client, items)
    # the group's co-chair for the group's meeting only; nobody else
    client = as_(cast["co_chair"])
    items = home_needs(client).of("meetings.delegations_to_approve")
    assert [(item.title, item.count) for item in items] == [("Delegations to approve: Group meeting", 3)]
    assert_links_answer(client, items)
    for who in ("coordinator", "official", "researcher"):
        assert not home_needs(as_(cast[who])).of("meetings.delegations_to_approve"), who


def test_owners_see_their_overdue_and_soon_due_actions_counted_as_the_action_list_shows_them(cast, as_):
    # given
    today = timezone.localdate()
    aa, bb = cast["AA"], cast["BB"]
    meeting = make_meeting(title="Follow-up meeting", starts_at=timezone.now() - timedelta(days=40))
    make_action(meeting, title="AA late one", owner_member=aa, due_on=today - timedelta(days=3))
    make_action(meeting, title="AA late two", owner_member=aa, due_on=today - timedelta(days=20))
    make_action(
        meeting, title="AA done late", owner_member=aa, due_on=today - timedelta(days=9), status=ActionItem.Status.DONE
    )
    make_action(meeting, title="AA soon", owner_member=aa, due_on=today + timedelta(days=5))
    make_action(meeting, title="AA later", owner_member=aa, due_on=today + timedelta(days=40))
    make_action(meeting, title="BB late", owner_member=bb, due_on=today - timedelta(days=3))
    make_action(meeting, title="RSO late", due_on=today - timedelta(days=1))
    hidden = make_meeting(
        title="BB's own meeting",
        classification=Classification.RESTRICTED,
        originator=bb,
        starts_at=timezone.now() - timedelta(days=30),
    )
    make_action(hidden, title="AA late but hidden", owner_member=aa, due_on=today - timedelta(days=2))

    # when
    client = as_(cast["official"])
    shown = home_needs(client)

    # then: overdue first, the oldest due day shown, the list behind the link shows the same two
    overdue, soon = shown.one("meetings.actions_overdue"), shown.one("meetings.actions_due_soon")
    assert shown.keys().index("meetings.actions_overdue") == 0
    assert (overdue.count, overdue.severity) == (2, "overdue")
    assert (today - timedelta(days=20)).isoformat() in overdue.due_datetime
    listed = client.get(overdue.url).content.decode()
    assert "AA late one" in listed and "AA late two" in listed
    assert "BB late" not in listed and "AA late but hidden" not in listed and "AA done late" not in listed
    assert soon.count == 1 and soon.url.startswith("/meetings/actions/")  # the one action itself
    assert "AA soon" in client.get(soon.url).content.decode()
    # the RSO owns the RSO's actions, BB's coordinator BB's
    rso_overdue = home_needs(as_(cast["rso"])).one("meetings.actions_overdue")
    assert rso_overdue.count == 1 and "RSO late" in as_(cast["rso"]).get(rso_overdue.url).content.decode()
    assert home_needs(as_(cast["other_coordinator"])).one("meetings.actions_overdue").count == 1


def test_the_list_puts_what_is_overdue_first_then_the_soonest_due(cast, as_):
    # given: a nomination closing in two days, an action due in four days, an action overdue
    today = timezone.localdate()
    aa = cast["AA"]
    make_delegation(open_meeting("Close deadline", deadline_in_days=2), aa, status=D.INVITED)
    meeting = make_meeting(title="Earlier", starts_at=timezone.now() - timedelta(days=40))
    make_action(meeting, title="Due in four days", owner_member=aa, due_on=today + timedelta(days=4))
    make_action(meeting, title="Overdue", owner_member=aa, due_on=today - timedelta(days=1))

    keys = home_needs(as_(cast["coordinator"])).keys()

    assert keys == ["meetings.actions_overdue", "meetings.delegation_to_nominate", "meetings.actions_due_soon"]


def test_with_nothing_waiting_each_role_is_told_what_it_can_do_first(cast, as_):
    expected = {
        "rso": ["meetings.create", "directory.health", "accounts.invite", "meetings.browse"],
        "co_chair": ["meetings.workspace", "meetings.create", "directory.search", "meetings.browse"],
        "official": ["directory.search", "meetings.browse", "knowledge.browse"],
        "researcher": ["knowledge.browse", "meetings.browse"],
        "alumnus": ["knowledge.browse", "meetings.browse"],
    }
    for who, steps in expected.items():
        client = as_(cast[who])
        # when
        shown = home_needs(client)
        # then
        assert shown.is_empty and "Nothing needs you right now" in shown.empty_text, who
        assert [key for key, _url in shown.first_steps] == steps, who
        for _key, url in shown.first_steps:
            assert client.get(url).status_code == 200, (who, url)


def test_the_anonymous_home_has_no_needs_section(cast):
    assert not home_needs(Client()).found

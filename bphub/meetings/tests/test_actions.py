"""Action items: made at meetings, owned by a member, a body or the RSO, reported on by their owner,
carried forward in a series until done, overdue ones marked."""

from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from bphub.communications.models import Notification, Topic
from bphub.core.models import AuditEvent, Classification
from bphub.meetings.models import ActionItem, ActionItemUpdate, Meeting
from bphub.meetings.testing import make_action, make_meeting, make_series
from bphub.members.models import Body, BodyMembership, Member


@pytest.fixture
def cast(db):
    members = {c: Member.objects.create(code=c, name={"en": f"Member {c}"}, kind=Member.Kind.STATE) for c in "ABC"}
    body = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    other_body = Body.objects.create(code="WGY", name={"en": "Working Group Y"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=members["B"], body=body, valid_from=date(2020, 1, 1))
    return {"members": members, "body": body, "other_body": other_body}


def _report(client, action, text="Draft shared with the group.", status="in_progress"):
    return client.post(f"/meetings/actions/{action.pk}/update/", {"text": text, "status": status})


def _series_pair(cast, *, days_apart=90):
    """Meeting #1 of a series (held) and #2 (coming)."""
    series = make_series(group=cast["body"])
    first = make_meeting(
        title="First meeting",
        series=series,
        number=1,
        originator=cast["members"]["A"],
        group=cast["body"],
        starts_at=timezone.now() - timedelta(days=days_apart),
        status=Meeting.Status.HELD,
    )
    second = make_meeting(
        title="Second meeting", series=series, number=2, originator=cast["members"]["A"], group=cast["body"]
    )
    return first, second


def test_a_manager_creates_an_action_and_its_owner_is_told(cast, client, login, make_user):
    members = cast["members"]
    meeting = make_meeting(originator=members["A"], group=cast["body"])
    coordinator = make_user("member_coordinator", members["B"])
    official = make_user("member_official", members["B"])
    bystander = make_user("member_official", members["C"])
    rso = make_user("rso_staff")
    login(rso)

    response = client.post(
        f"/meetings/{meeting.pk}/actions/new/",
        {
            "title_0": "Map the referral pathways",
            "owner_kind": "member",
            "owner_member": "B",
            "due_on": "2030-03-31",
            "classification": "members",
        },
    )

    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert (action.owner_kind, action.owner_member, action.due_on) == ("member", members["B"], date(2030, 3, 31))
    assert action.created_by == rso
    told = set(Notification.objects.filter(topic=Topic.ACTION, verb="action.assigned").values_list("user", flat=True))
    assert told == {coordinator.pk, official.pk}
    assert bystander.pk not in told
    assert AuditEvent.objects.filter(verb="action.created", target_id=str(action.pk)).exists()


def test_an_action_names_its_owner_and_is_never_wider_than_its_meeting(cast, client, login, make_user):
    meeting = make_meeting(classification=Classification.BODY, originator=cast["members"]["A"], body=cast["body"])
    login(make_user("rso_admin"))

    no_owner = client.post(
        f"/meetings/{meeting.pk}/actions/new/",
        {"title_0": "Something", "owner_kind": "member", "classification": "body"},
    )
    wider = client.post(
        f"/meetings/{meeting.pk}/actions/new/",
        {"title_0": "Something", "owner_kind": "rso", "classification": "public"},
    )

    assert no_owner.status_code == 400
    assert "Choose the member that owns the action." in no_owner.content.decode()
    assert wider.status_code == 400
    assert "Select a valid choice" in wider.content.decode()
    assert not ActionItem.objects.exists()


def test_a_restricted_action_cannot_go_to_an_owner_who_could_not_read_it(cast, client, login, make_user):
    members = cast["members"]
    meeting = make_meeting(
        classification=Classification.RESTRICTED, originator=members["A"], released_to=[members["B"]]
    )
    login(make_user("rso_admin"))

    response = client.post(
        f"/meetings/{meeting.pk}/actions/new/",
        {"title_0": "Something", "owner_kind": "member", "owner_member": "C", "classification": "restricted"},
    )

    assert response.status_code == 400
    assert "The owner is not among the members" in response.content.decode()
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize(
    ("role", "member", "chairs", "allowed"),
    [
        ("member_official", "B", None, True),  # an official of the owning member
        ("member_coordinator", "B", None, True),
        ("member_official", "C", None, False),  # of another member
        ("member_coordinator", "A", None, False),  # the originating member does not own it
        ("wg_co_chair", "B", None, False),  # a co-chair does not act for the member's own actions
        ("rso_staff", None, None, True),
        ("researcher", None, None, False),
    ],
)
def test_who_reports_progress_on_an_action_owned_by_a_member(
    cast, client, login, make_user, role, member, chairs, allowed
):
    action = make_action(make_meeting(originator=cast["members"]["A"]), owner_member=cast["members"]["B"])
    login(make_user(role, cast["members"][member] if member else None))

    response = _report(client, action)

    assert response.status_code == (302 if allowed else 404)
    assert ActionItemUpdate.objects.filter(action_item=action).count() == (1 if allowed else 0)
    action.refresh_from_db()
    assert action.status == ("in_progress" if allowed else "open")


def test_the_co_chairs_of_the_owning_body_report_progress_and_no_other(cast, client, login, make_user):
    action = make_action(make_meeting(originator=cast["members"]["A"]), owner_body=cast["body"])
    co_chair = make_user("wg_co_chair", cast["members"]["B"])
    co_chair.chaired_bodies.set([cast["body"]])
    other_co_chair = make_user("wg_co_chair", cast["members"]["C"])
    other_co_chair.chaired_bodies.set([cast["other_body"]])

    login(other_co_chair)
    assert _report(client, action).status_code == 404
    assert "Report progress" not in client.get(f"/meetings/actions/{action.pk}/").content.decode()
    login(co_chair)
    assert "Report progress" in client.get(f"/meetings/actions/{action.pk}/").content.decode()
    assert _report(client, action).status_code == 302
    assert action.updates.get().author == co_chair


def test_an_action_of_a_restricted_meeting_answers_404_to_an_unnamed_member(cast, client, login, make_user):
    members = cast["members"]
    meeting = make_meeting(
        classification=Classification.RESTRICTED, originator=members["A"], released_to=[members["B"]]
    )
    action = make_action(meeting, title="Quiet follow-up", owner_member=members["B"])

    login(make_user("member_official", members["C"]))
    assert client.get(f"/meetings/actions/{action.pk}/").status_code == 404
    assert _report(client, action).status_code == 404
    login(make_user("member_official", members["B"]))
    assert "Quiet follow-up" in client.get(f"/meetings/actions/{action.pk}/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in_before_reporting(cast, client):
    action = make_action(make_meeting(originator=cast["members"]["A"], classification="public"), owner_member=None)
    response = _report(client, action)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ActionItemUpdate.objects.exists()


def test_progress_reports_are_kept_in_order_and_never_edited(cast, client, login, make_user):
    action = make_action(make_meeting(originator=cast["members"]["A"]), owner_member=cast["members"]["B"])
    official = make_user("member_official", cast["members"]["B"])
    login(official)

    _report(client, action, text="First: draft written.", status="in_progress")
    _report(client, action, text="Second: adopted by the ministry.", status="done")
    action.refresh_from_db()
    first, second = ActionItemUpdate.objects.filter(action_item=action).order_by("created_at", "id")
    assert action.status == "done" and action.completed_on == timezone.localdate()
    _report(client, action, text="Third: reopened, the law changed.", status="open")

    action.refresh_from_db()
    assert action.status == "open" and action.completed_on is None
    assert (first.status_before, first.status_after) == ("open", "in_progress")
    assert (second.status_before, second.status_after) == ("in_progress", "done")
    first.refresh_from_db()
    assert first.text == "First: draft written."  # a later report changes nothing before it
    page = client.get(f"/meetings/actions/{action.pk}/").content.decode()
    assert page.index("First: draft written.") < page.index("Second: adopted") < page.index("Third: reopened")
    assert "/edit" not in page.split('id="history"')[1].split('id="progress"')[0]
    assert AuditEvent.objects.filter(verb="action.progress", target_id=str(action.pk)).count() == 3


def test_an_empty_progress_report_is_refused_and_changes_nothing(cast, client, login, make_user):
    action = make_action(make_meeting(originator=cast["members"]["A"]), owner_member=cast["members"]["B"])
    login(make_user("member_official", cast["members"]["B"]))

    response = _report(client, action, text="   ", status="done")

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    action.refresh_from_db()
    assert action.status == "open" and not action.updates.exists()


def test_open_actions_carry_forward_to_the_next_meeting_of_the_series_until_done(cast, client, login, make_user):
    first, second = _series_pair(cast)
    unrelated = make_meeting(title="Another series", series=make_series(), number=1, originator=cast["members"]["A"])
    action = make_action(first, title="Publish the regional guide", owner_member=cast["members"]["B"])
    make_action(first, title="Already done thing", owner_member=cast["members"]["B"], status="done")
    official = make_user("member_official", cast["members"]["B"])
    login(official)

    next_page = client.get(f"/meetings/{second.pk}/").content.decode()
    assert "Carried forward from earlier meetings of the series" in next_page
    assert "Publish the regional guide" in next_page
    assert "Already done thing" not in next_page
    assert "Publish the regional guide" not in client.get(f"/meetings/{unrelated.pk}/").content.decode()

    _report(client, action, text="Published.", status="done")

    next_page = client.get(f"/meetings/{second.pk}/").content.decode()
    assert "Publish the regional guide" not in next_page
    # It stays where it was agreed, marked done.
    assert "Publish the regional guide" in client.get(f"/meetings/{first.pk}/").content.decode()
    assert ActionItem.objects.count() == 2  # derived by query, nothing copied


def test_overdue_actions_are_marked_in_words(cast, client, login, make_user):
    meeting = make_meeting(originator=cast["members"]["A"])
    yesterday = timezone.localdate() - timedelta(days=1)
    late = make_action(meeting, title="Late thing", owner_member=cast["members"]["B"], due_on=yesterday)
    make_action(meeting, title="Done thing", owner_member=cast["members"]["B"], due_on=yesterday, status="done")
    make_action(meeting, title="Future thing", owner_member=cast["members"]["B"], due_on=yesterday + timedelta(days=9))
    login(make_user("member_official", cast["members"]["B"]))

    detail = client.get(f"/meetings/actions/{late.pk}/").content.decode()
    listing = client.get("/meetings/actions/?status=all").content.decode()
    overdue_only = client.get("/meetings/actions/?overdue=on").content.decode()

    assert "Overdue" in detail and "is still open" in detail
    assert listing.count('class="badge overdue"') == 1
    assert '<tr class="overdue">' in listing
    assert "Late thing" in overdue_only and "Done thing" not in overdue_only and "Future thing" not in overdue_only


def test_the_action_list_filters_by_owner_status_meeting_and_series(cast, client, login, make_user):
    members = cast["members"]
    first, second = _series_pair(cast)
    make_action(first, title="Mine to do", owner_member=members["B"])
    make_action(first, title="Theirs to do", owner_member=members["C"])
    make_action(second, title="Group to do", owner_body=cast["body"])
    make_action(make_meeting(originator=members["A"]), title="RSO to do")
    make_action(second, title="Mine finished", owner_member=members["B"], status="done")
    co_chair = make_user("wg_co_chair", members["B"])
    co_chair.chaired_bodies.set([cast["body"]])
    login(co_chair)

    def titles(query):
        page = client.get(f"/meetings/actions/?{query}").content.decode()
        return {t for t in ("Mine to do", "Theirs to do", "Group to do", "RSO to do", "Mine finished") if t in page}

    assert titles("") == {"Mine to do", "Theirs to do", "Group to do", "RSO to do"}
    assert titles("owner=mine") == {"Mine to do", "Group to do"}
    assert titles("owner=mine&status=all") == {"Mine to do", "Group to do", "Mine finished"}
    assert titles("status=done") == {"Mine finished"}
    assert titles("owner=rso") == {"RSO to do"}
    assert titles("owner=member:C") == {"Theirs to do"}
    assert titles(f"meeting={second.pk}&status=all") == {"Group to do", "Mine finished"}
    assert titles(f"series={first.series.code}") == {"Mine to do", "Theirs to do", "Group to do"}
    assert titles("group=WGX") == {"Mine to do", "Theirs to do", "Group to do"}
    login(make_user("rso_staff"))
    assert titles("owner=mine") == {"RSO to do"}


def test_the_action_list_shows_only_what_the_reader_may_see(cast, client, login, make_user):
    members = cast["members"]
    restricted = make_meeting(classification="restricted", originator=members["A"], released_to=[members["B"]])
    make_action(restricted, title="Named members only", owner_member=members["B"])
    make_action(make_meeting(classification="secretariat"), title="RSO eyes only")
    make_action(make_meeting(classification="public"), title="Everyone may know")

    anonymous = client.get("/meetings/actions/").content.decode()
    login(make_user("member_official", members["C"]))
    unrelated = client.get("/meetings/actions/").content.decode()

    assert "Everyone may know" in anonymous and "Named members only" not in anonymous
    assert "Everyone may know" in unrelated
    assert "Named members only" not in unrelated and "RSO eyes only" not in unrelated


def test_the_action_list_needs_a_fixed_number_of_queries(cast, client, login, make_user, django_assert_max_num_queries):
    members = cast["members"]
    meeting = make_meeting(originator=members["A"], series=make_series(), number=1)
    user = make_user("wg_co_chair", members["B"])
    user.chaired_bodies.set([cast["body"]])
    login(user)
    for number in range(3):
        make_action(meeting, title=f"Action {number}", owner_member=members["B"])
    make_action(meeting, title="Group action", owner_body=cast["body"])
    client.get("/meetings/actions/")
    with django_assert_max_num_queries(16) as few:
        client.get("/meetings/actions/")
    for number in range(30):
        make_action(meeting, title=f"More {number}", owner_body=cast["body"], due_on=date(2030, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/meetings/actions/")
    assert "More 29" in response.content.decode()


def test_the_actions_panel_needs_at_most_three_queries(cast, make_user, django_assert_max_num_queries):
    first, second = _series_pair(cast)
    for number in range(5):
        make_action(first, title=f"Carried {number}", owner_body=cast["body"])
        make_action(second, title=f"Own {number}", owner_member=cast["members"]["B"])
    user = make_user("wg_co_chair", cast["members"]["B"])
    user.chaired_bodies.set([cast["body"]])
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load meetings_followup %}{% actions_panel meeting %}")

    with django_assert_max_num_queries(3):
        html = template.render(Context({"request": request, "meeting": second}))
    assert "Carried 4" in html and "Own 4" in html
    assert html.count("Report progress") == 5  # the co-chair reports for the group's actions only


def test_the_home_page_counts_my_overdue_actions(cast, client, login, make_user):
    meeting = make_meeting(originator=cast["members"]["A"])
    make_action(
        meeting,
        title="Ours, overdue",
        owner_member=cast["members"]["B"],
        due_on=timezone.localdate() - timedelta(days=3),
    )
    make_action(meeting, title="Someone else's", owner_member=cast["members"]["C"])

    assert "What needs you" not in client.get("/").content.decode()
    login(make_user("member_official", cast["members"]["B"]))
    home = client.get("/").content.decode()

    assert 'data-need="meetings.actions_overdue"' in home and "Overdue action items" in home
    assert "Someone else&#x27;s" not in home and "Someone else's" not in home

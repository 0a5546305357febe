"""Working-group workspaces: public pages about a body, each list in them filtered by the policy;
the forward work plan kept by the group's co-chairs and the RSO."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bphub.core.models import AuditEvent, Classification
from bphub.meetings.models import Meeting, WorkPlanItem
from bphub.meetings.testing import make_action, make_document, make_meeting
from bphub.members.models import Body, BodyMembership, Member


@pytest.fixture
def cast(db):
    members = {c: Member.objects.create(code=c, name={"en": f"Member {c}"}, kind=Member.Kind.STATE) for c in "ABCD"}
    body = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=members["A"], body=body, role="co_chair", valid_from=date(2020, 1, 1))
    BodyMembership.objects.create(member=members["B"], body=body, valid_from=date(2020, 1, 1))
    BodyMembership.objects.create(
        member=members["D"], body=body, valid_from=date(2015, 1, 1), valid_to=date(2019, 1, 1)
    )
    return {"members": members, "body": body}


def test_the_group_list_shows_the_groups_that_have_a_workspace(cast, client):
    Body.objects.create(code="RSO", name={"en": "Regional Support Office"}, kind=Body.Kind.SECRETARIAT)
    Body.objects.create(code="TFX", name={"en": "Task Force X"}, kind=Body.Kind.TASK_FORCE)

    page = client.get("/meetings/groups/").content.decode()

    assert "Working Group X" in page and "Task Force X" in page
    assert "Regional Support Office</a>" not in page
    assert client.get("/meetings/groups/RSO/").status_code == 404
    assert client.get("/meetings/groups/NOPE/").status_code == 404


def test_the_workspace_shows_todays_members_and_co_chairs(cast, client):
    page = client.get("/meetings/groups/WGX/").content.decode()
    people = page.split('id="people-heading"')[1].split("</section>")[0]

    assert "Co-chairs" in people and "Member A" in people
    assert ">B</a>" in people
    assert ">D</a>" not in people  # a past seat


def test_every_list_of_the_workspace_is_filtered_by_the_policy(cast, client, login, make_user):
    members, body = cast["members"], cast["body"]
    soon = timezone.now() + timedelta(days=20)
    open_meeting = make_meeting(title="Open plenary", group=body, originator=members["A"], starts_at=soon)
    quiet = make_meeting(
        title="Quiet consultation",
        group=body,
        classification=Classification.RESTRICTED,
        originator=members["A"],
        released_to=[members["B"]],
        starts_at=soon,
    )
    make_meeting(
        title="Old public session",
        group=body,
        classification="public",
        starts_at=timezone.now() - timedelta(days=200),
        status=Meeting.Status.CLOSED,
    )
    make_document(open_meeting, title="Shared concept note")
    make_document(quiet, title="Quiet paper")
    make_action(open_meeting, title="Open follow-up", owner_body=body)
    make_action(quiet, title="Quiet follow-up", owner_member=members["B"])

    def page_for(user):
        if user is None:
            client.logout()
        else:
            login(user)
        return client.get("/meetings/groups/WGX/").content.decode()

    unrelated = page_for(make_user("member_official", members["C"]))
    named = page_for(make_user("member_official", members["B"]))
    anonymous = page_for(None)

    for hidden in ("Quiet consultation", "Quiet paper", "Quiet follow-up"):
        assert hidden not in unrelated
        assert hidden in named
    for shown in ("Open plenary", "Shared concept note", "Open follow-up"):
        assert shown in unrelated
        assert shown not in anonymous
    assert "Old public session" in anonymous and "Past meetings" in anonymous


def test_the_workspace_needs_a_fixed_number_of_queries(cast, client, login, make_user, django_assert_max_num_queries):
    body = cast["body"]
    login(make_user("member_official", cast["members"]["B"]))
    meeting = make_meeting(group=body, originator=cast["members"]["A"])
    make_document(meeting)
    make_action(meeting, owner_body=body)
    WorkPlanItem.objects.create(group=body, title={"en": "Study"}, period="2026")
    client.get("/meetings/groups/WGX/")
    with django_assert_max_num_queries(20) as few:
        client.get("/meetings/groups/WGX/")
    for number in range(8):
        other = make_meeting(title=f"Meeting {number}", group=body, originator=cast["members"]["A"])
        make_document(other, title=f"Paper {number}")
        make_action(other, title=f"Follow-up {number}", owner_body=body)
        WorkPlanItem.objects.create(group=body, title={"en": f"Activity {number}"}, period="2027")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/meetings/groups/WGX/").content.decode()
    assert "Follow-up 7" in page and "Paper 7" in page and "Activity 7" in page


def _plan_post(rows, extra=0):
    data = {"form-TOTAL_FORMS": str(len(rows) + extra), "form-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id")))}
    data.update({"form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "200"})
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = value
    return data


def test_the_co_chairs_and_the_rso_keep_the_work_plan(cast, client, login, make_user):
    body = cast["body"]
    co_chair = make_user("wg_co_chair", cast["members"]["A"])
    co_chair.chaired_bodies.set([body])
    login(co_chair)

    assert client.get("/meetings/groups/WGX/work-plan/").status_code == 200
    response = client.post(
        "/meetings/groups/WGX/work-plan/",
        _plan_post(
            [
                {
                    "title_0": "Regional study on document fraud",
                    "period": "2026 Q3",
                    "lead": "Member A",
                    "status": "planned",
                },
                {"title_0": "Training for border officials", "period": "2027", "lead": "", "status": "under_way"},
            ]
        ),
    )

    assert response.status_code == 302
    first, second = WorkPlanItem.objects.filter(group=body)
    assert first.title == {"en": "Regional study on document fraud"} and first.position == 0
    assert second.status == "under_way"
    page = client.get("/meetings/groups/WGX/").content.decode()
    assert page.index("Regional study on document fraud") < page.index("Training for border officials")

    login(make_user("rso_staff"))
    response = client.post(
        "/meetings/groups/WGX/work-plan/",
        _plan_post(
            [
                {
                    "id": str(first.pk),
                    "title_0": "Regional study on document fraud",
                    "period": "2026 Q4",
                    "status": "done",
                },
                {
                    "id": str(second.pk),
                    "title_0": "Training for border officials",
                    "period": "2027",
                    "status": "under_way",
                    "DELETE": "on",
                },
            ]
        ),
    )
    assert response.status_code == 302
    assert list(WorkPlanItem.objects.filter(group=body).values_list("period", "status")) == [("2026 Q4", "done")]
    changes = [event.data["changes"] for event in AuditEvent.objects.filter(verb="workplan.changed")]
    assert [change["change"] for change in changes[0]] in (["changed", "removed"], ["added", "added"])
    assert len(changes) == 2


def test_others_cannot_edit_the_work_plan_and_bad_rows_change_nothing(cast, client, login, make_user):
    body = cast["body"]
    other_co_chair = make_user("wg_co_chair", cast["members"]["B"])
    login(make_user("member_coordinator", cast["members"]["A"]))
    assert client.get("/meetings/groups/WGX/work-plan/").status_code == 404
    login(other_co_chair)
    assert (
        client.post(
            "/meetings/groups/WGX/work-plan/",
            _plan_post([{"title_0": "Sneaky", "period": "2026", "status": "planned"}]),
        ).status_code
        == 404
    )
    assert "Edit the work plan" not in client.get("/meetings/groups/WGX/").content.decode()

    login(make_user("rso_admin"))
    response = client.post(
        "/meetings/groups/WGX/work-plan/",
        _plan_post(
            [
                {"title_0": "Fine row", "period": "2026", "status": "planned"},
                {"title_0": "No period given", "period": "", "status": "planned"},
            ]
        ),
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not WorkPlanItem.objects.filter(group=body).exists()


def test_a_forged_form_count_is_refused_without_building_the_forms(cast, client, login, make_user):
    from bphub.meetings.models import WorkPlanItem

    login(make_user("rso_admin"))
    data = _plan_post([{"title_0": "One row", "period": "2026", "status": "planned"}])
    data["form-TOTAL_FORMS"] = "9" * 21
    response = client.post("/meetings/groups/WGX/work-plan/", data)
    assert response.status_code == 400  # the page again, with the reason
    assert "Please submit at most 200 forms." in response.content.decode()
    assert not WorkPlanItem.objects.exists()

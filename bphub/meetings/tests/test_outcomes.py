"""Outcomes: recorded by a meeting's managers, never wider than the meeting, edits kept in history."""

from datetime import date

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from bphub.core.models import AuditEvent, Classification
from bphub.meetings.models import Meeting, Outcome
from bphub.meetings.testing import make_meeting, make_outcome
from bphub.members.models import Body, BodyMembership, Member


@pytest.fixture
def cast(db):
    members = {c: Member.objects.create(code=c, name={"en": f"Member {c}"}, kind=Member.Kind.STATE) for c in "ABC"}
    body = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=members["B"], body=body, valid_from=date(2020, 1, 1))
    return {"members": members, "body": body}


def _post_outcome(client, meeting, **fields):
    data = {"kind": "decision", "text_0": "The group agreed to meet in Bali.", "classification": meeting.classification}
    data.update(fields)
    return client.post(f"/meetings/{meeting.pk}/outcomes/new/", data)


def test_the_rso_records_an_outcome_that_shows_on_the_meeting_page(cast, client, login, make_user):
    meeting = make_meeting(originator=cast["members"]["A"], group=cast["body"])
    rso = make_user("rso_staff")
    login(rso)
    before = meeting.updated_at

    response = _post_outcome(client, meeting)

    assert response.status_code == 302
    outcome = Outcome.objects.get(meeting=meeting)
    assert outcome.text == {"en": "The group agreed to meet in Bali."}
    assert outcome.classification == Classification.MEMBERS
    assert outcome.created_by == rso
    assert AuditEvent.objects.filter(verb="outcome.created", target_id=str(outcome.pk), actor=rso).exists()
    meeting.refresh_from_db()
    assert meeting.updated_at > before
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "The group agreed to meet in Bali." in page
    assert "Decision" in page


def test_an_outcome_cannot_be_read_more_widely_than_its_meeting(cast, client, login, make_user):
    meeting = make_meeting(classification=Classification.BODY, originator=cast["members"]["A"], body=cast["body"])
    login(make_user("rso_admin"))

    form_page = client.get(f"/meetings/{meeting.pk}/outcomes/new/").content.decode()
    response = _post_outcome(client, meeting, classification=Classification.MEMBERS)

    assert 'value="members"' not in form_page and 'value="restricted"' in form_page
    assert response.status_code == 400
    assert "Who may read it" in response.content.decode()
    assert not Outcome.objects.exists()


def test_a_wider_outcome_is_refused_by_the_model_too(cast, make_user):
    from django.core.exceptions import ValidationError

    from bphub.meetings.services.outcomes import outcome_create

    meeting = make_meeting(classification=Classification.RESTRICTED, originator=cast["members"]["A"])
    with pytest.raises(ValidationError) as error:
        outcome_create(
            meeting=meeting, kind="decision", text={"en": "x"}, classification="public", actor=make_user("rso_staff")
        )
    assert "classification" in error.value.message_dict
    assert not Outcome.objects.exists()


def test_a_restricted_outcome_goes_to_the_meeting_named_members_and_no_further(cast, client, login, make_user):
    members = cast["members"]
    meeting = make_meeting(
        classification=Classification.RESTRICTED, originator=members["A"], released_to=[members["B"]]
    )
    login(make_user("rso_staff"))

    refused = _post_outcome(client, meeting, classification="restricted", released_to=["C"])
    accepted = _post_outcome(client, meeting, classification="restricted")

    assert refused.status_code == 400
    assert "The meeting is not released to C" in refused.content.decode()
    assert accepted.status_code == 302
    outcome = Outcome.objects.get()
    assert list(outcome.released_to.all()) == [members["B"]]


def test_only_the_meeting_managers_record_outcomes(cast, client, login, make_user):
    meeting = make_meeting(originator=cast["members"]["A"], group=cast["body"])
    co_chair = make_user("wg_co_chair", cast["members"]["B"])
    co_chair.chaired_bodies.set([cast["body"]])
    other_co_chair = make_user("wg_co_chair", cast["members"]["A"])

    login(make_user("member_coordinator", cast["members"]["A"]))
    assert _post_outcome(client, meeting).status_code == 404
    login(other_co_chair)
    assert _post_outcome(client, meeting).status_code == 404
    assert not Outcome.objects.exists()
    login(co_chair)
    assert _post_outcome(client, meeting).status_code == 302
    assert Outcome.objects.count() == 1


def test_editing_a_published_outcome_keeps_what_it_said_before(cast, client, login, make_user):
    meeting = make_meeting(originator=cast["members"]["A"], status=Meeting.Status.OUTCOMES_PUBLISHED)
    outcome = make_outcome(meeting, text="Meet again in 2027.")
    rso = make_user("rso_staff")
    login(rso)

    response = client.post(
        f"/meetings/outcomes/{outcome.pk}/edit/",
        {"kind": "decision", "text_0": "Meet again in 2028.", "classification": "members"},
    )

    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.text == {"en": "Meet again in 2028."}
    event = AuditEvent.objects.get(verb="outcome.updated", target_id=str(outcome.pk))
    assert event.data["before"]["text"] == {"en": "Meet again in 2027."}
    assert event.data["after"]["text"] == {"en": "Meet again in 2028."}
    assert event.data["after_publication"] is True
    history = client.get(f"/meetings/outcomes/{outcome.pk}/edit/").content.decode()
    assert "Meet again in 2027." in history and "after publication" in history


def test_the_outcomes_panel_shows_only_what_the_reader_may_see_grouped_by_kind(cast, client, login, make_user):
    members = cast["members"]
    meeting = make_meeting(originator=members["A"], status=Meeting.Status.OUTCOMES_PUBLISHED)
    make_outcome(meeting, kind=Outcome.Kind.RECOMMENDATION, text="Share data on smuggling routes.")
    secret = make_outcome(meeting, text="Fund the hotline quietly.", classification=Classification.RESTRICTED)
    secret.released_to.set([members["B"]])

    login(make_user("member_official", members["C"]))
    unrelated = client.get(f"/meetings/{meeting.pk}/").content.decode()
    login(make_user("member_official", members["B"]))
    named = client.get(f"/meetings/{meeting.pk}/").content.decode()

    assert "Share data on smuggling routes." in unrelated and "Recommendation" in unrelated
    assert "Fund the hotline quietly." not in unrelated
    assert "Fund the hotline quietly." in named


def test_the_outcomes_panel_needs_at_most_three_queries(cast, make_user, django_assert_max_num_queries):
    meeting = make_meeting(
        originator=cast["members"]["A"], group=cast["body"], status=Meeting.Status.OUTCOMES_PUBLISHED
    )
    for number in range(5):
        make_outcome(meeting, text=f"Outcome {number}")
    user = make_user("wg_co_chair", cast["members"]["B"])
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load meetings_followup %}{% outcomes_panel meeting %}")

    with django_assert_max_num_queries(3):
        html = template.render(Context({"request": request, "meeting": meeting}))
    assert "Outcome 4" in html

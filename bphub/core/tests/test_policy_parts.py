"""A part of a record is never read more widely than its parent at the moment of reading.

The policy composes a part's own rule with its parent's (`policy_parent`), so narrowing a meeting
(its release, its body, back to draft) narrows its documents, versions, outcomes, action items,
agenda and delegations with it, on every page and API route, without touching the parts.
"""

from datetime import date

import pytest

from bphub.core import policy
from bphub.core.models import Classification
from bphub.meetings.models import (
    ActionItem,
    AgendaSession,
    Delegation,
    Document,
    DocumentVersion,
    Meeting,
    Outcome,
)
from bphub.meetings.testing import (
    make_action,
    make_agenda,
    make_delegation,
    make_document,
    make_meeting,
    make_outcome,
    make_person,
)
from bphub.members.models import Body, BodyMembership, Member

R = Classification.RESTRICTED


@pytest.fixture
def world(db):
    aa, bb, cc = (Member.objects.create(code=c, name={"en": c}, kind=Member.Kind.STATE) for c in ("AA", "BB", "CC"))
    one = Body.objects.create(code="WG1", name={"en": "WG one"}, kind=Body.Kind.WORKING_GROUP)
    two = Body.objects.create(code="WG2", name={"en": "WG two"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=aa, body=one, valid_from=date(2020, 1, 1))
    BodyMembership.objects.create(member=bb, body=one, valid_from=date(2020, 1, 1))
    BodyMembership.objects.create(member=aa, body=two, valid_from=date(2020, 1, 1))
    return {"aa": aa, "bb": bb, "cc": cc, "one": one, "two": two}


@pytest.fixture
def api(client):
    from bphub.api.services import token_create

    def get(user, path):
        _token, raw = token_create(user=user, name="t")
        return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {raw}"})

    return get


def _meeting_with_parts(meeting, owner):
    document = make_document(meeting, title="Paper of the meeting", text="smuggling")
    outcome = make_outcome(meeting)
    action = make_action(meeting, title="Follow the meeting up", owner_member=owner, outcome=outcome)
    make_agenda(meeting, sessions=1, items_per_session=1)
    return document, outcome, action


def _narrowed_restricted_meeting(world):
    """Released to AA and BB, its parts made alike; then narrowed to AA alone."""
    meeting = make_meeting(
        title="Narrowed meeting",
        classification=R,
        released_to=[world["aa"], world["bb"]],
        status=Meeting.Status.OUTCOMES_PUBLISHED,
    )
    parts = _meeting_with_parts(meeting, world["bb"])
    meeting.released_to.set([world["aa"]])  # the parts keep their own release to AA and BB
    return meeting, parts


def test_narrowing_a_release_narrows_every_part(world, make_user):
    meeting, (document, outcome, action) = _narrowed_restricted_meeting(world)
    official_b = make_user("member_official", world["bb"])
    official_a = make_user("member_official", world["aa"])

    assert not policy.can_view(official_b, meeting)
    for part in (document, document.current_version, outcome, action, meeting.sessions.first()):
        assert not policy.can_view(official_b, part), part
        assert policy.can_view(official_a, part), part
    for model in (Document, DocumentVersion, Outcome, ActionItem, AgendaSession):
        assert not policy.visible_to(model.objects.all(), official_b).exists(), model
        assert policy.visible_to(model.objects.all(), official_a).exists(), model


def test_the_pages_and_the_api_answer_404_for_the_parts_of_a_narrowed_meeting(world, make_user, client, login, api):
    meeting, (document, _outcome, action) = _narrowed_restricted_meeting(world)
    official_b = make_user("member_official", world["bb"])

    assert api(official_b, f"/meetings/{meeting.pk}").status_code == 404
    assert api(official_b, f"/action-items?meeting={meeting.pk}").json()["count"] == 0
    assert api(official_b, f"/documents/{document.pk}/download").status_code == 404
    assert api(official_b, f"/action-items/{action.pk}").status_code == 404
    login(official_b)
    for path in (
        f"/meetings/{meeting.pk}/",
        f"/meetings/documents/{document.pk}/",
        f"/meetings/documents/{document.pk}/download/",
        f"/meetings/actions/{action.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    assert "Follow the meeting up" not in client.get("/meetings/actions/").content.decode()
    assert "Paper of the meeting" not in client.get("/meetings/documents/?q=smuggling").content.decode()


def test_moving_a_body_meeting_to_another_body_takes_its_parts_along(world, make_user):
    meeting = make_meeting(classification=Classification.BODY, body=world["one"], status=Meeting.Status.CLOSED)
    document, outcome, action = _meeting_with_parts(meeting, world["aa"])
    official_b = make_user("member_official", world["bb"])  # BB sits on WG1, not on WG2
    assert all(policy.can_view(official_b, part) for part in (document, outcome, action))

    Meeting.objects.filter(pk=meeting.pk).update(body=world["two"], group=world["two"])

    for part in (document, outcome, action):
        part.refresh_from_db()
        assert not policy.can_view(official_b, part)
        assert not policy.visible_to(type(part).objects.filter(pk=part.pk), official_b).exists()
    assert policy.can_view(make_user("member_official", world["aa"]), document)


def test_a_meeting_back_to_draft_hides_its_parts_but_from_its_managers(world, make_user):
    meeting = make_meeting(group=world["one"], status=Meeting.Status.OUTCOMES_PUBLISHED)
    document, outcome, action = _meeting_with_parts(meeting, world["aa"])
    delegation = make_delegation(meeting, world["aa"], status=Delegation.Status.APPROVED)
    official = make_user("member_official", world["aa"])
    co_chair = make_user("wg_co_chair", world["cc"])
    co_chair.chaired_bodies.set([world["one"]])

    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DRAFT)

    for part in (document, outcome, action, delegation):
        part.refresh_from_db()
        assert not policy.can_view(official, part), part
        assert policy.can_view(co_chair, part), part
        assert policy.can_view(make_user("rso_staff"), part), part


def test_outcomes_and_their_actions_wait_for_publication_but_for_the_managers(world, make_user):
    meeting = make_meeting(group=world["one"], status=Meeting.Status.HELD)
    outcome = make_outcome(meeting)
    action = make_action(meeting, owner_member=world["aa"], outcome=outcome)
    official = make_user("member_official", world["aa"])
    co_chair = make_user("wg_co_chair", world["cc"])
    co_chair.chaired_bodies.set([world["one"]])

    assert not policy.can_view(official, outcome) and not policy.can_view(official, action)
    assert policy.can_view(co_chair, outcome) and policy.can_view(co_chair, action)

    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.OUTCOMES_PUBLISHED)
    outcome.refresh_from_db()
    action.refresh_from_db()
    assert policy.can_view(official, outcome) and policy.can_view(official, action)


def _participant(world, make_user, meeting, member):
    person = make_user("member_official", world[member])
    make_delegation(
        meeting, world[member], status=Delegation.Status.APPROVED, people=[make_person(world[member], user=person)]
    )
    return person


def test_a_grant_never_opens_a_document_released_to_another_member(world, make_user, client, login):
    meeting = make_meeting(classification=R, released_to=[world["aa"], world["bb"]])
    only_aa = make_document(meeting, title="Only for AA", released_to=[world["aa"]], text="secretword")
    delegate_b = _participant(world, make_user, meeting, "bb")

    assert not policy.can_view(delegate_b, only_aa)
    assert not policy.visible_to(Document.objects.filter(pk=only_aa.pk), delegate_b).exists()
    login(delegate_b)
    assert client.get(f"/meetings/documents/{only_aa.pk}/download/").status_code == 404
    assert "Only for AA" not in client.get("/meetings/documents/?q=secretword").content.decode()


def test_a_grant_never_opens_a_document_of_a_meeting_the_grantee_may_not_read(world, make_user):
    meeting = make_meeting(classification=Classification.BODY, body=world["one"])
    paper = make_document(meeting, title="WG paper")
    delegate_c = _participant(world, make_user, meeting, "cc")  # CC holds no seat on WG1

    assert not policy.can_view(delegate_c, meeting)
    assert not policy.can_view(delegate_c, paper)
    assert not policy.visible_to(Document.objects.all(), delegate_c).exists()


def test_a_grant_opens_a_body_paper_of_a_meeting_the_participant_reads(world, make_user):
    """What the grant is for: a members-level meeting of WG1 with a WG1-only paper, attended by CC."""
    meeting = make_meeting(classification=Classification.MEMBERS, group=world["one"])
    paper = make_document(meeting, title="WG paper", classification=Classification.BODY, body=world["one"])
    delegate_c = _participant(world, make_user, meeting, "cc")
    colleague_c = make_user("member_official", world["cc"])

    assert policy.can_view(delegate_c, paper)
    assert list(policy.visible_to(Document.objects.all(), delegate_c)) == [paper]
    assert not policy.can_view(colleague_c, paper)
    Meeting.objects.filter(pk=meeting.pk).update(classification=R)  # narrowed past the participant
    paper.refresh_from_db()
    assert not policy.can_view(delegate_c, paper)
    assert not policy.visible_to(Document.objects.all(), delegate_c).exists()

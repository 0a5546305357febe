"""The meeting forms offer only records their user may see (issue 9).

Cast: a working-group co-chair of member A manages a meeting of the group they co-chair. Member B
has a restricted engagement list, document and outcome (not released to A); the RSO has
secretariat-only ones. None is offered by the invitation, agenda-item and action forms, and a POST
naming one is refused with the very message of an id that does not exist, changing nothing.
"""

import pytest

from bphub.core.models import Classification
from bphub.directory.models import EngagementList
from bphub.meetings.models import ActionItem, Delegation, Meeting
from bphub.meetings.testing import make_agenda, make_document, make_meeting, make_outcome
from bphub.members.models import Body, Member

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654321
HUGE = "1" + "0" * 20
UNKNOWN_CHOICE = "That choice is not one of the available choices."
HIDDEN = ("b_restricted", "secretariat")


@pytest.fixture
def cast(make_user, login):
    a = Member.objects.create(code="AA", name={"en": "Member A"}, kind=Member.Kind.STATE)
    b = Member.objects.create(code="BB", name={"en": "Member B"}, kind=Member.Kind.STATE)
    group = Body.objects.create(code="WGZ", name={"en": "Working Group Z"}, kind=Body.Kind.WORKING_GROUP)
    chair = make_user("wg_co_chair", member=a)
    chair.chaired_bodies.add(group)
    meeting = make_meeting(title="Zq Group Meeting", group=group, classification=Classification.MEMBERS)
    restricted = {"classification": Classification.RESTRICTED, "originator": b}
    secretariat = {"classification": Classification.SECRETARIAT, "originator": None}
    lists = {
        "own": EngagementList.objects.create(name="Zq Own List", classification=Classification.MEMBERS, originator=a),
        "b_restricted": EngagementList.objects.create(name="Zq Restricted List B", **restricted),
        "secretariat": EngagementList.objects.create(name="Zq Secret List", **secretariat),
    }
    documents = {
        "own": make_document(meeting, title="Zq Open Paper"),
        "b_restricted": make_document(meeting, title="Zq Restricted Paper B", **restricted),
        "secretariat": make_document(meeting, title="Zq Secret Paper", **secretariat),
    }
    outcomes = {
        "own": make_outcome(meeting, text="Zq Open Outcome"),
        "b_restricted": make_outcome(meeting, text="Zq Restricted Outcome B", **restricted),
        "secretariat": make_outcome(meeting, text="Zq Secret Outcome", **secretariat),
    }
    return {
        "client": login(chair),
        "meeting": meeting,
        "session": make_agenda(meeting, items_per_session=0)[0],
        "lists": lists,
        "documents": documents,
        "outcomes": outcomes,
    }


def test_invitation_by_list_offers_and_accepts_only_visible_lists(cast):
    client, meeting = cast["client"], cast["meeting"]
    url = f"/meetings/{meeting.pk}/invite/"

    page = client.get(url).content.decode()
    assert "Zq Own List" in page
    assert "Zq Restricted List B" not in page and "Zq Secret List" not in page

    unknown = client.post(url, {"target": "list", "l-engagement_list": NO_SUCH_ID})
    for key in HIDDEN:
        hidden = client.post(url, {"target": "list", "l-engagement_list": cast["lists"][key].pk})
        assert hidden.status_code == unknown.status_code
        assert UNKNOWN_CHOICE in hidden.content.decode()
        assert hidden.context["forms"]["list"].errors == unknown.context["forms"]["list"].errors
    assert not Delegation.objects.filter(meeting=meeting).exists()


def test_agenda_item_offers_and_accepts_only_visible_documents(cast):
    client, meeting = cast["client"], cast["meeting"]
    url = f"/meetings/{meeting.pk}/agenda/sessions/{cast['session'].pk}/items/new/"

    page = client.get(url).content.decode()
    assert "Zq Open Paper" in page
    assert "Zq Restricted Paper B" not in page and "Zq Secret Paper" not in page

    data = {"title_0": "Zq New Item"}
    unknown = client.post(url, {**data, "documents": [NO_SUCH_ID]})
    for key in HIDDEN:
        hidden = client.post(url, {**data, "documents": [cast["documents"][key].pk]})
        assert UNKNOWN_CHOICE.removeprefix("That choice") in hidden.content.decode()
        assert str(hidden.context["form"].errors["documents"]) == str(
            unknown.context["form"].errors["documents"]
        ).replace(str(NO_SUCH_ID), str(cast["documents"][key].pk))
    assert not cast["session"].items.exists()


def test_action_offers_and_accepts_only_visible_outcomes(cast):
    client, meeting = cast["client"], cast["meeting"]
    url = f"/meetings/{meeting.pk}/actions/new/"

    page = client.get(url).content.decode()
    assert "Zq Open Outcome" in page
    assert "Zq Restricted Outcome B" not in page and "Zq Secret Outcome" not in page

    data = {"title_0": "Zq Act", "owner_kind": ActionItem.Owner.RSO, "classification": Classification.MEMBERS}
    unknown = client.post(url, {**data, "outcome": NO_SUCH_ID})
    for key in HIDDEN:
        hidden = client.post(url, {**data, "outcome": cast["outcomes"][key].pk})
        assert hidden.status_code == unknown.status_code == 400
        assert hidden.context["form"].errors["outcome"] == unknown.context["form"].errors["outcome"]
        assert UNKNOWN_CHOICE in hidden.content.decode()
    assert not ActionItem.objects.exists()


def test_out_of_range_ids_in_meeting_forms_are_ordinary_errors(cast):
    client, meeting = cast["client"], cast["meeting"]

    invite = client.post(f"/meetings/{meeting.pk}/invite/", {"target": "members", "m-members": [HUGE]})
    action = client.get(f"/meetings/{meeting.pk}/actions/new/", {"outcome": HUGE})
    actions = client.get("/meetings/actions/", {"meeting": HUGE})

    assert invite.status_code == 200 and "is not one of the available choices" in invite.content.decode()
    assert action.status_code == 200
    assert actions.status_code == 200


def test_delegate_search_does_not_name_an_agency_the_coordinator_may_not_see(make_user, login):
    from bphub.directory.testing import make_agency, make_focal_point
    from bphub.meetings.testing import make_delegation

    a = Member.objects.create(code="AA", name={"en": "Member A"}, kind=Member.Kind.STATE)
    secret_unit = make_agency(a, name="Zq Secret Unit", classification=Classification.SECRETARIAT)
    make_focal_point(a, full_name="Zq Candidate Person", agency=secret_unit)
    meeting = make_meeting(title="Zq Meeting", status=Meeting.Status.REGISTRATION_OPEN)
    make_delegation(meeting, a)
    client = login(make_user("member_coordinator", member=a))

    page = client.get(f"/meetings/{meeting.pk}/delegations/AA/", {"q": "candidate"}).content.decode()

    assert "Zq Candidate Person" in page
    assert "Zq Secret Unit" not in page

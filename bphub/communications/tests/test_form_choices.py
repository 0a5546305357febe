"""The announcement form offers only engagement lists and meetings the author may see (issue 9).

Cast: a coordinator of member A announces to an engagement list; member B has a restricted list
and meeting (not released to A), and the RSO a secretariat-only list and meeting. None is offered,
and a POST naming one is refused with the very message of an id that does not exist.
"""

import pytest

from bphub.communications.models import Announcement
from bphub.core.models import Classification
from bphub.directory.models import EngagementList
from bphub.meetings.testing import make_meeting
from bphub.members.models import Member

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654321
UNKNOWN_CHOICE = "That choice is not one of the available choices."


@pytest.fixture
def cast():
    a = Member.objects.create(code="AA", name={"en": "Member A"}, kind=Member.Kind.STATE)
    b = Member.objects.create(code="BB", name={"en": "Member B"}, kind=Member.Kind.STATE)

    def engagement_list(name, classification, originator):
        return EngagementList.objects.create(name=name, classification=classification, originator=originator)

    return {
        "lists": {
            "own": engagement_list("Zq Own List", Classification.MEMBERS, a),
            "b_restricted": engagement_list("Zq Restricted List B", Classification.RESTRICTED, b),
            "secretariat": engagement_list("Zq Secret List", Classification.SECRETARIAT, None),
        },
        "meetings": {
            "own": make_meeting(title="Zq Open Meeting", classification=Classification.MEMBERS),
            "b_restricted": make_meeting(
                title="Zq Restricted Meeting B", classification=Classification.RESTRICTED, originator=b
            ),
            "secretariat": make_meeting(title="Zq Secret Meeting", classification=Classification.SECRETARIAT),
        },
        "a": a,
    }


@pytest.fixture
def coordinator_client(cast, make_user, login):
    return login(make_user("member_coordinator", member=cast["a"]))


def _announce(client, *, engagement_list, meeting=""):
    return client.post(
        "/news/new/",
        {
            "title_0": "Hello",
            "text_0": "Text",
            "audience": "list",
            "audience_list": engagement_list,
            "meeting": meeting,
        },
    )


def test_only_lists_and_meetings_the_author_may_see_are_offered(cast, coordinator_client):
    page = coordinator_client.get("/news/new/").content.decode()

    assert "Zq Own List" in page and "Zq Open Meeting" in page
    for name in ("Zq Restricted List B", "Zq Secret List", "Zq Restricted Meeting B", "Zq Secret Meeting"):
        assert name not in page


@pytest.mark.parametrize("key", ["b_restricted", "secretariat"])
def test_a_hidden_list_is_refused_like_an_unknown_one(cast, coordinator_client, key):
    unknown = _announce(coordinator_client, engagement_list=NO_SUCH_ID)
    hidden = _announce(coordinator_client, engagement_list=cast["lists"][key].pk)

    assert hidden.context["form"].errors["audience_list"] == unknown.context["form"].errors["audience_list"]
    assert UNKNOWN_CHOICE in hidden.content.decode()
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("key", ["b_restricted", "secretariat"])
def test_a_hidden_meeting_is_refused_like_an_unknown_one(cast, coordinator_client, key):
    own_list = cast["lists"]["own"].pk
    unknown = _announce(coordinator_client, engagement_list=own_list, meeting=NO_SUCH_ID)
    hidden = _announce(coordinator_client, engagement_list=own_list, meeting=cast["meetings"][key].pk)

    assert hidden.context["form"].errors["meeting"] == unknown.context["form"].errors["meeting"]
    assert UNKNOWN_CHOICE in hidden.content.decode()
    assert not Announcement.objects.exists()


def test_an_out_of_range_id_is_an_unknown_choice_too(cast, coordinator_client):
    response = _announce(coordinator_client, engagement_list="1" + "0" * 20)

    assert response.status_code == 200
    assert UNKNOWN_CHOICE in response.content.decode()

"""GET /api/v1/me/needs: the home page's "What needs you" list, the same items from the same code."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bphub.core.tests.home_needs import home_needs
from bphub.meetings.models import Delegation, Meeting
from bphub.meetings.testing import make_action, make_delegation, make_meeting
from bphub.members.models import Member

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/me/needs"


@pytest.fixture
def waiting(db):
    """Member AA invited to an open meeting and late with an action; BB late with one too."""
    aa, bb = (
        Member.objects.create(code=code, name={"en": f"Member {code}"}, kind=Member.Kind.STATE) for code in ("AA", "BB")
    )
    now = timezone.now()
    meeting = make_meeting(
        title="Open meeting",
        status=Meeting.Status.REGISTRATION_OPEN,
        starts_at=now + timedelta(days=20),
        nomination_deadline=now + timedelta(days=6),
    )
    make_delegation(meeting, aa, status=Delegation.Status.INVITED)
    earlier = make_meeting(title="Earlier meeting", starts_at=now - timedelta(days=30))
    today = timezone.localdate()
    make_action(earlier, title="AA's late action", owner_member=aa, due_on=today - timedelta(days=2))
    make_action(earlier, title="AA's other late action", owner_member=aa, due_on=today - timedelta(days=8))
    make_action(earlier, title="BB's late action", owner_member=bb, due_on=today - timedelta(days=2))
    return {"AA": aa, "BB": bb, "meeting": meeting}


def test_the_api_lists_what_the_home_page_lists(waiting, make_user, login, bearer):
    # given
    coordinator = make_user("member_coordinator", waiting["AA"], time_zone="Asia/Jakarta")

    # when
    response = Client().get(NEEDS, headers=bearer(coordinator))
    page = home_needs(login(coordinator, Client()))

    # then: same items, same order, same counts, same places to act
    assert response.status_code == 200
    items = response.json()
    assert [(i["key"], i["title"], i["count"]) for i in items] == [(n.key, n.title, n.count) for n in page.needs]
    assert [i["url"] for i in items] == [f"http://testserver{n.url}" for n in page.needs]
    overdue, nominate = items
    assert (overdue["key"], overdue["count"], overdue["severity"]) == ("meetings.actions_overdue", 2, "overdue")
    assert overdue["due_on"] == (timezone.localdate() - timedelta(days=8)).isoformat() and overdue["due_at"] is None
    assert nominate["key"] == "meetings.delegation_to_nominate" and nominate["severity"] is None
    assert nominate["note"] == "Delegation: Invited" and nominate["due_label"] == "Nominations close"
    deadline = timezone.localtime(waiting["meeting"].nomination_deadline)
    assert nominate["due_at"].startswith(deadline.strftime("%Y-%m-%dT%H:%M"))


def test_a_signed_in_session_reads_the_same_list(waiting, make_user, login):
    official = make_user("member_official", waiting["BB"])
    client = login(official, Client())

    items = client.get(NEEDS).json()

    assert [(i["key"], i["count"]) for i in items] == [("meetings.actions_overdue", 1)]


def test_nothing_waiting_is_an_empty_list_and_no_credentials_a_401(db, make_user, bearer):
    assert Client().get(NEEDS, headers=bearer(make_user("researcher"))).json() == []
    response = Client().get(NEEDS)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_the_route_is_documented_with_its_own_components(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/me/needs"]["get"]

    assert operation["operationId"] == "my_needs"
    assert {"200", "401", "422", "429"} <= set(operation["responses"])
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"].endswith("/NeedOut")
    assert {"key", "title", "count", "due_on", "due_at", "severity", "url"} <= set(
        schema["components"]["schemas"]["NeedOut"]["properties"]
    )

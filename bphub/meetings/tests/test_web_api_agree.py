"""The web pages and the API give every reader the same answer, because both ask the one policy.

For each of the eight roles of the authorization matrix: which delegations of a meeting they see
(the delegation list and the participant list on the web, `/meetings/{id}/delegations` in the API),
which drafts they open, and which outcomes they read (published or not).
"""

from datetime import date

import pytest

from bphub.core.authz import ROLES
from bphub.core.models import Classification
from bphub.meetings.models import Delegation, Meeting
from bphub.meetings.testing import make_delegation, make_meeting, make_outcome, make_person
from bphub.members.models import Body, BodyMembership, Member

STATUSES = {
    "ZQA": Delegation.Status.INVITED,  # the readers' own member
    "ZQB": Delegation.Status.APPROVED,
    "ZQC": Delegation.Status.SUBMITTED,
    "ZQD": Delegation.Status.RETURNED,
    "ZQE": Delegation.Status.DECLINED,
    "ZQF": Delegation.Status.APPROVED,  # nobody named yet: not on the participant list
}


@pytest.fixture
def world(db):
    members = {code: Member.objects.create(code=code, name={"en": f"Land {code}"}, kind="state") for code in STATUSES}
    chaired = Body.objects.create(code="WGC", name={"en": "Chaired WG"}, kind=Body.Kind.WORKING_GROUP)
    other = Body.objects.create(code="WGO", name={"en": "Other WG"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=members["ZQA"], body=chaired, valid_from=date(2020, 1, 1))
    return {"members": members, "chaired": chaired, "other": other}


@pytest.fixture
def reader(world, make_user, client):
    """A signed-in client (web) and token headers (API) for `role`; the co-chair chairs WGC."""
    from bphub.accounts.testing import force_login_with_mfa
    from bphub.api.services import token_create

    def make(role):
        if role == "anonymous":
            return None, {}
        member = world["members"]["ZQA"] if role in {"member_coordinator", "member_official", "wg_co_chair"} else None
        user = make_user(role, member)
        if role == "wg_co_chair":
            user.chaired_bodies.set([world["chaired"]])
        force_login_with_mfa(client, user)
        _token, raw = token_create(user=user, name="agree")
        return user, {"Authorization": f"Bearer {raw}"}

    return make


def _meeting_with_delegations(world, group, status=Meeting.Status.REGISTRATION_OPEN):
    meeting = make_meeting(classification=Classification.PUBLIC, group=group, status=status)
    for code, delegation_status in STATUSES.items():
        member = world["members"][code]
        people = [] if code == "ZQF" else [make_person(member)]
        make_delegation(meeting, member, status=delegation_status, people=people)
    return meeting


def _web_delegations(client, meeting) -> set[str]:
    shown = set()
    page = client.get(f"/meetings/{meeting.pk}/delegations/")
    if page.status_code == 200:
        shown |= {code for code in STATUSES if f"({code})</span>" in page.content.decode()}
    page = client.get(f"/meetings/{meeting.pk}/participants/")
    if page.status_code == 200:
        shown |= {code for code in STATUSES if f"<td>{code}</td>" in page.content.decode()}
    return shown


def _api_delegations(client, meeting, headers) -> set[str]:
    response = client.get(f"/api/v1/meetings/{meeting.pk}/delegations", headers=headers)
    return {row["member"] for row in response.json()["results"]} if response.status_code == 200 else set()


@pytest.mark.parametrize("role", ROLES)
def test_web_and_api_show_the_same_delegations(world, reader, client, role):
    managed = _meeting_with_delegations(world, world["chaired"])
    unmanaged = _meeting_with_delegations(world, world["other"])
    _user, headers = reader(role)

    for meeting in (managed, unmanaged):
        web = _web_delegations(client, meeting)
        api = _api_delegations(client, meeting, headers)
        assert web == api, (role, meeting.group.code, web, api)
        assert {"ZQB", "ZQF"} <= api  # the approved delegations, for every reader of the meeting
    runs = role in {"rso_admin", "rso_staff"}
    assert (_api_delegations(client, managed, headers) == set(STATUSES)) == (runs or role == "wg_co_chair")
    assert (_api_delegations(client, unmanaged, headers) == set(STATUSES)) == runs
    assert ("ZQA" in _api_delegations(client, unmanaged, headers)) == (runs or role == "member_coordinator")


@pytest.mark.parametrize("role", ROLES)
def test_web_and_api_open_the_same_drafts(world, reader, client, role):
    drafts = [
        make_meeting(title=f"Draft of {body.code}", classification=Classification.PUBLIC, group=body, status="draft")
        for body in (world["chaired"], world["other"])
    ]
    _user, headers = reader(role)
    listed_web = client.get("/meetings/").content.decode()
    listed_api = {row["id"] for row in client.get("/api/v1/meetings", headers=headers).json()["results"]}

    for draft in drafts:
        web = client.get(f"/meetings/{draft.pk}/").status_code
        api = client.get(f"/api/v1/meetings/{draft.pk}", headers=headers).status_code
        assert web == api, (role, draft.group.code, web, api)
        assert (str(draft) in listed_web) == (draft.pk in listed_api) == (web == 200)
        managers = {"rso_admin", "rso_staff"} | ({"wg_co_chair"} if draft.group == world["chaired"] else set())
        assert (web == 200) == (role in managers)


@pytest.mark.parametrize("role", ROLES)
def test_web_and_api_show_the_same_outcomes(world, reader, client, role):
    outcomes = {}
    for body in (world["chaired"], world["other"]):
        for status in (Meeting.Status.HELD, Meeting.Status.OUTCOMES_PUBLISHED):
            meeting = make_meeting(classification=Classification.PUBLIC, group=body, status=status)
            outcomes[meeting] = make_outcome(meeting, text=f"Decision {body.code} {status}")
    _user, headers = reader(role)

    for meeting, outcome in outcomes.items():
        marker = f"Decision {meeting.group.code} {meeting.status}"
        web = marker in client.get(f"/meetings/{meeting.pk}/").content.decode()
        found = client.get(f"/api/v1/meetings/{meeting.pk}/outcomes", headers=headers).json()["results"]
        api = outcome.pk in {row["id"] for row in found}
        assert web == api, (role, marker, web, api)
        manages = role in {"rso_admin", "rso_staff"} or (role == "wg_co_chair" and meeting.group == world["chaired"])
        assert api == (meeting.status == Meeting.Status.OUTCOMES_PUBLISHED or manages)

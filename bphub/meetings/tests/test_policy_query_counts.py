"""The composed policy (parts read through their meeting) costs the meeting pages no query: the
numbers below are those measured before the rules were composed (same data, same readers)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bphub.core.models import Classification
from bphub.meetings.models import Delegation
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

BEFORE = {  # list, meeting page, action list, document search
    "anonymous": (4, 9, 5, 2),
    "member_official": (7, 13, 8, 5),
    "wg_co_chair": (9, 14, 9, 6),
    "rso_staff": (6, 11, 7, 4),
}


@pytest.mark.parametrize("role", BEFORE)
def test_the_meeting_pages_cost_no_more_queries_than_before(db, client, login, make_user, role):
    aa = Member.objects.create(code="AA", name={"en": "A"}, kind="state")
    Member.objects.create(code="BB", name={"en": "B"}, kind="state")
    wg = Body.objects.create(code="WGA", name={"en": "WG"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=aa, body=wg, valid_from=date(2020, 1, 1))
    series = make_series()
    for n in range(60):
        cls = [Classification.PUBLIC, Classification.MEMBERS, Classification.BODY, Classification.RESTRICTED][n % 4]
        make_meeting(
            title=f"M{n}",
            classification=cls,
            body=wg if cls == "body" else None,
            group=wg,
            released_to=[aa] if cls == "restricted" else [],
            status=["draft", "announced", "outcomes_published"][n % 3],
        )
    meeting = make_meeting(
        title="Page",
        classification=Classification.PUBLIC,
        group=wg,
        series=series,
        number=2,
        status="outcomes_published",
    )
    make_meeting(series=series, number=1, classification=Classification.PUBLIC)
    make_agenda(meeting, sessions=3, items_per_session=3)
    for n in range(8):
        make_document(meeting, title=f"Paper {n}")
    outcome = make_outcome(meeting)
    for n in range(5):
        make_action(meeting, title=f"Act {n}", owner_member=aa, outcome=outcome if n % 2 else None)
    make_delegation(meeting, aa, status=Delegation.Status.APPROVED, people=[make_person(aa)])
    if role != "anonymous":
        user = make_user(role, aa if role in {"member_official", "wg_co_chair"} else None)
        if role == "wg_co_chair":
            user.chaired_bodies.set([wg])
        login(user)
    client.get("/meetings/series/")
    counts = []
    for path in ("/meetings/", f"/meetings/{meeting.pk}/", "/meetings/actions/", "/meetings/documents/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert tuple(counts) == BEFORE[role]

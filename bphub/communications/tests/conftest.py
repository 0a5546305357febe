"""Fixtures of the communications tests: three members in two sub-regions and one working group."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest


@pytest.fixture
def world(db):
    """Members AA and BB (sub-region "East Test") and CC ("West Test"); working group WGT where
    only AA holds a seat today (CC held one until 2019)."""
    from bphub.members.models import Body, BodyMembership, Member, SubRegion

    east = SubRegion.objects.create(name="East Test")
    west = SubRegion.objects.create(name="West Test")
    a = Member.objects.create(code="AA", name={"en": "Alphaland"}, kind=Member.Kind.STATE, sub_region=east)
    b = Member.objects.create(code="BB", name={"en": "Betaland"}, kind=Member.Kind.STATE, sub_region=east)
    c = Member.objects.create(code="CC", name={"en": "Gammaland"}, kind=Member.Kind.STATE, sub_region=west)
    body = Body.objects.create(code="WGT", name={"en": "Working Group T"}, kind=Body.Kind.WORKING_GROUP)
    other_body = Body.objects.create(code="WGO", name={"en": "Working Group O"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=a, body=body, valid_from=date(2020, 1, 1))
    BodyMembership.objects.create(member=c, body=body, valid_from=date(2015, 1, 1), valid_to=date(2019, 12, 31))
    return SimpleNamespace(a=a, b=b, c=c, east=east, west=west, body=body, other_body=other_body)


@pytest.fixture
def announce():
    """Write and publish an announcement through the services: announce(actor, audience, **fields)."""
    from bphub.communications.services.announcements import announcement_create_and_publish

    def do(actor, audience, *, title="Road map published", text="The road map is out.", **fields):
        return announcement_create_and_publish(
            actor=actor, title={"en": title}, text={"en": text}, audience=audience, **fields
        )

    return do


@pytest.fixture
def week_start():
    """This week's digest moment (the latest Monday 06:00 UTC)."""
    from bphub.communications.services.digest import digest_week_start

    return digest_week_start()


@pytest.fixture
def last_week(week_start):
    """A moment inside the digest's window (the seven days before this week's Monday 06:00 UTC)."""
    return week_start - timedelta(days=2)


def backdate(model, record, when, *fields):
    model.objects.filter(pk=record.pk).update(**{field: when for field in fields})


@pytest.fixture
def week_of_news(world, make_user, announce, last_week, week_start):
    """A week of changes, some members-level, some for WGT (where only AA sits), some not in the week.

    Returns the RSO author of the announcements (who, like every RSO user, gets a digest too).
    """
    from bphub.communications.models import Announcement, Notification
    from bphub.core.models import Classification
    from bphub.meetings.models import Meeting
    from bphub.meetings.testing import make_action, make_document, make_meeting, make_outcome

    audience = Announcement.Audience
    rso = make_user("rso_staff")
    for kind, title, extra in (
        (audience.ALL_MEMBERS, "Members news", {}),
        (audience.BODY, "Body news", {"audience_body": world.body}),
        (audience.ALL_MEMBERS, "Too old news", {}),
    ):
        announcement = announce(rso, kind, title=title, **extra)
        when = last_week if title != "Too old news" else week_start - timedelta(days=9)
        backdate(Announcement, announcement, when, "published_at")
    Notification.objects.all().delete()

    def meeting(title, when, **fields):
        made = make_meeting(title=title, **fields)
        backdate(Meeting, made, when, "updated_at", "status_changed_at", "created_at")
        return made

    open_meeting = meeting("Open meeting", last_week)
    meeting("Body meeting", last_week, classification=Classification.BODY, body=world.body)
    meeting("Draft meeting", last_week, status=Meeting.Status.DRAFT)
    meeting("Old meeting", week_start - timedelta(days=20))
    meeting("Next week's change", week_start + timedelta(minutes=1))
    document = make_document(open_meeting, title="Agenda paper")
    backdate(type(document), document, last_week, "created_at")
    held = meeting("Outcome meeting", last_week, status=Meeting.Status.OUTCOMES_PUBLISHED)
    outcome = make_outcome(held)
    backdate(type(outcome), outcome, last_week, "created_at")
    make_action(held, title="Send the report", owner_member=world.a, due_on=(week_start - timedelta(days=3)).date())
    make_action(held, title="CC's chore", owner_member=world.c, due_on=(week_start + timedelta(days=2)).date())
    make_action(held, title="Far future chore", owner_member=world.a, due_on=(week_start + timedelta(days=60)).date())
    return rso

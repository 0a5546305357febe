"""Editing the agenda: sessions and items inside the meeting's times, documents of the meeting only."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from bphub.core.models import AuditEvent
from bphub.meetings.models import AgendaItem, AgendaSession
from bphub.meetings.services import agenda
from bphub.meetings.testing import make_agenda, make_document, make_meeting
from bphub.members.models import Body, Member


@pytest.fixture
def world(db, make_user):
    member = Member.objects.create(code="AA", name={"en": "Member AA"}, kind=Member.Kind.STATE)
    body = Body.objects.create(code="WGA", name={"en": "Working Group A"}, kind=Body.Kind.WORKING_GROUP)
    # 15–16 January 2030, 09:00 in Kathmandu (03:15 UTC) to 17:00 on the 16th.
    meeting = make_meeting(
        title="Agenda test",
        group=body,
        time_zone="Asia/Kathmandu",
        starts_at=datetime(2030, 1, 15, 3, 15, tzinfo=UTC),
        days=2,
    )
    return {"member": member, "body": body, "meeting": meeting, "rso": make_user("rso_staff")}


def session_data(**overrides):
    data = {"title_0": "Opening", "starts_at": "2030-01-15T09:00", "ends_at": "2030-01-15T10:30", "room": "Hall A"}
    data.update(overrides)
    return data


def test_the_rso_adds_a_session_in_host_time_and_it_shows_on_the_meeting_page(client, login, world):
    meeting = world["meeting"]
    login(world["rso"])

    response = client.post(f"/meetings/{meeting.pk}/agenda/sessions/new/", session_data())

    assert response.status_code == 302
    session = AgendaSession.objects.get()
    assert session.starts_at == datetime(2030, 1, 15, 3, 15, tzinfo=UTC) and session.room == "Hall A"
    assert "Opening" in client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert AuditEvent.objects.filter(verb="agenda.session_created").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"starts_at": "2030-01-15T08:00"}, "starts_at", "The session must start within the meeting’s dates."),
        ({"ends_at": "2030-01-16T18:00"}, "ends_at", "The session must end within the meeting’s dates."),
        ({"ends_at": "2030-01-15T08:30", "starts_at": "2030-01-15T09:00"}, "ends_at", "A session cannot end before"),
    ],
)
def test_a_session_outside_the_meeting_is_refused_by_field(client, login, world, overrides, field, message):
    login(world["rso"])

    response = client.post(f"/meetings/{world['meeting'].pk}/agenda/sessions/new/", session_data(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not AgendaSession.objects.exists()


def test_an_item_outside_its_session_is_refused_by_field(client, login, world):
    meeting = world["meeting"]
    session = make_agenda(meeting, sessions=1, items_per_session=0)[0]  # 09:00–11:00 in Kathmandu
    login(world["rso"])

    response = client.post(
        f"/meetings/{meeting.pk}/agenda/sessions/{session.pk}/items/new/",
        {"title_0": "Late item", "starts_at": "2030-01-15T10:30", "ends_at": "2030-01-15T11:30"},
    )

    assert response.context["form"].errors["ends_at"] == ["The item must end within its session’s times."]
    assert not AgendaItem.objects.exists()


def test_an_item_links_documents_of_its_own_meeting_only(world):
    meeting = world["meeting"]
    session = make_agenda(meeting, sessions=1, items_per_session=0)[0]
    own = make_document(meeting, title="Own paper")
    foreign = make_document(make_meeting(title="Another meeting"), title="Foreign paper")

    with pytest.raises(ValidationError) as error:
        agenda.item_create(session=session, actor=world["rso"], title={"en": "Item"}, documents=[own, foreign])
    assert error.value.message_dict["documents"] == ["An agenda item can link only documents of its own meeting."]

    item = agenda.item_create(session=session, actor=world["rso"], title={"en": "Item"}, documents=[own])
    assert list(item.documents.all()) == [own]


def test_the_item_form_offers_the_meetings_documents_and_links_them(client, login, world):
    meeting = world["meeting"]
    session = make_agenda(meeting, sessions=1, items_per_session=0)[0]
    paper = make_document(meeting, title="Concept note")
    login(world["rso"])

    client.post(
        f"/meetings/{meeting.pk}/agenda/sessions/{session.pk}/items/new/",
        {"title_0": "Briefing", "presenters": "RSO", "documents": [paper.pk]},
    )

    item = AgendaItem.objects.get()
    assert list(item.documents.all()) == [paper] and item.presenters == "RSO"
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Briefing" in page and "Concept note" in page and "RSO" in page


def test_a_session_cannot_shrink_away_from_its_items(world):
    session = make_agenda(world["meeting"], sessions=1, items_per_session=4)[0]  # items until 11:00

    with pytest.raises(ValidationError) as error:
        agenda.session_update(session=session, actor=world["rso"], ends_at=session.starts_at.replace(minute=45))
    assert "Some items of this session fall outside" in error.value.message_dict["starts_at"][0]


def test_items_move_up_and_down(client, login, world):
    meeting = world["meeting"]
    session = make_agenda(meeting, sessions=1, items_per_session=3)[0]
    first, second, third = session.items.all()
    login(world["rso"])

    client.post(f"/meetings/{meeting.pk}/agenda/items/{third.pk}/move/", {"direction": "up"})
    assert list(session.items.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    client.post(f"/meetings/{meeting.pk}/agenda/items/{first.pk}/move/", {"direction": "down"})
    assert list(session.items.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]


def test_removing_a_session_removes_its_items_and_is_audited(client, login, world):
    meeting = world["meeting"]
    session = make_agenda(meeting, sessions=2, items_per_session=2)[0]
    login(world["rso"])

    response = client.post(f"/meetings/{meeting.pk}/agenda/sessions/{session.pk}/delete/")

    assert response.status_code == 302
    assert AgendaSession.objects.count() == 1 and AgendaItem.objects.count() == 2
    assert AuditEvent.objects.get(verb="agenda.session_deleted").data["items"] == 2


def test_every_agenda_change_touches_the_meeting(world):
    meeting = world["meeting"]
    before = meeting.updated_at
    agenda.session_create(
        meeting=meeting, actor=world["rso"], title={"en": "S"}, starts_at=meeting.starts_at, ends_at=meeting.starts_at
    )
    meeting.refresh_from_db()
    assert meeting.updated_at > before


def test_a_co_chair_of_another_body_cannot_edit_the_agenda(client, login, make_user, world):
    other = Body.objects.create(code="WGB", name={"en": "Working Group B"}, kind=Body.Kind.WORKING_GROUP)
    co_chair = make_user("wg_co_chair", world["member"])
    co_chair.chaired_bodies.add(other)
    session = make_agenda(world["meeting"], sessions=1, items_per_session=1)[0]
    login(co_chair)

    assert client.get(f"/meetings/{world['meeting'].pk}/agenda/").status_code == 404
    assert client.post(f"/meetings/{world['meeting'].pk}/agenda/sessions/{session.pk}/delete/").status_code == 404
    assert AgendaSession.objects.exists()

    co_chair.chaired_bodies.add(world["body"])
    assert client.get(f"/meetings/{world['meeting'].pk}/agenda/").status_code == 200


def test_an_item_of_another_meeting_is_not_found_through_this_one(client, login, world):
    elsewhere = make_agenda(make_meeting(title="Elsewhere"), sessions=1, items_per_session=1)[0]
    login(world["rso"])

    item = elsewhere.items.get()
    assert client.get(f"/meetings/{world['meeting'].pk}/agenda/items/{item.pk}/edit/").status_code == 404

"""A meeting's life: who may create and manage it, and the guarded steps draft → announced →
registration open → held → outcomes published → closed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bphub.communications.models import Notification
from bphub.core.models import AuditEvent, Classification
from bphub.meetings.models import Meeting
from bphub.meetings.services import lifecycle
from bphub.meetings.testing import make_delegation, make_document, make_meeting, make_outcome, make_series
from bphub.members.models import Body, Member

Status = Meeting.Status


@pytest.fixture
def world(db):
    members = {
        code: Member.objects.create(code=code, name={"en": f"Member {code}"}, kind=Member.Kind.STATE, time_zone=tz)
        for code, tz in (("AA", "Asia/Kathmandu"), ("BB", "Pacific/Auckland"), ("CC", "Asia/Bangkok"))
    }
    own = Body.objects.create(code="WGA", name={"en": "Working Group A"}, kind=Body.Kind.WORKING_GROUP)
    other = Body.objects.create(code="WGB", name={"en": "Working Group B"}, kind=Body.Kind.WORKING_GROUP)
    return {"members": members, "own": own, "other": other}


@pytest.fixture
def co_chair(world, make_user):
    user = make_user("wg_co_chair", world["members"]["AA"])
    user.chaired_bodies.add(world["own"])
    return user


def form_data(**overrides):
    data = {
        "title_0": "Working Group A, 5th meeting",
        "kind": Meeting.Kind.WORKING_GROUP,
        "time_zone": "Asia/Kathmandu",
        "starts_at": "2030-01-15T09:00",
        "ends_at": "2030-01-17T17:00",
        "venue": "Kathmandu",
        "classification": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_rso_creates_a_draft_with_times_in_the_host_zone(client, login, make_user, world):
    login(make_user("rso_staff"))

    response = client.post("/meetings/new/", form_data(group=world["own"].pk, host=world["members"]["AA"].pk))

    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.status == Status.DRAFT
    # 09:00 in Kathmandu (UTC+05:45) is 03:15 UTC.
    assert meeting.starts_at == datetime(2030, 1, 15, 3, 15, tzinfo=UTC)
    assert meeting.time_zone == "Asia/Kathmandu"
    assert meeting.classification == Classification.MEMBERS
    assert meeting.originator is None
    assert AuditEvent.objects.filter(verb="meeting.created", target_id=str(meeting.pk)).exists()


def test_the_host_zone_defaults_to_the_host_members_zone(client, login, make_user, world):
    login(make_user("rso_staff"))

    client.post("/meetings/new/", form_data(time_zone="", host=world["members"]["BB"].pk))

    meeting = Meeting.objects.get()
    assert meeting.time_zone == "Pacific/Auckland"
    assert meeting.starts_at == datetime(2030, 1, 14, 20, 0, tzinfo=UTC)  # 09:00 NZDT (UTC+13)


def test_a_consultation_is_restricted_by_default(world, make_user):
    meeting = lifecycle.meeting_create(
        actor=make_user("rso_admin"),
        title={"en": "Consultation"},
        kind=Meeting.Kind.CONSULTATION,
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
        time_zone="Asia/Jakarta",
        online_url="https://meet.example.org/x",
        released_to=[world["members"]["BB"]],
    )

    assert meeting.classification == Classification.RESTRICTED
    assert list(meeting.released_to.all()) == [world["members"]["BB"]]


def test_a_body_level_meeting_is_read_by_its_own_body_unless_told(world, make_user):
    rso = make_user("rso_admin")
    start = timezone.now() + timedelta(days=3)
    fields = {"title": {"en": "T"}, "kind": "working_group", "starts_at": start, "ends_at": start, "time_zone": "UTC"}

    meeting = lifecycle.meeting_create(actor=rso, classification=Classification.BODY, group=world["own"], **fields)
    assert meeting.body == world["own"]

    with pytest.raises(ValidationError) as error:
        lifecycle.meeting_create(actor=rso, classification=Classification.BODY, **fields)
    assert "body" in error.value.message_dict
    assert Meeting.objects.count() == 1


def test_a_number_is_unique_within_its_series(world, make_user):
    rso = make_user("rso_admin")
    series = make_series(group=world["own"])
    make_meeting(series=series, number=4, group=world["own"])
    start = timezone.now() + timedelta(days=3)

    with pytest.raises(ValidationError) as error:
        lifecycle.meeting_create(
            actor=rso,
            title={"en": "T"},
            kind="working_group",
            starts_at=start,
            ends_at=start,
            time_zone="UTC",
            series=series,
            number=4,
        )
    assert error.value.message_dict["number"] == ["This series already has a meeting #4."]


def test_a_fixed_offset_is_not_a_time_zone(world, make_user):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        lifecycle.meeting_create(
            actor=make_user("rso_admin"),
            title={"en": "T"},
            kind="working_group",
            starts_at=start,
            ends_at=start,
            time_zone="+05:45",
        )
    assert "time_zone" in error.value.message_dict


def test_a_meeting_that_ends_before_it_starts_is_refused_on_the_page(client, login, make_user, world):
    login(make_user("rso_staff"))

    response = client.post("/meetings/new/", form_data(ends_at="2030-01-14T09:00"))

    assert response.status_code == 200
    assert "The meeting cannot end before it starts." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_co_chair_creates_meetings_only_for_the_bodies_they_co_chair(client, login, co_chair, world):
    login(co_chair)
    assert client.get("/meetings/new/").status_code == 200

    refused = client.post("/meetings/new/", form_data(group=world["other"].pk))
    assert refused.status_code == 200 and not Meeting.objects.exists()

    client.post("/meetings/new/", form_data(group=world["own"].pk))
    meeting = Meeting.objects.get()
    assert meeting.group == world["own"] and meeting.originator == world["members"]["AA"]


def test_a_co_chair_manages_their_bodys_meetings_and_no_others(client, login, co_chair, world):
    own = make_meeting(group=world["own"], status=Status.DRAFT)
    other = make_meeting(group=world["other"], status=Status.DRAFT)
    login(co_chair)

    assert client.get(f"/meetings/{own.pk}/edit/").status_code == 200
    assert client.post(f"/meetings/{own.pk}/status/announce/").status_code == 302
    assert client.get(f"/meetings/{other.pk}/edit/").status_code == 404
    assert client.post(f"/meetings/{other.pk}/status/announce/").status_code == 404
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == Status.ANNOUNCED and other.status == Status.DRAFT


@pytest.mark.parametrize("role", ["member_coordinator", "member_official"])
def test_member_people_neither_create_nor_manage_meetings(client, login, make_user, world, role):
    meeting = make_meeting(group=world["own"], originator=world["members"]["AA"], status=Status.ANNOUNCED)
    login(make_user(role, world["members"]["AA"]))

    assert client.get("/meetings/new/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/edit/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/agenda/").status_code == 404
    assert client.post(f"/meetings/{meeting.pk}/status/open-registration/").status_code == 404
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Edit details" not in page and "/status/" not in page


def test_drafts_show_only_to_those_who_manage_them(client, login, make_user, world):
    draft = make_meeting(title="Quiet draft", group=world["own"], status=Status.DRAFT)
    login(make_user("member_official", world["members"]["BB"]))
    assert client.get(f"/meetings/{draft.pk}/").status_code == 404
    assert "Quiet draft" not in client.get("/meetings/").content.decode()

    login(make_user("rso_staff"))
    assert client.get(f"/meetings/{draft.pk}/").status_code == 200
    assert "Quiet draft" in client.get("/meetings/").content.decode()


def test_a_meeting_goes_through_its_whole_life(client, login, make_user, world, django_capture_on_commit_callbacks):
    now = timezone.now()
    meeting = make_meeting(
        group=world["own"],
        status=Status.DRAFT,
        starts_at=now + timedelta(hours=2),
        nomination_deadline=now + timedelta(hours=1),
    )
    login(make_user("rso_staff"))

    def step(name):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/meetings/{meeting.pk}/status/{name}/", follow=True)
        meeting.refresh_from_db()
        return response.content.decode()

    assert "The meeting is announced." in step("announce") and meeting.status == Status.ANNOUNCED
    assert "Registration is open." in step("open-registration") and meeting.status == Status.REGISTRATION_OPEN
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=now - timedelta(hours=1))
    assert "recorded as held" in step("mark-held") and meeting.status == Status.HELD
    make_outcome(meeting)
    assert "The outcomes are published." in step("publish-outcomes") and meeting.status == Status.OUTCOMES_PUBLISHED
    assert "The meeting is closed." in step("close") and meeting.status == Status.CLOSED
    verbs = list(AuditEvent.objects.filter(target_id=str(meeting.pk)).values_list("verb", flat=True))
    for verb in (
        "meeting.announced",
        "meeting.registration_opened",
        "meeting.held",
        "meeting.outcomes_published",
        "meeting.closed",
    ):
        assert verb in verbs


WRONG_STEPS = [
    (Status.DRAFT, "open-registration"),
    (Status.DRAFT, "mark-held"),
    (Status.DRAFT, "publish-outcomes"),
    (Status.DRAFT, "close"),
    (Status.ANNOUNCED, "announce"),
    (Status.ANNOUNCED, "publish-outcomes"),
    (Status.ANNOUNCED, "close"),
    (Status.REGISTRATION_OPEN, "announce"),
    (Status.REGISTRATION_OPEN, "open-registration"),
    (Status.REGISTRATION_OPEN, "close"),
    (Status.HELD, "announce"),
    (Status.HELD, "mark-held"),
    (Status.OUTCOMES_PUBLISHED, "publish-outcomes"),
    (Status.OUTCOMES_PUBLISHED, "mark-held"),
    (Status.CLOSED, "announce"),
    (Status.CLOSED, "close"),
]


@pytest.mark.parametrize(("status", "name"), WRONG_STEPS)
def test_a_step_from_the_wrong_state_is_refused_and_changes_nothing(client, login, make_user, world, status, name):
    past = timezone.now() - timedelta(days=2)
    meeting = make_meeting(
        group=world["own"], status=status, starts_at=past, nomination_deadline=timezone.now() + timedelta(days=1)
    )
    make_outcome(meeting)
    changed_at = meeting.status_changed_at
    login(make_user("rso_admin"))

    response = client.post(f"/meetings/{meeting.pk}/status/{name}/", follow=True)

    meeting.refresh_from_db()
    assert meeting.status == status and meeting.status_changed_at == changed_at
    assert f"this one is “{meeting.get_status_display()}”" in response.content.decode()


def test_registration_opens_only_with_a_future_deadline(world, make_user):
    rso = make_user("rso_admin")
    meeting = make_meeting(group=world["own"], status=Status.ANNOUNCED)
    with pytest.raises(ValidationError, match="Set a nomination deadline"):
        lifecycle.meeting_open_registration(meeting=meeting, actor=rso)
    Meeting.objects.filter(pk=meeting.pk).update(nomination_deadline=timezone.now() - timedelta(minutes=1))
    meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="deadline has passed"):
        lifecycle.meeting_open_registration(meeting=meeting, actor=rso)
    meeting.refresh_from_db()
    assert meeting.status == Status.ANNOUNCED


def test_a_meeting_is_held_only_once_it_has_started(world, make_user):
    meeting = make_meeting(group=world["own"], status=Status.REGISTRATION_OPEN)
    with pytest.raises(ValidationError, match="has not started yet"):
        lifecycle.meeting_mark_held(meeting=meeting, actor=make_user("rso_admin"))
    meeting.refresh_from_db()
    assert meeting.status == Status.REGISTRATION_OPEN


def test_outcomes_are_published_only_when_there_is_one(world, make_user):
    meeting = make_meeting(group=world["own"], status=Status.HELD, starts_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationError, match="at least one outcome"):
        lifecycle.meeting_publish_outcomes(meeting=meeting, actor=make_user("rso_admin"))
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD


def test_announcing_tells_the_invited_members_people_and_records_local_times(
    world, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    recorded = []
    monkeypatch.setattr(
        "bphub.meetings.services.scheduling.meeting_local_times_record", lambda meeting: recorded.append(meeting.pk)
    )
    meeting = make_meeting(title="Forum", group=world["own"], status=Status.DRAFT)
    make_delegation(meeting, world["members"]["BB"])
    invited = make_user("member_official", world["members"]["BB"])
    outsider = make_user("member_official", world["members"]["CC"])

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.meeting_announce(meeting=meeting, actor=make_user("rso_staff"))

    assert recorded == [meeting.pk]
    assert list(Notification.objects.filter(verb="meeting.announced").values_list("user_id", flat=True)) == [invited.pk]
    assert not Notification.objects.filter(user=outsider).exists()
    assert Notification.objects.get(user=invited).url == f"/meetings/{meeting.pk}/"


def test_opening_registration_tells_the_invited_members_people(world, make_user, django_capture_on_commit_callbacks):
    meeting = make_meeting(
        group=world["own"], status=Status.ANNOUNCED, nomination_deadline=timezone.now() + timedelta(days=5)
    )
    make_delegation(meeting, world["members"]["AA"])
    coordinator = make_user("member_coordinator", world["members"]["AA"])

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.meeting_open_registration(meeting=meeting, actor=make_user("rso_staff"))

    assert Notification.objects.get(verb="meeting.registration_opened").user == coordinator


def test_editing_keeps_what_was_not_changed_and_is_audited(client, login, make_user, world):
    meeting = make_meeting(title="Old title", group=world["own"], time_zone="Asia/Kathmandu")
    before = meeting.starts_at
    login(make_user("rso_staff"))

    form = client.get(f"/meetings/{meeting.pk}/edit/").context["form"]
    data = form_data(
        title_0="New title",
        starts_at=form["starts_at"].value().strftime("%Y-%m-%dT%H:%M"),
        ends_at=form["ends_at"].value().strftime("%Y-%m-%dT%H:%M"),
        group=world["own"].pk,
        classification=Classification.MEMBERS,
    )
    response = client.post(f"/meetings/{meeting.pk}/edit/", data)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == {"en": "New title"} and meeting.starts_at == before
    event = AuditEvent.objects.get(verb="meeting.updated")
    assert "title" in event.data["changed"] and "starts_at" not in event.data["changed"]


def test_a_meeting_is_never_made_wider_than_its_documents_allow(world, make_user):
    meeting = make_meeting(group=world["own"], classification=Classification.MEMBERS)
    make_document(meeting)  # members-level
    with pytest.raises(ValidationError) as error:
        lifecycle.meeting_update(
            meeting=meeting,
            actor=make_user("rso_admin"),
            classification=Classification.RESTRICTED,
            released_to=[world["members"]["AA"]],
        )
    assert "documents" in error.value.message_dict["classification"][0]
    meeting.refresh_from_db()
    assert meeting.classification == Classification.MEMBERS

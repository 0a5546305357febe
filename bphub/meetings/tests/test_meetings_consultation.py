"""The Consultation Mechanism: the co-chairs convene an emergency consultation within hours; it
leaves no trace for anyone outside its roster."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bphub.communications.models import Notification
from bphub.core.models import AuditEvent, Classification
from bphub.meetings.models import Delegation, Meeting
from bphub.meetings.services.lifecycle import meeting_update
from bphub.members.models import Body, BodyMembership, Member


@pytest.fixture
def world(db):
    members = {
        code: Member.objects.create(code=code, name={"en": f"Member {code}"}, kind=Member.Kind.STATE, time_zone=tz)
        for code, tz in (
            ("ID", "Asia/Jakarta"),
            ("AU", "Australia/Sydney"),
            ("LK", "Asia/Colombo"),
            ("NP", "Asia/Kathmandu"),
            ("FJ", "Pacific/Fiji"),
        )
    }
    bpmc = Body.objects.create(code="BPMC", name={"en": "Ministerial Conference"}, kind=Body.Kind.MINISTERIAL)
    for code in ("ID", "AU"):
        BodyMembership.objects.create(member=members[code], body=bpmc, role=BodyMembership.Role.CO_CHAIR)
    cm = Body.objects.create(
        code="CM", name={"en": "Consultation Mechanism"}, kind=Body.Kind.CONSULTATION, is_confidential=True
    )
    return {"members": members, "cm": cm}


def convene_data(world, **overrides):
    start = timezone.localtime(timezone.now() + timedelta(hours=3), timezone.get_fixed_timezone(0))
    data = {
        "title_0": "Emergency consultation: maritime arrivals",
        "roster": [world["members"]["LK"].pk, world["members"]["NP"].pk],
        "time_zone": "UTC",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "online_url": "https://meet.example.org/cm",
        "venue": "",
    }
    data.update(overrides)
    return data


def test_a_co_chair_convenes_a_confidential_consultation_of_the_roster(client, login, make_user, world):
    members = world["members"]
    convener = make_user("member_coordinator", members["ID"])
    lk_official = make_user("member_official", members["LK"])
    np_coordinator = make_user("member_coordinator", members["NP"])
    outsider = make_user("member_official", members["FJ"])
    login(convener)
    assert client.get("/meetings/consultations/convene/").status_code == 200

    response = client.post("/meetings/consultations/convene/", convene_data(world))

    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.kind == Meeting.Kind.CONSULTATION and meeting.is_emergency
    assert meeting.classification == Classification.RESTRICTED
    assert meeting.status == Meeting.Status.ANNOUNCED
    assert meeting.originator == members["ID"] and meeting.group == world["cm"]
    assert set(meeting.released_to.all()) == {members["LK"], members["NP"]}
    assert set(meeting.delegations.values_list("member__code", "status")) == {
        ("LK", Delegation.Status.INVITED),
        ("NP", Delegation.Status.INVITED),
    }
    told = set(Notification.objects.filter(verb="meeting.consultation_convened").values_list("user_id", flat=True))
    assert told == {lk_official.pk, np_coordinator.pk} and outsider.pk not in told
    assert AuditEvent.objects.get(verb="meeting.consultation_convened").data["roster"] == ["LK", "NP"]


def test_the_rso_convenes_with_no_originating_member(client, login, make_user, world):
    login(make_user("rso_admin"))

    client.post("/meetings/consultations/convene/", convene_data(world))

    meeting = Meeting.objects.get()
    assert meeting.originator is None and meeting.is_emergency


def test_a_consultation_leaves_no_trace_outside_its_roster(client, login, make_user, world):
    members = world["members"]
    login(make_user("member_coordinator", members["AU"]))
    client.post("/meetings/consultations/convene/", convene_data(world))
    meeting = Meeting.objects.get()
    title = "maritime arrivals"

    login(make_user("member_official", members["FJ"]))  # a member not on the roster
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert title not in client.get("/meetings/").content.decode()
    assert title not in client.get("/meetings/?kind=consultation").content.decode()
    assert title not in client.get("/meetings/series/").content.decode()

    client.logout()  # the public
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert title not in client.get("/meetings/").content.decode()

    login(make_user("member_official", members["LK"]))  # on the roster
    assert title in client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert title in client.get("/meetings/").content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"roster": []}, "roster", "This field is required."),
        ({"starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T12:00"}, "starts_at", "cannot start in the past"),
        ({"online_url": ""}, "online_url", "Give an online link, a venue, or both."),
    ],
)
def test_a_wrong_convening_is_refused_by_field_and_creates_nothing(
    client, login, make_user, world, overrides, field, message
):
    login(make_user("rso_staff"))

    response = client.post("/meetings/consultations/convene/", convene_data(world, **overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Meeting.objects.exists() and not Notification.objects.exists()


def test_a_consultation_must_end_after_it_starts(client, login, make_user, world):
    login(make_user("rso_staff"))
    data = convene_data(world)
    data["ends_at"] = data["starts_at"]

    response = client.post("/meetings/consultations/convene/", data)

    assert response.context["form"].errors["ends_at"] == ["The consultation must end after it starts."]
    assert not Meeting.objects.exists()


def test_a_consultation_can_start_within_the_hour_in_the_hosts_zone(client, login, make_user, world):
    login(make_user("rso_staff"))
    soon = timezone.localtime(timezone.now() + timedelta(minutes=30), timezone.get_fixed_timezone(5 * 60 + 45))
    data = convene_data(
        world,
        time_zone="Asia/Kathmandu",
        starts_at=soon.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(soon + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )

    client.post("/meetings/consultations/convene/", data)

    meeting = Meeting.objects.get()
    assert abs(meeting.starts_at - (timezone.now() + timedelta(minutes=30))) < timedelta(minutes=2)
    assert meeting.time_zone == "Asia/Kathmandu"


@pytest.mark.parametrize(
    ("role", "code"),
    [("member_official", "ID"), ("member_coordinator", "LK"), ("wg_co_chair", "NP"), ("researcher", None)],
)
def test_only_the_co_chairs_and_the_rso_convene(client, login, make_user, world, role, code):
    login(make_user(role, world["members"][code] if code else None))

    assert client.get("/meetings/consultations/convene/").status_code == 404
    assert client.post("/meetings/consultations/convene/", convene_data(world)).status_code == 404
    assert not Meeting.objects.exists()


def test_an_emergency_consultation_cannot_be_made_public(client, login, make_user, world):
    rso = make_user("rso_admin")
    login(rso)
    client.post("/meetings/consultations/convene/", convene_data(world))
    meeting = Meeting.objects.get()

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        meeting_update(meeting=meeting, actor=rso, classification=Classification.PUBLIC)
    assert "stays confidential" in error.value.message_dict["classification"][0]
    meeting.refresh_from_db()
    assert meeting.classification == Classification.RESTRICTED

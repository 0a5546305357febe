"""The slot finder page, the burden record and rotation across a series, and moving a meeting."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bphub.core.models import AuditEvent, Classification
from bphub.meetings.models import Meeting, MeetingLocalTime
from bphub.meetings.services.scheduling import (
    meeting_local_times_record,
    meeting_start_apply,
    slot_finder_report,
)
from bphub.meetings.testing import make_agenda, make_delegation, make_meeting, make_series
from bphub.members.models import Body, BodyMembership, Member

BANGKOK = ZoneInfo("Asia/Bangkok")


def bangkok(*parts):
    return datetime(*parts, tzinfo=BANGKOK)


@pytest.fixture
def region(db):
    """Members in far-apart zones, all seated on one working group."""

    def make(code, zone, weekend="6,7"):
        return Member.objects.create(
            code=code, name={"en": code}, kind=Member.Kind.STATE, time_zone=zone, weekend=weekend
        )

    members = {
        "NZ": make("NZ", "Pacific/Auckland"),
        "CH": make("CH", "Europe/Zurich"),
        "TH": make("TH", "Asia/Bangkok"),
        "NP": make("NP", "Asia/Kathmandu", "6"),
        "XX": make("XX", ""),
    }
    group = Body.objects.create(code="WGT", name={"en": "Working Group T"}, kind=Body.Kind.WORKING_GROUP)
    for member in members.values():
        BodyMembership.objects.create(member=member, body=group, valid_from=date(2020, 1, 1))
    return {"members": members, "group": group}


def test_invited_members_are_the_delegations_or_else_the_seats_today(region):
    meeting = make_meeting(group=region["group"], starts_at=bangkok(2026, 12, 2, 14, 0))
    report = slot_finder_report(meeting)
    assert report["source"] == "seats"
    assert [invitee.code for invitee in report["invitees"]] == ["CH", "NP", "NZ", "TH", "XX"]
    assert [invitee.code for invitee in report["unknown_zones"]] == ["XX"]
    make_delegation(meeting, region["members"]["TH"])
    make_delegation(meeting, region["members"]["NZ"])
    report = slot_finder_report(meeting)
    assert report["source"] == "delegations"
    assert [invitee.code for invitee in report["invitees"]] == ["NZ", "TH"]


def test_local_times_are_recorded_per_invited_member_and_kept_current(region):
    meeting = make_meeting(group=region["group"], starts_at=bangkok(2026, 12, 2, 9, 0))  # Wednesday
    meeting_local_times_record(meeting)
    rows = {row.member.code: row for row in MeetingLocalTime.objects.filter(meeting=meeting).select_related("member")}
    assert set(rows) == {"CH", "NP", "NZ", "TH"}  # XX has no zone
    assert rows["TH"].local_label == "Wed 09:00" and not rows["TH"].is_inconvenient
    assert rows["NP"].local_label == "Wed 07:45" and rows["NP"].is_inconvenient
    assert rows["CH"].local_label == "Wed 03:00" and rows["CH"].is_inconvenient
    assert rows["NZ"].local_label == "Wed 15:00" and rows["NZ"].is_inconvenient  # to 23:00: night
    assert rows["CH"].time_zone == "Europe/Zurich"
    # Recording again updates in place; a member no longer invited drops out.
    make_delegation(meeting, region["members"]["TH"])
    meeting_local_times_record(meeting)
    assert list(MeetingLocalTime.objects.filter(meeting=meeting).values_list("member__code", flat=True)) == ["TH"]


def test_burden_rotates_across_a_series(region, make_user):
    """Auckland and Geneva share no working hour. Each time the slot finder's first choice is
    applied, the one who took the inconvenient hours is spared the next time."""
    rso = make_user("rso_staff")
    series = make_series(group=region["group"])
    inconvenienced = []
    for number in range(1, 5):
        meeting = make_meeting(
            title=f"Meeting {number}",
            group=region["group"],
            series=series,
            number=number,
            starts_at=bangkok(2026, 12, 2 + 7 * number, 12, 0),
        )
        Meeting.objects.filter(pk=meeting.pk).update(ends_at=meeting.starts_at + timedelta(hours=2))
        meeting.refresh_from_db()
        make_delegation(meeting, region["members"]["NZ"])
        make_delegation(meeting, region["members"]["CH"])
        best = slot_finder_report(meeting)["candidates"][0]
        assert best.outside_count == 1
        meeting = meeting_start_apply(meeting=meeting, starts_at=best.starts_at, actor=rso)
        meeting_local_times_record(meeting)  # as announcing does (a no-op move records nothing)
        inconvenienced.append(MeetingLocalTime.objects.get(meeting=meeting, is_inconvenient=True).member.code)
    # The second meeting spares the first one's victim; the third is a tie (one each), and the
    # fourth spares whoever took the third.
    assert inconvenienced[0] != inconvenienced[1] and inconvenienced[2] != inconvenienced[3]
    assert sorted(inconvenienced) == ["CH", "CH", "NZ", "NZ"]
    burdens = {invitee.code: invitee.burden for invitee in slot_finder_report(meeting)["invitees"]}
    assert sum(burdens.values()) == 3 and set(burdens.values()) == {1, 2}  # meetings 1–3, not this one


def test_burden_without_a_series_counts_the_bodys_meetings(region):
    earlier = make_meeting(group=region["group"], starts_at=bangkok(2026, 11, 4, 9, 0))
    meeting_local_times_record(earlier)  # CH at 03:00, NP 07:45, NZ to 23:00: all three inconvenienced
    other_body = Body.objects.create(code="WGO", name={"en": "Other"}, kind=Body.Kind.WORKING_GROUP)
    elsewhere = make_meeting(group=other_body, starts_at=bangkok(2026, 11, 4, 9, 0))
    make_delegation(elsewhere, region["members"]["CH"])
    meeting_local_times_record(elsewhere)
    meeting = make_meeting(group=region["group"], starts_at=bangkok(2026, 12, 2, 14, 0))
    burdens = {invitee.code: invitee.burden for invitee in slot_finder_report(meeting)["invitees"]}
    assert burdens == {"CH": 1, "NP": 1, "NZ": 1, "TH": 0, "XX": 0}


def test_slot_page_shows_each_members_local_time_in_words(region, make_user, login):
    meeting = make_meeting(title="Zones meeting", group=region["group"], starts_at=bangkok(2026, 12, 2, 9, 30))
    client = login(make_user("rso_admin"))
    response = client.get(f"/meetings/{meeting.pk}/slots/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inside working hours" in html and "At night (before 07:00 or after 21:00)" in html
    assert "Time zone unknown" in html and "No time zone is recorded for:" in html
    assert "Asia/Kathmandu" in html and "Pacific/Auckland" in html
    assert "Use this start" in html
    # The automatic proposals: the best twelve, and the current start (09:30 is no full hour); the rest on request.
    shown = response.context["shown"]
    current = response.context["report"]["current"]
    assert current in shown and len(shown) == (12 if current.rank <= 12 else 13)
    assert [c.rank for c in shown[:12]] == list(range(1, 13))
    assert len(client.get(f"/meetings/{meeting.pk}/slots/?all=1").context["shown"]) == 73


def test_a_meeting_with_nobody_invited_asks_to_invite_first_and_ranks_nothing(db, make_user, login):
    # given a meeting with no delegation and no body: nobody is invited
    meeting = make_meeting(title="Lonely meeting", starts_at=bangkok(2026, 12, 2, 9, 0))
    client = login(make_user("rso_staff"))

    # when its manager opens the slot finder
    response = client.get(f"/meetings/{meeting.pk}/slots/")

    # then it says to invite first, links to the invitations, and ranks no time at all
    html = response.content.decode()
    assert response.status_code == 200
    assert "Invite members first." in html
    assert f'href="/meetings/{meeting.pk}/invite/"' in html
    assert response.context["shown"] == [] and response.context["report"]["candidates"] == []
    assert "Best starts" not in html and "Use this start" not in html and 'class="slot-rank' not in html
    assert slot_finder_report(meeting)["current"] is None


def test_slot_page_compares_the_managers_own_candidates(region, make_user, login):
    meeting = make_meeting(group=region["group"], starts_at=bangkok(2026, 12, 2, 9, 0))
    client = login(make_user("rso_staff"))
    response = client.get(
        f"/meetings/{meeting.pk}/slots/", {"candidate_1": "2026-12-02T14:00", "candidate_2": "2026-12-03T16:00"}
    )
    starts = sorted(c.starts_at for c in response.context["shown"])
    assert starts == [
        datetime(2026, 12, 2, 2, 0, tzinfo=UTC),  # the current start, for comparison
        datetime(2026, 12, 2, 7, 0, tzinfo=UTC),
        datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
    ]


def test_a_candidate_that_the_host_clock_skips_is_refused_with_a_reason(db, make_user, login):
    meeting = make_meeting(time_zone="Australia/Adelaide", starts_at=datetime(2026, 10, 3, 22, 30, tzinfo=UTC))
    adelaide = Member.objects.create(code="AD", name={"en": "AD"}, kind=Member.Kind.STATE, time_zone=meeting.time_zone)
    make_delegation(meeting, adelaide)  # someone invited, so there is something to compare
    client = login(make_user("rso_staff"))
    response = client.get(f"/meetings/{meeting.pk}/slots/", {"candidate_1": "2026-10-04T02:30"})
    assert response.status_code == 200
    assert "does not exist in Australia/Adelaide" in response.content.decode()


def test_only_those_who_manage_the_meeting_may_use_the_slot_finder(region, make_user, login, client):
    meeting = make_meeting(group=region["group"], classification=Classification.MEMBERS)
    path = f"/meetings/{meeting.pk}/slots/"
    assert client.get(path).status_code == 302  # anonymous: sign in
    co_chair = make_user("wg_co_chair", region["members"]["TH"])
    co_chair.chaired_bodies.add(region["group"])
    assert login(co_chair).get(path).status_code == 200
    other_co_chair = make_user("wg_co_chair", region["members"]["TH"])
    assert login(other_co_chair).get(path).status_code == 404
    assert login(make_user("member_coordinator", region["members"]["TH"])).get(path).status_code == 404
    assert login(make_user("researcher")).get(path).status_code == 404


def test_applying_a_start_moves_the_meeting_its_end_and_agenda(region, make_user, login):
    meeting = make_meeting(group=region["group"], starts_at=bangkok(2026, 12, 2, 9, 0), status=Meeting.Status.ANNOUNCED)
    session = make_agenda(meeting, sessions=1, items_per_session=1)[0]
    duration = meeting.ends_at - meeting.starts_at
    before_updated = meeting.updated_at
    client = login(make_user("rso_admin"))
    new_start = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # 14:00 Bangkok
    response = client.post(f"/meetings/{meeting.pk}/slots/apply/", {"starts_at": new_start.isoformat()})
    assert response.status_code == 302
    meeting.refresh_from_db()
    session.refresh_from_db()
    assert meeting.starts_at == new_start and meeting.ends_at - meeting.starts_at == duration
    assert session.starts_at == new_start
    assert session.items.get().starts_at == new_start
    assert meeting.updated_at > before_updated
    event = AuditEvent.objects.get(verb="meeting.rescheduled", target_id=str(meeting.pk))
    assert event.data["starts_at"] == ["2026-12-02T02:00:00+00:00", "2026-12-02T07:00:00+00:00"]
    assert MeetingLocalTime.objects.get(meeting=meeting, member__code="TH").local_label == "Wed 14:00"
    page = client.get(f"/meetings/{meeting.pk}/slots/", follow=True)
    assert page.status_code == 200


def test_a_member_cannot_move_a_meeting(region, make_user, login):
    meeting = make_meeting(group=region["group"], starts_at=bangkok(2026, 12, 2, 9, 0))
    client = login(make_user("member_coordinator", region["members"]["TH"]))
    response = client.post(f"/meetings/{meeting.pk}/slots/apply/", {"starts_at": "2026-12-02T07:00:00+00:00"})
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.starts_at == bangkok(2026, 12, 2, 9, 0)
    with pytest.raises(PermissionDenied):
        meeting_start_apply(
            meeting=meeting,
            starts_at=datetime(2026, 12, 2, 7, tzinfo=UTC),
            actor=make_user("member_official", region["members"]["TH"]),
        )


def test_a_held_meeting_or_a_start_before_the_nomination_deadline_is_refused(region, make_user, login):
    rso = make_user("rso_staff")
    held = make_meeting(group=region["group"], status=Meeting.Status.HELD, starts_at=bangkok(2026, 12, 2, 9, 0))
    with pytest.raises(ValidationError) as error:
        meeting_start_apply(meeting=held, starts_at=datetime(2026, 12, 2, 7, tzinfo=UTC), actor=rso)
    assert "starts_at" in error.value.message_dict
    deadline = make_meeting(
        group=region["group"],
        starts_at=bangkok(2026, 12, 10, 9, 0),
        nomination_deadline=bangkok(2026, 12, 5, 17, 0),
    )
    client = login(rso)
    response = client.post(
        f"/meetings/{deadline.pk}/slots/apply/", {"starts_at": "2026-12-03T02:00:00+00:00"}, follow=True
    )
    assert "The meeting was not moved" in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.starts_at == bangkok(2026, 12, 10, 9, 0)
    assert not AuditEvent.objects.filter(verb="meeting.rescheduled").exists()


def test_a_malformed_start_is_named(region, make_user, login):
    meeting = make_meeting(group=region["group"])
    client = login(make_user("rso_staff"))
    response = client.post(f"/meetings/{meeting.pk}/slots/apply/", {"starts_at": "next tuesday"}, follow=True)
    assert "The new start: “next tuesday” is not a date and time." in response.content.decode()

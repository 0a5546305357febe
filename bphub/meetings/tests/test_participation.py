"""Invitations, nominations and their approval, the note verbale, the participant list and attendance,
through the pages the RSO and the coordinators use."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from bphub.communications.models import Notification, Topic
from bphub.core.models import AuditEvent, Classification
from bphub.directory.models import EngagementList, FocalPoint
from bphub.directory.testing import make_focal_point
from bphub.meetings.models import Delegate, Delegation, Meeting, MeetingInvitation
from bphub.meetings.services.delegations import delegation_nominate
from bphub.meetings.testing import MINIMAL_PDF, make_delegation, make_document, make_meeting, make_person
from bphub.members.models import Body, BodyMembership, Member

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(db):
    """Members AA and BB hold seats on WGX today (BB as observer); CC held one until 2019."""
    members = {
        code: Member.objects.create(code=code, name={"en": f"Member {code}"}, kind=Member.Kind.STATE)
        for code in ("AA", "BB", "CC")
    }
    body = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=members["AA"], body=body, valid_from=date(2020, 1, 1))
    BodyMembership.objects.create(
        member=members["BB"], body=body, valid_from=date(2020, 1, 1), role=BodyMembership.Role.OBSERVER
    )
    BodyMembership.objects.create(
        member=members["CC"], body=body, valid_from=date(2015, 1, 1), valid_to=date(2019, 12, 31)
    )
    return {**members, "body": body}


@pytest.fixture
def rso(make_user):
    return make_user("rso_staff")


def open_meeting(**fields) -> Meeting:
    fields.setdefault("status", Meeting.Status.REGISTRATION_OPEN)
    fields.setdefault("nomination_deadline", timezone.now() + timedelta(days=10))
    return make_meeting(**fields)


def nominate(client, meeting, member, roles: dict, *, action="submit", note_verbale=None):
    data = {f"role_{person.pk}": role for person, role in roles.items()}
    data["action"] = action
    if note_verbale is not None:
        data["note_verbale"] = note_verbale
    return client.post(f"/meetings/{meeting.pk}/delegations/{member.code}/", data)


def pdf_upload(name="note-verbale.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


# -- invitations --------------------------------------------------------------------------------


def test_inviting_a_working_group_invites_its_members_seated_today_observers_too(
    cast, rso, make_user, login, client, django_capture_on_commit_callbacks
):
    # given a coordinator for each member
    coordinators = {code: make_user("member_coordinator", cast[code]) for code in ("AA", "BB", "CC")}
    meeting = open_meeting(group=cast["body"])
    login(rso)

    # when the RSO invites the working group
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/invite/", {"target": "body", "b-body": cast["body"].pk})

    # then AA and BB (observer) are invited, CC (a past seat) is not, and their coordinators are told
    assert response.status_code == 302
    assert sorted(meeting.delegations.values_list("member__code", "status")) == [
        ("AA", "invited"),
        ("BB", "invited"),
    ]
    told = set(Notification.objects.filter(topic=Topic.DELEGATION).values_list("user_id", flat=True))
    assert told == {coordinators["AA"].pk, coordinators["BB"].pk}
    assert MeetingInvitation.objects.get(meeting=meeting).target == MeetingInvitation.Target.BODY
    assert AuditEvent.objects.filter(verb="meeting.invited", target_id=str(meeting.pk)).exists()


def test_inviting_again_changes_nothing(cast, rso, login, client):
    meeting = open_meeting()
    login(rso)
    client.post(f"/meetings/{meeting.pk}/invite/", {"target": "members", "m-members": [cast["AA"].pk]})
    delegation = meeting.delegations.get()
    delegation.status = Delegation.Status.SUBMITTED
    delegation.save()

    response = client.post(
        f"/meetings/{meeting.pk}/invite/", {"target": "members", "m-members": [cast["AA"].pk]}, follow=True
    )

    assert "Already invited" in response.content.decode()
    assert meeting.delegations.get().status == Delegation.Status.SUBMITTED
    assert MeetingInvitation.objects.filter(meeting=meeting).count() == 1


def test_a_body_level_meeting_refuses_a_member_without_a_seat_and_says_so(cast, rso, login, client):
    meeting = open_meeting(classification=Classification.BODY, body=cast["body"], originator=cast["AA"])
    login(rso)

    response = client.post(
        f"/meetings/{meeting.pk}/invite/", {"target": "members", "m-members": [cast["AA"].pk, cast["CC"].pk]}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Member CC (CC)" in page and "restricted" in page
    assert not meeting.delegations.exists()  # nothing changed, AA included


def test_a_restricted_meeting_is_released_to_the_members_it_invites(cast, rso, make_user, login, client):
    meeting = open_meeting(classification=Classification.RESTRICTED, originator=cast["AA"])
    official = make_user("member_official", cast["BB"])
    login(official)
    assert client.get(f"/meetings/{meeting.pk}/participants/").status_code == 404

    login(rso)
    client.post(f"/meetings/{meeting.pk}/invite/", {"target": "members", "m-members": [cast["BB"].pk]})

    login(official)
    assert client.get(f"/meetings/{meeting.pk}/participants/").status_code == 200
    assert list(meeting.released_to.values_list("code", flat=True)) == ["BB"]


def test_a_secretariat_meeting_cannot_invite_members(cast, rso, login, client):
    meeting = open_meeting(classification=Classification.SECRETARIAT)
    login(rso)
    response = client.post(f"/meetings/{meeting.pk}/invite/", {"target": "members", "m-members": [cast["AA"].pk]})
    assert "secretariat-only" in response.content.decode()
    assert not meeting.delegations.exists()


def test_inviting_an_engagement_list_invites_its_peoples_members_and_proposes_the_people(cast, rso, login, client):
    # given a list of AA's people
    ana = make_focal_point(cast["AA"], full_name="Ana Listed")
    engagement_list = EngagementList.objects.create(
        name="AA people", classification=Classification.MEMBERS, criteria={"member": "AA"}
    )
    meeting = open_meeting()
    login(rso)

    # when the RSO invites the list
    response = client.post(
        f"/meetings/{meeting.pk}/invite/", {"target": "list", "l-engagement_list": engagement_list.pk}
    )

    # then AA is invited, with Ana proposed as a delegate for the coordinator to confirm
    assert response.status_code == 302
    delegation = meeting.delegations.get()
    assert delegation.member == cast["AA"] and delegation.status == Delegation.Status.INVITED
    assert list(delegation.delegates.values_list("focal_point_id", "role")) == [(ana.pk, "delegate")]


def test_only_the_meetings_managers_invite(cast, make_user, login, client):
    meeting = open_meeting()
    login(make_user("member_coordinator", cast["AA"]))
    assert client.get(f"/meetings/{meeting.pk}/invite/").status_code == 404
    response = client.post(f"/meetings/{meeting.pk}/invite/", {"target": "members", "m-members": [cast["AA"].pk]})
    assert response.status_code == 404
    assert not meeting.delegations.exists()


# -- nominations --------------------------------------------------------------------------------


def test_the_whole_nomination_flow_gives_the_approved_delegates_the_documents(
    cast, rso, make_user, login, client, django_capture_on_commit_callbacks
):
    # given a members-level meeting to which BB is invited, with a paper of a body BB has no seat on
    steering = Body.objects.create(code="WGS", name={"en": "Steering"}, kind=Body.Kind.WORKING_GROUP)
    meeting = open_meeting(classification=Classification.MEMBERS, originator=cast["AA"], group=steering)
    document = make_document(meeting, title="Route analysis", classification=Classification.BODY, body=steering)
    delegation = make_delegation(meeting, cast["BB"])
    coordinator = make_user("member_coordinator", cast["BB"])
    head_user = make_user("member_official", cast["BB"])
    head = make_person(cast["BB"], name="Budi Head", user=head_user)
    adviser = make_person(cast["BB"], name="Citra Adviser")
    login(head_user)
    assert client.get(f"/meetings/documents/{document.pk}/").status_code == 404  # no seat on its body

    # when the coordinator nominates, with the note verbale, and submits
    login(coordinator)
    page = client.get(f"/meetings/{meeting.pk}/delegations/BB/").content.decode()
    assert "Budi Head" in page and "Citra Adviser" in page
    response = nominate(client, meeting, cast["BB"], {head: "head", adviser: "adviser"}, note_verbale=pdf_upload())
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.SUBMITTED
    assert delegation.note_verbale_content_type == "application/pdf"
    assert list(delegation.delegates.values_list("focal_point__full_name", "role")) == [
        ("Budi Head", "head"),
        ("Citra Adviser", "adviser"),
    ]

    # and the RSO approves it
    login(rso)
    listing = client.get(f"/meetings/{meeting.pk}/delegations/").content.decode()
    assert "Approve BB" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/delegations/BB/decide/", {"decision": "approve"})
    assert response.status_code == 302

    # then the head of delegation reads and downloads the document, and the coordinator is told
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.APPROVED and delegation.decided_by == rso
    login(head_user)
    assert client.get(f"/meetings/documents/{document.pk}/").status_code == 200
    download = client.get(f"/meetings/documents/{document.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == MINIMAL_PDF
    assert Notification.objects.filter(user=coordinator, topic=Topic.DELEGATION, verb="delegation.approved").exists()
    verbs = set(AuditEvent.objects.filter(target_type="meetings.delegation").values_list("verb", flat=True))
    assert {"delegation.submitted", "delegation.approved"} <= verbs


def test_a_nomination_needs_exactly_one_head_of_delegation(cast, make_user, login, client):
    meeting = open_meeting()
    delegation = make_delegation(meeting, cast["AA"])
    one, two = make_person(cast["AA"], name="One"), make_person(cast["AA"], name="Two")
    login(make_user("member_coordinator", cast["AA"]))

    two_heads = nominate(client, meeting, cast["AA"], {one: "head", two: "head"})
    no_head = nominate(client, meeting, cast["AA"], {one: "delegate", two: "adviser"})

    assert "one head of delegation" in two_heads.content.decode()
    assert "Choose the head of delegation" in no_head.content.decode()
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.INVITED and not delegation.delegates.exists()


def test_a_draft_is_saved_without_submitting(cast, make_user, login, client):
    meeting = open_meeting()
    delegation = make_delegation(meeting, cast["AA"])
    person = make_person(cast["AA"])
    login(make_user("member_coordinator", cast["AA"]))

    nominate(client, meeting, cast["AA"], {person: "delegate"}, action="save")

    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.INVITED
    assert delegation.delegates.get().focal_point == person


def test_a_coordinator_cannot_nominate_after_the_deadline_but_the_rso_still_can(cast, rso, make_user, login, client):
    meeting = open_meeting(nomination_deadline=timezone.now() - timedelta(hours=1))
    delegation = make_delegation(meeting, cast["AA"])
    person = make_person(cast["AA"], name="Late Person")
    login(make_user("member_coordinator", cast["AA"]))

    page = client.get(f"/meetings/{meeting.pk}/delegations/AA/").content.decode()
    refused = nominate(client, meeting, cast["AA"], {person: "head"})

    assert "Nominations closed on" in page
    assert "Nominations closed on" in refused.content.decode()
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.INVITED and not delegation.delegates.exists()

    login(rso)
    assert nominate(client, meeting, cast["AA"], {person: "head"}).status_code == 302
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.SUBMITTED


def test_a_coordinator_cannot_nominate_before_registration_opens(cast, make_user, login, client):
    meeting = open_meeting(status=Meeting.Status.ANNOUNCED)
    make_delegation(meeting, cast["AA"])
    person = make_person(cast["AA"])
    login(make_user("member_coordinator", cast["AA"]))
    response = nominate(client, meeting, cast["AA"], {person: "head"})
    assert "Nominations are not open yet" in response.content.decode()


def test_a_returned_nomination_carries_the_note_and_is_resubmitted(
    cast, rso, make_user, login, client, django_capture_on_commit_callbacks
):
    meeting = open_meeting()
    head, other = make_person(cast["AA"], name="First Head"), make_person(cast["AA"], name="Second Head")
    delegation = make_delegation(meeting, cast["AA"], status=Delegation.Status.SUBMITTED, people=[head])
    coordinator = make_user("member_coordinator", cast["AA"])
    login(rso)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/meetings/{meeting.pk}/delegations/AA/decide/",
            {"decision": "return", "note": "Please name a head at director level."},
        )

    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.RETURNED
    assert Notification.objects.filter(user=coordinator, verb="delegation.returned").exists()
    login(coordinator)
    assert (
        "Please name a head at director level."
        in client.get(f"/meetings/{meeting.pk}/delegations/AA/").content.decode()
    )
    nominate(client, meeting, cast["AA"], {head: "delegate", other: "head"})
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.SUBMITTED
    assert delegation.delegates.get(role="head").focal_point == other


def test_returning_needs_a_note(cast, rso, login, client):
    meeting = open_meeting()
    delegation = make_delegation(
        meeting, cast["AA"], status=Delegation.Status.SUBMITTED, people=[make_person(cast["AA"])]
    )
    login(rso)
    response = client.post(f"/meetings/{meeting.pk}/delegations/AA/decide/", {"decision": "return"}, follow=True)
    assert "Nothing was changed" in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.SUBMITTED


def test_changing_an_approved_delegation_sends_it_for_approval_again(cast, make_user, login, client):
    meeting = open_meeting()
    head, extra = make_person(cast["AA"]), make_person(cast["AA"])
    delegation = make_delegation(meeting, cast["AA"], status=Delegation.Status.APPROVED, people=[head])
    login(make_user("member_coordinator", cast["AA"]))

    nominate(client, meeting, cast["AA"], {head: "head", extra: "adviser"})

    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.SUBMITTED


def test_a_coordinator_declines_for_the_member(cast, make_user, login, client):
    meeting = open_meeting()
    delegation = make_delegation(meeting, cast["AA"])
    login(make_user("member_coordinator", cast["AA"]))
    response = client.post(f"/meetings/{meeting.pk}/delegations/AA/", {"action": "decline"})
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.DECLINED


def test_a_coordinator_sees_only_their_own_members_nomination(cast, make_user, login, client):
    meeting = open_meeting()
    make_delegation(meeting, cast["AA"])
    make_delegation(meeting, cast["BB"])
    login(make_user("member_coordinator", cast["BB"]))

    assert client.get(f"/meetings/{meeting.pk}/delegations/AA/").status_code == 404
    listing = client.get(f"/meetings/{meeting.pk}/delegations/").content.decode()
    assert "Member BB" in listing and "Member AA" not in listing


def test_only_the_members_focal_points_can_be_nominated(cast, make_user):
    meeting = open_meeting()
    delegation = make_delegation(meeting, cast["AA"])
    stranger = make_person(cast["BB"], name="Not Ours")
    with pytest.raises(ValidationError):
        delegation_nominate(
            delegation=delegation,
            actor=make_user("member_coordinator", cast["AA"]),
            people=[(stranger.pk, "head")],
            submit=True,
        )
    assert not delegation.delegates.exists()


def test_a_note_verbale_is_checked_by_its_content(cast, make_user, login, client):
    meeting = open_meeting()
    delegation = make_delegation(meeting, cast["AA"])
    person = make_person(cast["AA"])
    login(make_user("member_coordinator", cast["AA"]))

    response = nominate(client, meeting, cast["AA"], {person: "head"}, note_verbale=SimpleUploadedFile("nv.pdf", PNG))

    page = response.content.decode()
    assert "“nv.pdf” was refused" in page and "image/png" in page
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.INVITED and not delegation.note_verbale


def test_the_note_verbale_is_for_the_rso_and_the_members_coordinators_only(cast, rso, make_user, login, client):
    meeting = open_meeting()
    delegation = make_delegation(meeting, cast["AA"])
    login(make_user("member_coordinator", cast["AA"]))
    nominate(client, meeting, cast["AA"], {make_person(cast["AA"]): "head"}, note_verbale=pdf_upload("NV 12-2026.pdf"))
    url = f"/meetings/{meeting.pk}/delegations/AA/note-verbale/"

    own = client.get(url)
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment") and "NV 12-2026.pdf" in own["Content-Disposition"]
    assert own["X-Content-Type-Options"] == "nosniff" and own["Content-Type"] == "application/pdf"

    login(rso)
    assert client.get(url).status_code == 200
    for outsider in (
        make_user("member_coordinator", cast["BB"]),
        make_user("member_official", cast["AA"]),
        make_user("wg_co_chair", cast["AA"]),
    ):
        login(outsider)
        assert client.get(url).status_code == 404, outsider.role
    delegation.refresh_from_db()
    assert delegation.note_verbale_name == "NV 12-2026.pdf"


# -- participants and attendance ----------------------------------------------------------------


def test_the_participant_list_shows_approved_people_without_contact_details(cast, make_user, login, client):
    meeting = open_meeting()
    approved = make_focal_point(cast["AA"], full_name="Dewi Approved", emails=["dewi@example.org"])
    waiting = make_person(cast["BB"], name="Eko Waiting")
    make_delegation(meeting, cast["AA"], status=Delegation.Status.APPROVED, people=[approved])
    make_delegation(meeting, cast["BB"], status=Delegation.Status.SUBMITTED, people=[waiting])
    login(make_user("member_official", cast["CC"]))

    page = client.get(f"/meetings/{meeting.pk}/participants/").content.decode()

    assert "Dewi Approved" in page and "Head of delegation" in page and "AA" in page
    assert "Eko Waiting" not in page
    assert "dewi@example.org" not in page


def test_the_participant_list_withholds_names_the_reader_may_not_see(cast, make_user, login, client):
    meeting = open_meeting(classification=Classification.PUBLIC)
    secret = make_person(cast["AA"], name="Hidden Person", classification=Classification.SECRETARIAT)
    make_delegation(meeting, cast["AA"], status=Delegation.Status.APPROVED, people=[secret])

    page = client.get(f"/meetings/{meeting.pk}/participants/").content.decode()

    assert "Hidden Person" not in page and "name not shown" in page


def test_a_list_of_300_participants_takes_a_constant_number_of_queries(
    cast, rso, login, client, django_assert_max_num_queries
):
    meeting = open_meeting(starts_at=timezone.now() - timedelta(hours=2))
    for code in ("AA", "BB", "CC"):
        people = [
            FocalPoint.objects.create(member=cast[code], originator=cast[code], full_name=f"{code} person {i}")
            for i in range(100)
        ]
        make_delegation(meeting, cast[code], status=Delegation.Status.APPROVED, people=people)
    login(rso)
    client.get("/meetings/documents/")  # warm the session and the user's caches

    with django_assert_max_num_queries(12):
        response = client.get(f"/meetings/{meeting.pk}/participants/")

    assert response.content.decode().count('scope="row"') == 300


def test_attendance_is_recorded_once_the_meeting_started_and_is_a_sign_of_life(cast, rso, login, client):
    meeting = open_meeting(starts_at=timezone.now() - timedelta(hours=1))
    there, absent = make_person(cast["AA"], name="Was There"), make_person(cast["AA"], name="Stayed Home")
    make_delegation(meeting, cast["AA"], status=Delegation.Status.APPROVED, people=[there, absent])
    seats = {d.focal_point_id: d for d in Delegate.objects.filter(delegation__meeting=meeting)}
    login(rso)

    response = client.post(
        f"/meetings/{meeting.pk}/participants/attendance/",
        {f"attended_{seats[there.pk].pk}": "yes", f"attended_{seats[absent.pk].pk}": "no"},
    )

    assert response.status_code == 302
    assert {d.focal_point_id: d.attended for d in Delegate.objects.filter(delegation__meeting=meeting)} == {
        there.pk: True,
        absent.pk: False,
    }
    there.refresh_from_db()
    absent.refresh_from_db()
    assert there.last_sign_of_life_at is not None and absent.last_sign_of_life_at is None
    assert AuditEvent.objects.filter(verb="meeting.attendance_recorded").exists()
    assert "attended" in client.get(f"/meetings/{meeting.pk}/participants/").content.decode()


def test_attendance_waits_for_the_meeting_to_start(cast, rso, login, client):
    meeting = open_meeting()
    person = make_person(cast["AA"])
    make_delegation(meeting, cast["AA"], status=Delegation.Status.APPROVED, people=[person])
    seat = Delegate.objects.get(delegation__meeting=meeting)
    login(rso)

    page = client.get(f"/meetings/{meeting.pk}/participants/").content.decode()
    client.post(f"/meetings/{meeting.pk}/participants/attendance/", {f"attended_{seat.pk}": "yes"})

    assert "once the meeting has started" in page
    seat.refresh_from_db()
    assert seat.attended is None


def test_only_managers_record_attendance(cast, make_user, login, client):
    meeting = open_meeting(starts_at=timezone.now() - timedelta(hours=1))
    make_delegation(meeting, cast["AA"], status=Delegation.Status.APPROVED, people=[make_person(cast["AA"])])
    seat = Delegate.objects.get(delegation__meeting=meeting)
    login(make_user("member_coordinator", cast["AA"]))
    response = client.post(f"/meetings/{meeting.pk}/participants/attendance/", {f"attended_{seat.pk}": "yes"})
    assert response.status_code == 404
    seat.refresh_from_db()
    assert seat.attended is None


# -- the meeting page's delegations panel -------------------------------------------------------


def render_panel(tag: str, meeting, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load meetings_participation %}{% " + tag + " meeting %}").render(
        Context({"meeting": meeting, "request": request, "user": user})
    )


def test_the_delegations_panel_counts_by_status_and_links_the_coordinator_to_nominate(
    cast, make_user, django_assert_max_num_queries
):
    meeting = open_meeting()
    make_delegation(meeting, cast["AA"])
    make_delegation(meeting, cast["BB"], status=Delegation.Status.APPROVED)
    make_delegation(meeting, cast["CC"], status=Delegation.Status.APPROVED)
    coordinator = make_user("member_coordinator", cast["AA"])

    with django_assert_max_num_queries(3):
        html = render_panel("delegations_panel", meeting, coordinator)

    assert "Approved" in html and "Invited" in html
    assert f"/meetings/{meeting.pk}/delegations/AA/" in html and "Nominate the delegation" in html
    assert f"/meetings/{meeting.pk}/participants/" in html
    assert f"/meetings/{meeting.pk}/invite/" not in html  # not a manager


def test_the_delegations_panel_gives_managers_their_links(cast, rso, django_assert_max_num_queries):
    meeting = open_meeting()
    make_delegation(meeting, cast["AA"])
    with django_assert_max_num_queries(3):
        html = render_panel("delegations_panel", meeting, rso)
    assert f"/meetings/{meeting.pk}/invite/" in html and f"/meetings/{meeting.pk}/delegations/" in html


def test_the_meeting_page_shows_the_delegations_and_documents_panels(cast, make_user, login, client):
    meeting = open_meeting()
    make_delegation(meeting, cast["AA"])
    make_document(meeting, title="Concept note on returns")
    login(make_user("member_coordinator", cast["AA"]))

    page = client.get(f"/meetings/{meeting.pk}/").content.decode()

    assert "Nominate the delegation" in page and f"/meetings/{meeting.pk}/delegations/AA/" in page
    assert "Concept note on returns" in page and "/download/" in page

"""Drafts and what hangs off them leave no trace for readers who do not run the meeting; outcomes wait
for publication; delegation pages name only people the reader may see; a body meeting's restricted
parts stay within the body; reminders cope with a title on two lines."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bphub.communications.models import Notification
from bphub.core.models import Classification
from bphub.meetings.models import ActionItem, Delegation, Document, Meeting, Outcome
from bphub.meetings.services import lifecycle
from bphub.meetings.services.actions import action_create
from bphub.meetings.services.documents import document_upload
from bphub.meetings.services.invitations import meeting_invite
from bphub.meetings.services.reminders import deadline_reminders_send
from bphub.meetings.testing import (
    MINIMAL_PDF,
    make_action,
    make_delegation,
    make_document,
    make_meeting,
    make_person,
)
from bphub.members.models import Body, BodyMembership, Member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(db):
    """AA and BB sit on WGX today; CC does not."""
    members = {
        code: Member.objects.create(code=code, name={"en": f"Member {code}"}, kind=Member.Kind.STATE)
        for code in ("AA", "BB", "CC")
    }
    body = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    for code in ("AA", "BB"):
        BodyMembership.objects.create(member=members[code], body=body, valid_from=date(2020, 1, 1))
    return {**members, "body": body}


def _draft_with_parts(cast):
    draft = make_meeting(title="Quiet draft", group=cast["body"], status=Meeting.Status.DRAFT)
    document = make_document(draft, title="Draft paper", text="draftword")
    action = make_action(draft, title="Draft action", owner_member=cast["AA"])
    make_delegation(draft, cast["AA"], status=Delegation.Status.APPROVED, people=[make_person(cast["AA"])])
    return draft, document, action


# -- drafts are seen only by their managers, everywhere -------------------------------------------


def test_a_draft_and_its_parts_leave_no_trace_for_readers_who_do_not_manage_it(cast, client, login, make_user):
    draft, document, action = _draft_with_parts(cast)
    login(make_user("member_coordinator", cast["AA"]))

    for path in (
        f"/meetings/{draft.pk}/pre-briefing/",
        f"/meetings/{draft.pk}/pre-briefing.pdf",
        f"/meetings/{draft.pk}/participants/",
        f"/meetings/{draft.pk}/delegations/",
        f"/meetings/{draft.pk}/delegations/AA/",
        f"/meetings/documents/{document.pk}/",
        f"/meetings/documents/{document.pk}/download/",
        f"/meetings/actions/{action.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    pages = "".join(
        client.get(path).content.decode()
        for path in ("/meetings/groups/WGX/", "/meetings/documents/?q=draftword", "/meetings/actions/?owner=mine", "/")
    )
    for secret in ("Quiet draft", "Draft paper", "Draft action"):
        assert secret not in pages, secret


def test_the_people_who_run_a_draft_still_see_it_and_its_parts(cast, client, login, make_user):
    draft, document, action = _draft_with_parts(cast)
    co_chair = make_user("wg_co_chair", cast["BB"])
    co_chair.chaired_bodies.set([cast["body"]])

    for user in (make_user("rso_staff"), co_chair):
        login(user)
        assert client.get(f"/meetings/{draft.pk}/pre-briefing/").status_code == 200
        assert client.get(f"/meetings/documents/{document.pk}/").status_code == 200
        assert client.get(f"/meetings/actions/{action.pk}/").status_code == 200
        assert "Quiet draft" in client.get("/meetings/groups/WGX/").content.decode()


def test_nobody_is_told_about_a_draft_until_it_is_announced(cast, make_user, django_capture_on_commit_callbacks):
    rso = make_user("rso_staff")
    coordinator = make_user("member_coordinator", cast["AA"])
    draft = make_meeting(title="Quiet draft", group=cast["body"], status=Meeting.Status.DRAFT)
    upload = SimpleUploadedFile("paper.pdf", MINIMAL_PDF, content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        meeting_invite(meeting=draft, actor=rso, members=[cast["AA"]])
        document_upload(
            meeting=draft,
            actor=rso,
            upload=upload,
            doc_type=Document.Type.BACKGROUND,
            title={"en": "Draft paper"},
            language="en",
            classification=Classification.MEMBERS,
        )
        action_create(
            meeting=draft,
            title={"en": "Draft action"},
            owner_kind=ActionItem.Owner.MEMBER,
            owner_member=cast["AA"],
            actor=rso,
        )
    assert not Notification.objects.filter(user=coordinator).exists()

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.meeting_announce(meeting=draft, actor=rso)
    assert Notification.objects.filter(user=coordinator, verb="meeting.announced").exists()


# -- delegate names are shown only to those who may see the person's record -------------------------


def test_the_delegation_pages_do_not_name_people_the_reader_may_not_see(cast, client, login, make_user):
    meeting = make_meeting(group=cast["body"])
    shown = make_person(cast["BB"], name="Shown Person")
    hidden = make_person(cast["BB"], name="Hidden Person", classification=Classification.SECRETARIAT)
    make_delegation(meeting, cast["BB"], status=Delegation.Status.SUBMITTED, people=[shown, hidden])
    co_chair = make_user("wg_co_chair", cast["AA"])
    co_chair.chaired_bodies.set([cast["body"]])

    for user in (co_chair, make_user("member_coordinator", cast["BB"])):
        login(user)
        pages = client.get(f"/meetings/{meeting.pk}/delegations/").content.decode()
        pages += client.get(f"/meetings/{meeting.pk}/delegations/BB/").content.decode()
        assert "Shown Person" in pages and "Hidden Person" not in pages, user.role
        assert "(name not shown)" in pages

    login(make_user("rso_staff"))
    assert "Hidden Person" in client.get(f"/meetings/{meeting.pk}/delegations/").content.decode()


# -- a part of a body-level meeting is never released beyond the body -----------------------------


def test_a_restricted_part_of_a_body_meeting_cannot_be_released_to_a_member_outside_the_body(
    cast, client, login, make_user
):
    meeting = make_meeting(
        title="Body meeting", classification=Classification.BODY, body=cast["body"], originator=cast["AA"]
    )
    rso = make_user("rso_staff")
    login(rso)

    response = client.post(
        f"/meetings/{meeting.pk}/outcomes/new/",
        {"kind": "decision", "text_0": "Outside eyes only.", "classification": "restricted", "released_to": ["CC"]},
    )
    assert response.status_code == 400 and "CC" in response.content.decode()
    assert not Outcome.objects.exists()

    with pytest.raises(ValidationError) as refused:
        action_create(
            meeting=meeting,
            title={"en": "Outside action"},
            owner_kind=ActionItem.Owner.RSO,
            classification=Classification.RESTRICTED,
            released_to=[cast["CC"]],
            actor=rso,
        )
    assert "released_to" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        document_upload(
            meeting=meeting,
            actor=rso,
            upload=SimpleUploadedFile("p.pdf", MINIMAL_PDF),
            doc_type="background",
            title={"en": "Outside paper"},
            language="en",
            classification=Classification.RESTRICTED,
            released_to=[cast["CC"]],
        )
    assert "released_to" in refused.value.message_dict
    assert not ActionItem.objects.exists() and not Document.objects.exists()

    # A member seated on the body is fine.
    outcome_ok = client.post(
        f"/meetings/{meeting.pk}/outcomes/new/",
        {"kind": "decision", "text_0": "For BB.", "classification": "restricted", "released_to": ["BB"]},
    )
    assert outcome_ok.status_code == 302
    assert list(Outcome.objects.get().released_to.values_list("code", flat=True)) == ["BB"]


# -- mail ----------------------------------------------------------------------------------------


def test_a_deadline_reminder_goes_out_for_a_title_written_on_two_lines(cast, make_user):
    now = timezone.now()
    meeting = make_meeting(
        title="Line one\nBcc: someone@example.org",
        status=Meeting.Status.REGISTRATION_OPEN,
        nomination_deadline=now + timedelta(days=2),
        starts_at=now + timedelta(days=10),
    )
    make_delegation(meeting, cast["AA"])
    coordinator = make_user("member_coordinator", cast["AA"])

    assert deadline_reminders_send(now=now) == 1

    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert "\n" not in message.subject and "Line one Bcc: someone@example.org" in message.subject
    assert "Bcc" not in message.message().keys()


# -- outcomes are read once published (before, by the people who run the meeting) -----------------


def test_outcomes_not_yet_published_show_only_to_those_who_run_the_meeting(cast, client, login, make_user):
    from bphub.meetings.models import MeetingSeries
    from bphub.meetings.testing import make_outcome

    series = MeetingSeries.objects.create(code="som", name={"en": "SOM"}, kind=Meeting.Kind.SENIOR_OFFICIALS)
    held = make_meeting(
        title="SOM 1",
        series=series,
        number=1,
        group=cast["body"],
        status=Meeting.Status.HELD,
        starts_at=timezone.now() - timedelta(days=2),
    )
    outcome = make_outcome(held, text="Unagreed wording.")
    action = make_action(held, title="Follow the wording", owner_member=cast["AA"], outcome=outcome)
    following = make_meeting(title="SOM 2", series=series, number=2, group=cast["body"])

    login(make_user("member_coordinator", cast["AA"]))
    paths = (f"/meetings/{held.pk}/", f"/meetings/actions/{action.pk}/", f"/meetings/{following.pk}/pre-briefing/")
    pages = "".join(client.get(path).content.decode() for path in paths)
    assert "Unagreed wording." not in pages
    assert "The outcomes are not published yet." in pages

    login(make_user("rso_staff"))
    assert "Unagreed wording." in client.get(f"/meetings/{held.pk}/").content.decode()

    held.status = Meeting.Status.OUTCOMES_PUBLISHED
    held.save()
    login(make_user("member_coordinator", cast["AA"]))
    assert "Unagreed wording." in client.get(f"/meetings/{held.pk}/").content.decode()
    assert "Unagreed wording." in client.get(f"/meetings/{following.pk}/pre-briefing/").content.decode()

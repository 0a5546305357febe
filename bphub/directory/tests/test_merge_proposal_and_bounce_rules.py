"""Merges never widen readership nor let an old link or
proposal act on the survivor; approvals keep what changed meanwhile; only mailbox refusals bounce;
review dates follow the site's time zone, not the reader's."""

import smtplib
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bphub.core import policy
from bphub.core.models import Classification
from bphub.directory.models import ChangeProposal, ConfirmationRequest, Email, FocalPoint, Revision
from bphub.directory.services.merges import agency_merge, focal_point_merge
from bphub.directory.services.proposals import proposal_approve
from bphub.directory.services.records import focal_point_save, revision_list
from bphub.directory.services.verification import email_bounces_from_delivery_failure
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(reference):
    return {code: Member.objects.get(code=code) for code in ("TH", "ID", "AU")}


def test_a_merge_gives_the_survivor_the_stricter_classification(members, make_user):
    rso = make_user("rso_admin", member=None)
    survivor = make_focal_point(members["TH"], full_name="Anan Suk", emails=["anan@gov.th.example"])
    duplicate = make_focal_point(
        members["TH"], full_name="Anan Suk", emails=["anan.home@mail.th.example"],
        classification=Classification.RESTRICTED,
    )
    official = make_user("member_official", member=members["ID"])

    focal_point_merge(survivor=survivor, duplicate=duplicate, actor=rso)

    survivor.refresh_from_db()
    assert survivor.classification == Classification.RESTRICTED
    assert not policy.visible_to(FocalPoint.objects.filter(pk=survivor.pk), official).exists()


def test_merging_two_restricted_records_keeps_only_the_members_both_were_released_to(members, make_user):
    rso = make_user("rso_admin", member=None)
    survivor = make_focal_point(members["TH"], classification=Classification.RESTRICTED, released_to=[members["ID"]])
    duplicate = make_focal_point(
        members["TH"], classification=Classification.RESTRICTED, released_to=[members["ID"], members["AU"]]
    )
    focal_point_merge(survivor=survivor, duplicate=duplicate, actor=rso)
    assert set(survivor.released_to.all()) == {members["ID"]}


def test_a_link_mailed_to_the_duplicate_is_used_up_by_the_merge(members, make_user):
    rso = make_user("rso_admin", member=None)
    survivor = make_focal_point(members["TH"])
    duplicate = make_focal_point(members["TH"])
    link = ConfirmationRequest.objects.create(
        focal_point=duplicate, token_digest="x" * 64, sent_to="d@example.org",
        expires_at=timezone.now() + timedelta(days=7),
    )
    focal_point_merge(survivor=survivor, duplicate=duplicate, actor=rso)
    link.refresh_from_db()
    assert link.focal_point_id == duplicate.pk and not link.is_usable and link.outcome == "merged"


def test_approving_adds_and_removes_only_what_the_person_changed(members, make_user):
    coordinator = make_user("member_coordinator", member=members["TH"])
    person = make_focal_point(members["TH"], emails=["a@gov.th.example", "b@gov.th.example"], title="Director")
    proposal = ChangeProposal.objects.create(
        focal_point=person,
        proposed={"emails": ["a@gov.th.example", "c@gov.th.example"]},  # removes b, adds c
        base={"emails": ["a@gov.th.example", "b@gov.th.example"]},
    )
    focal_point_save(focal_point=person, data={"emails": ["a@gov.th.example", "b@gov.th.example", "d@gov.th.example"]})

    proposal_approve(proposal=proposal, actor=coordinator)

    assert [e.address for e in person.emails.all()] == ["a@gov.th.example", "d@gov.th.example", "c@gov.th.example"]


def test_a_field_changed_by_someone_else_since_the_proposal_is_not_overwritten(members, make_user):
    coordinator = make_user("member_coordinator", member=members["TH"])
    person = make_focal_point(members["TH"], title="Director")
    proposal = ChangeProposal.objects.create(
        focal_point=person, proposed={"title": "Deputy Director"}, base={"title": "Director"}
    )
    focal_point_save(focal_point=person, data={"title": "Director-General"})

    with pytest.raises(ValidationError):
        proposal_approve(proposal=proposal, actor=coordinator)
    person.refresh_from_db()
    assert person.title == "Director-General"
    assert ChangeProposal.objects.get(pk=proposal.pk).status == ChangeProposal.Status.PENDING


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"),
        smtplib.SMTPSenderRefused(550, b"5.7.1 Sender rejected", "rso@example.org"),
        smtplib.SMTPDataError(554, b"5.6.0 Content rejected"),
    ],
)
def test_a_refusal_that_is_not_about_the_mailbox_marks_nothing_bounced(members, error):
    person = make_focal_point(members["TH"], emails=["good@gov.th.example"])
    assert email_bounces_from_delivery_failure(recipients=["good@gov.th.example"], error=error) == 0
    assert Email.objects.get(focal_point=person).bounced_at is None


def test_a_mailbox_refusal_in_the_data_answer_marks_the_address(members):
    person = make_focal_point(members["TH"], emails=["gone@gov.th.example"])
    error = smtplib.SMTPDataError(550, b"5.1.1 Mailbox does not exist")
    assert email_bounces_from_delivery_failure(recipients=["gone@gov.th.example"], error=error) == 1
    assert Email.objects.get(focal_point=person).bounced_at is not None


def test_an_agency_merge_writes_the_move_into_the_history_of_its_people(members, make_user):
    rso = make_user("rso_admin", member=None)
    keep, gone = make_agency(members["TH"], acronym="IMM"), make_agency(members["TH"], acronym="IMB")
    person = make_focal_point(members["TH"], agency=gone)
    agency_merge(survivor=keep, duplicate=gone, actor=rso)
    latest = revision_list(person)[0]
    assert latest.source == Revision.Source.MERGE and latest.snapshot["agency"] == keep.pk


def test_review_dates_are_the_same_whatever_zone_the_reader_is_in(members, settings):
    settings.TIME_ZONE = "UTC"
    person = make_focal_point(members["TH"])
    # Confirmed at 23:30 UTC: already the next day in Kiribati (UTC+14), the same day in Samoa (UTC-11).
    person.last_confirmed_at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    due = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            due[zone] = person.compute_review_due_on()
    assert due["Pacific/Kiritimati"] == due["Pacific/Pago_Pago"]


def test_an_import_never_shows_nor_changes_a_record_the_coordinator_may_not_see(members, make_user):
    from bphub.directory.services.imports import import_apply, import_preview

    coordinator = make_user("member_coordinator", member=members["TH"])
    hidden = make_focal_point(
        members["TH"], full_name="Hidden Secretariat Person", emails=["hidden@gov.th.example"], title="Analyst",
        classification=Classification.SECRETARIAT,
    )
    content = b"Full name,E-mail,Position\nSomeone Else,hidden@gov.th.example,Changed By Coord\n"

    batch = import_preview(member=members["TH"], filename="list.csv", content=content, actor=coordinator)

    row = batch.report["rows"][0]
    assert row["outcome"] == "conflicting"
    assert "Hidden Secretariat Person" not in str(batch.report) and "Analyst" not in str(batch.report)
    with pytest.raises(ValidationError):
        import_apply(batch=batch, actor=coordinator)
    hidden.refresh_from_db()
    assert hidden.title == "Analyst"
    assert FocalPoint.objects.filter(member=members["TH"]).count() == 1  # and no duplicate made


def test_a_coordinator_nominates_from_the_person_page_and_trusted_addresses_verify_on_save(
    members, make_user, client, login
):
    coordinator = make_user("member_coordinator", member=members["TH"])
    make_agency(members["TH"], acronym="IMM", email_domains="immigration.go.th.example")
    outsider = make_focal_point(members["TH"], emails=["someone@gmail.example"])
    login(coordinator)

    page = client.get(f"/directory/people/{outsider.pk}/").content.decode()
    assert f"/directory/people/{outsider.pk}/verify/" in page
    client.post(f"/directory/people/{outsider.pk}/verify/")
    outsider.refresh_from_db()
    assert outsider.is_verified and outsider.verified_via == "nomination"

    response = client.post(
        "/directory/people/new/?member=TH",
        {"full_name": "Niran Chai", "emails": "niran@immigration.go.th.example", "classification": "members",
         "review_cadence_days": 182},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    niran = FocalPoint.objects.get(full_name="Niran Chai")
    assert niran.is_verified and niran.verified_via == "trusted_domain"

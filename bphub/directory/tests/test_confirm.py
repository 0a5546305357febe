"""The confirmation link: no sign-in, one use, only the person's own record; opening is not confirming."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bphub.core.models import AuditEvent
from bphub.directory.models import (
    ChangeProposal,
    ConfirmationRequest,
    ConfirmedVia,
    FocalPoint,
    Freshness,
    Revision,
    RoleKind,
)
from bphub.directory.services.freshness import freshness_sweep
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member
from bphub.outbox.models import OutboundEmail
from bphub.outbox.testing import OUTBOX_MAILER

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(?P<path>/directory/confirm/[\w-]+/)")


@pytest.fixture(autouse=True)
def mail_goes_to_the_outbox(settings):
    settings.MAILERS = {**settings.MAILERS, "default": OUTBOX_MAILER}


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def coordinator(indonesia, make_user):
    return make_user("member_coordinator", member=indonesia, email="coord@example.org", full_name="Rina Coordinator")


@pytest.fixture
def person(indonesia):
    agency = make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    person = make_focal_point(
        indonesia,
        full_name="Siti Rahma",
        local_name="Siti Rahma",
        title="Director",
        agency=agency,
        emails=["siti@imigrasi.go.id"],
        phones=["+622152505050"],
        roles=[{"kind": RoleKind.NATIONAL, "body": None, "theme": None}],
        preferred_language="en",
        time_zone="Asia/Jakarta",
    )
    FocalPoint.all_objects.filter(pk=person.pk).update(review_due_on=timezone.localdate() - timedelta(days=40))
    person.refresh_from_db()
    return person


@pytest.fixture
def link(person) -> str:
    """The path of the link the sweep mailed to `person`."""
    freshness_sweep()
    email = OutboundEmail.objects.get(to=["siti@imigrasi.go.id"])
    return LINK.search(email.body)["path"]


def test_opening_the_link_shows_the_persons_own_record_without_sign_in(client, link, person, indonesia):
    # given someone else of the same member in the directory
    make_focal_point(indonesia, full_name="Other Colleague", emails=["other@imigrasi.go.id"])

    response = client.get(link)

    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        "Siti Rahma",
        "Director",
        "Directorate General of Immigration",
        "siti@imigrasi.go.id",
        "+62 21 52505050",
        "National focal point",
        "Asia/Jakarta",
        "Bahasa Indonesia",
        "Confirm without change",
        "Propose changes",
    ):
        assert shown in page, shown
    assert "Other Colleague" not in page and "other@imigrasi.go.id" not in page
    assert '<meta name="robots" content="noindex' in page
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"  # the token never reaches another site


def test_opening_is_a_sign_of_life_never_a_confirmation(client, link, person):
    client.get(link)
    client.get(link)

    person.refresh_from_db()
    request = ConfirmationRequest.objects.get(focal_point=person)
    assert request.opened_at is not None and request.used_at is None
    assert person.last_sign_of_life_at is not None
    assert person.last_confirmed_at is None
    assert person.freshness == Freshness.OVERDUE


def test_confirm_without_change_restarts_the_review_and_uses_up_the_link(client, link, person):
    response = client.post(link, {"action": "confirm"})

    assert response.status_code == 200
    assert "Your entry is confirmed" in response.content.decode()
    person.refresh_from_db()
    assert person.last_confirmed_via == ConfirmedVia.LINK
    assert person.freshness == Freshness.UP_TO_DATE
    request = ConfirmationRequest.objects.get(focal_point=person)
    assert request.used_at is not None and request.outcome == "confirmed"
    revision = Revision.objects.filter(record_type="focal_point", record_id=person.pk).first()
    assert revision.source == Revision.Source.CONFIRMATION and revision.actor_label == "confirmation link"
    assert AuditEvent.objects.filter(verb="focal_point.confirmed", target_id=str(person.pk)).exists()


def test_a_used_link_says_so_with_whom_to_contact(client, link, person, coordinator):
    client.post(link, {"action": "confirm"})

    again = client.get(link)
    post_again = client.post(link, {"action": "confirm"})

    assert again.status_code == 410 and post_again.status_code == 410
    page = again.content.decode()
    assert "already used" in page
    assert "Rina Coordinator" in page and "coord@example.org" in page
    assert "Siti Rahma" not in page
    assert ConfirmationRequest.objects.get(focal_point=person).outcome == "confirmed"


def test_an_expired_link_cannot_be_used(client, link, person):
    ConfirmationRequest.objects.filter(focal_point=person).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(link)
    posted = client.post(link, {"action": "confirm"})

    assert response.status_code == 410 and "expired" in response.content.decode()
    assert posted.status_code == 410
    person.refresh_from_db()
    assert person.last_confirmed_at is None and person.last_sign_of_life_at is None


def test_an_unknown_or_tampered_token_is_not_found(client, link):
    assert client.get("/directory/confirm/not-a-token/").status_code == 404
    assert client.get(link[:-3] + "xx/").status_code == 404


def test_proposing_changes_stores_a_pending_proposal_and_tells_the_coordinator(client, link, person, coordinator):
    # given the form as the page fills it in, with a new title and phone
    page = client.get(link)
    initial = page.context["form"].initial
    data = {**initial, "action": "propose", "title": "Director-General", "phones": "+62 21 5250 9999"}

    response = client.post(link, data)

    # then the record is unchanged, a proposal waits, the link is used, the coordinator is told
    assert response.status_code == 200
    assert "sent to the coordinator" in response.content.decode()
    person.refresh_from_db()
    assert person.title == "Director"
    proposal = ChangeProposal.objects.get(focal_point=person)
    assert proposal.status == ChangeProposal.Status.PENDING
    assert proposal.proposed == {"title": "Director-General", "phones": ["+622152509999"]}
    request = ConfirmationRequest.objects.get(focal_point=person)
    assert request.used_at is not None and request.outcome == "proposed"
    [mail] = OutboundEmail.objects.filter(to=[coordinator.email])
    assert f"/directory/proposals/{proposal.pk}/" in mail.body and "Siti Rahma" in mail.body
    assert person.last_confirmed_at is None  # only the coordinator's approval confirms


def test_invalid_proposed_values_are_shown_and_nothing_is_stored(client, link, person):
    initial = client.get(link).context["form"].initial
    data = {**initial, "action": "propose", "emails": "not an address", "time_zone": "Mars/Olympus"}

    response = client.post(link, data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "not a valid email address" in errors["emails"][0]
    assert "not a time zone" in errors["time_zone"][0]
    assert not ChangeProposal.objects.exists()
    assert ConfirmationRequest.objects.get(focal_point=person).used_at is None


def test_proposing_nothing_is_refused(client, link, person):
    initial = client.get(link).context["form"].initial
    response = client.post(link, {**initial, "action": "propose"})
    assert response.status_code == 400
    assert "You changed nothing" in response.content.decode()
    assert not ChangeProposal.objects.exists()


def test_a_note_alone_is_a_proposal(client, link, person):
    initial = client.get(link).context["form"].initial
    client.post(link, {**initial, "action": "propose", "note": "I moved to the police."})
    proposal = ChangeProposal.objects.get()
    assert proposal.proposed == {} and proposal.note == "I moved to the police."


def test_a_signed_in_visitor_sees_the_same_page(client, link, make_user, login):
    login(make_user("researcher"))
    assert client.get(link).status_code == 200


def test_the_page_speaks_the_persons_preferred_language(client, link, person):
    FocalPoint.all_objects.filter(pk=person.pk).update(preferred_language="id")
    page = client.get(link).content.decode()
    assert '<html lang="id"' in page
    assert "Konfirmasi" in page or "konfirmasi" in page

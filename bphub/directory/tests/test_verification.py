"""Verification (nomination, trusted domain, a year's validity) and bounced addresses."""

import logging
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import send_mail
from django.test import override_settings
from django.utils import timezone

from bphub.core.models import AuditEvent
from bphub.directory.models import VERIFICATION_VALID_DAYS, ConfirmationRequest, Email, FocalPoint
from bphub.directory.services.freshness import freshness_sweep
from bphub.directory.services.verification import email_mark_bounced, verification_auto
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member
from bphub.outbox.models import OutboundEmail
from bphub.outbox.services import outbox_deliver
from bphub.outbox.testing import OUTBOX_MAILER, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mail_goes_to_the_outbox(settings):
    settings.MAILERS = {**settings.MAILERS, "default": OUTBOX_MAILER}


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def thailand(reference):
    return Member.objects.get(code="TH")


def verified_until_ago(person, days: int):
    FocalPoint.all_objects.filter(pk=person.pk).update(verified_until=timezone.localdate() - timedelta(days=days))
    person.refresh_from_db()
    return person


# -- nomination ---------------------------------------------------------------------------------


def test_a_coordinators_nomination_verifies_for_a_year(client, login, indonesia, make_user):
    coordinator = make_user("member_coordinator", member=indonesia)
    person = make_focal_point(indonesia, full_name="Agus Wijaya")
    login(coordinator)

    response = client.post(f"/directory/people/{person.pk}/verify/")

    assert response.status_code == 302 and response["Location"] == f"/directory/people/{person.pk}/"
    person.refresh_from_db()
    assert person.is_verified and person.verified_via == "nomination"
    assert person.verified_until == timezone.localdate() + timedelta(days=VERIFICATION_VALID_DAYS)
    assert AuditEvent.objects.filter(verb="focal_point.verified", actor=coordinator).exists()


def test_verification_expires_after_a_year_unless_renewed(client, login, indonesia, make_user):
    coordinator = make_user("member_coordinator", member=indonesia)
    person = make_focal_point(indonesia)
    login(coordinator)
    client.post(f"/directory/people/{person.pk}/verify/")

    verified_until_ago(person, 1)  # a year and a day later
    assert not person.is_verified
    freshness_sweep()  # no trusted domain: the sweep cannot renew it
    person.refresh_from_db()
    assert not person.is_verified

    client.post(f"/directory/people/{person.pk}/verify/")  # renewed by a new nomination
    person.refresh_from_db()
    assert person.is_verified


def test_only_the_members_coordinators_and_the_rso_may_nominate(client, login, indonesia, thailand, make_user):
    person = make_focal_point(indonesia)
    for user in (make_user("member_coordinator", member=thailand), make_user("member_official", member=indonesia)):
        login(user)
        assert client.post(f"/directory/people/{person.pk}/verify/").status_code == 404
    assert client.get(f"/directory/people/{person.pk}/verify/").status_code == 405
    person.refresh_from_db()
    assert person.verified_until is None

    login(make_user("rso_staff"))
    assert client.post(f"/directory/people/{person.pk}/verify/").status_code == 302


# -- trusted domain -----------------------------------------------------------------------------


def test_an_address_on_a_trusted_domain_of_the_members_agencies_verifies_automatically(indonesia, thailand):
    make_agency(indonesia, acronym="DGI", email_domains="imigrasi.go.id")
    make_agency(thailand, acronym="RTP", email_domains="police.go.th")
    trusted = make_focal_point(indonesia, emails=["budi@imigrasi.go.id"])
    private = make_focal_point(indonesia, emails=["budi@gmail.com"])
    foreign_domain = make_focal_point(indonesia, emails=["x@police.go.th"])

    assert verification_auto(trusted) is True
    assert verification_auto(private) is False and verification_auto(foreign_domain) is False
    trusted.refresh_from_db()
    assert trusted.is_verified and trusted.verified_via == "trusted_domain"
    assert verification_auto(trusted) is False  # already verified: nothing to do


def test_the_sweep_verifies_unverified_people_and_renews_expired_trusted_domain_ones(indonesia):
    make_agency(indonesia, acronym="DGI", email_domains="imigrasi.go.id, polri.go.id")
    new = make_focal_point(indonesia, emails=["new@imigrasi.go.id"])
    lapsed = verified_until_ago(make_focal_point(indonesia, emails=["old@polri.go.id"]), 3)
    moved_away = verified_until_ago(make_focal_point(indonesia, emails=["old@gmail.com"]), 3)

    counts = freshness_sweep()

    assert counts["verified"] == 2
    for person in (new, lapsed):
        person.refresh_from_db()
        assert person.is_verified and person.verified_via == "trusted_domain"
    moved_away.refresh_from_db()
    assert not moved_away.is_verified
    assert freshness_sweep()["verified"] == 0


def test_a_nomination_still_valid_is_not_overwritten_by_the_domain(indonesia, make_user):
    make_agency(indonesia, acronym="DGI", email_domains="imigrasi.go.id")
    person = make_focal_point(indonesia, emails=["a@imigrasi.go.id"])
    from bphub.directory.services.verification import focal_point_nominate

    focal_point_nominate(focal_point=person, actor=make_user("rso_admin"))
    freshness_sweep()
    person.refresh_from_db()
    assert person.verified_via == "nomination"


# -- bounces ------------------------------------------------------------------------------------


def test_marking_an_address_bounced_marks_it_on_every_record_in_any_case(indonesia):
    one = make_focal_point(indonesia, emails=["shared@example.org"])
    two = make_focal_point(indonesia, emails=["shared@example.org", "own@example.org"])

    assert email_mark_bounced(address="Shared@Example.org", reason="550 No such user") == 2

    assert set(Email.objects.filter(bounced_at__isnull=False).values_list("focal_point", flat=True)) == {
        one.pk,
        two.pk,
    }
    assert Email.objects.get(address="own@example.org").bounced_at is None
    assert Email.objects.filter(bounce_reason="550 No such user").count() == 2


class _Refusing:
    """An SMTP server that refuses some recipients for good (550) and accepts the others."""

    def __init__(self, refused: set[str]):
        self.refused = refused
        self.accepted: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.accepted.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
def refusing_smtp():
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = _Refusing({"gone@example.org"})
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    mailer = {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "127.0.0.1", "port": port}}
    try:
        with override_settings(MAILERS={"default": OUTBOX_MAILER, "delivery": mailer}, OUTBOX_MAX_ATTEMPTS=1):
            yield handler
    finally:
        controller.stop()


def test_an_address_the_server_refuses_for_good_is_marked_bounced_and_gets_no_more_reminders(indonesia, refusing_smtp):
    # given a person whose first address no longer exists, and a message to it
    person = make_focal_point(indonesia, emails=["gone@example.org", "backup@example.org"])
    send_mail("Agenda", "Hello", None, ["gone@example.org"])
    send_mail("Agenda", "Hello", None, ["backup@example.org"])

    # when the outbox tries to deliver and gives up
    results = [outbox_deliver(email_id=pk) for pk in OutboundEmail.objects.order_by("pk").values_list("pk", flat=True)]

    # then the refused address is marked bounced, the other is not
    assert results == ["failed", "sent"]
    gone = Email.objects.get(address="gone@example.org")
    assert gone.bounced_at is not None and "550" in gone.bounce_reason
    assert Email.objects.get(address="backup@example.org").bounced_at is None
    assert AuditEvent.objects.filter(verb="focal_point.email_bounced", target_id=str(person.pk)).exists()

    # and the reminder goes to the address that works
    FocalPoint.all_objects.filter(pk=person.pk).update(review_due_on=timezone.localdate() - timedelta(days=35))
    freshness_sweep()
    assert ConfirmationRequest.objects.get(focal_point=person).sent_to == "backup@example.org"


@override_settings(OUTBOX_MAX_ATTEMPTS=1)
def test_a_server_that_cannot_be_reached_is_not_a_bounce(indonesia, settings):
    make_focal_point(indonesia, emails=["fine@example.org"])
    unreachable = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
    }
    settings.MAILERS = {"default": OUTBOX_MAILER, "delivery": unreachable}
    send_mail("Agenda", "Hello", None, ["fine@example.org"])

    assert outbox_deliver(email_id=OutboundEmail.objects.get().pk) == "failed"

    assert Email.objects.get(address="fine@example.org").bounced_at is None

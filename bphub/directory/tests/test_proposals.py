"""Reviewing proposed changes: the member's coordinators and the RSO approve or reject, once."""

import pytest
from django.utils import timezone

from bphub.core.models import AuditEvent
from bphub.directory.models import ChangeProposal, ConfirmedVia, Freshness, Revision
from bphub.directory.services.proposals import proposal_approve
from bphub.directory.testing import make_focal_point
from bphub.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def thailand(reference):
    return Member.objects.get(code="TH")


def proposal_for(person, **proposed) -> ChangeProposal:
    return ChangeProposal.objects.create(focal_point=person, proposed=proposed, note="")


@pytest.fixture
def person(indonesia):
    return make_focal_point(indonesia, full_name="Siti Rahma", title="Director", emails=["siti@imigrasi.go.id"])


@pytest.fixture
def coordinator(indonesia, make_user):
    return make_user("member_coordinator", member=indonesia)


def test_the_detail_shows_current_and_proposed_side_by_side_with_the_changes_marked(client, login, coordinator, person):
    proposal = proposal_for(person, title="Director-General", phones=["+622152509999"])
    login(coordinator)

    response = client.get(f"/directory/proposals/{proposal.pk}/")

    assert response.status_code == 200
    rows = {row["field"]: row for row in response.context["rows"]}
    assert rows["title"]["current"] == "Director" and rows["title"]["proposed"] == "Director-General"
    assert rows["title"]["changed"] and rows["phones"]["changed"]
    assert not rows["full_name"]["changed"] and not rows["emails"]["changed"]
    page = response.content.decode()
    assert page.count('class="changed"') == 2
    assert "Director-General" in page and "+62 21 52509999" in page


def test_approving_applies_the_changes_as_a_confirmed_proposal_revision(client, login, coordinator, person):
    proposal = proposal_for(person, title="Director-General", emails=["siti.rahma@imigrasi.go.id"])
    login(coordinator)

    response = client.post(f"/directory/proposals/{proposal.pk}/approve/")

    assert response.status_code == 302 and response["Location"] == f"/directory/proposals/{proposal.pk}/"
    person.refresh_from_db()
    assert person.title == "Director-General"
    assert [e.address for e in person.emails.all()] == ["siti.rahma@imigrasi.go.id"]
    assert person.last_confirmed_via == ConfirmedVia.PROPOSAL and person.freshness == Freshness.UP_TO_DATE
    revision = Revision.objects.filter(record_type="focal_point", record_id=person.pk).first()
    assert (revision.source, revision.source_ref, revision.actor) == (
        Revision.Source.PROPOSAL,
        f"proposal:{proposal.pk}",
        coordinator,
    )
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.APPROVED and proposal.reviewed_by == coordinator
    assert AuditEvent.objects.filter(verb="change_proposal.approved", actor=coordinator).exists()


def test_a_proposal_is_reviewed_once(client, login, coordinator, person, make_user):
    proposal = proposal_for(person, title="Director-General")
    login(coordinator)
    client.post(f"/directory/proposals/{proposal.pk}/approve/")
    person.refresh_from_db()
    person.title = "Changed since"
    person.save()

    again = client.post(f"/directory/proposals/{proposal.pk}/approve/", follow=True)
    rejected = client.post(f"/directory/proposals/{proposal.pk}/reject/", {"note": "no"}, follow=True)

    assert "already reviewed" in again.content.decode() and "already reviewed" in rejected.content.decode()
    person.refresh_from_db()
    assert person.title == "Changed since"
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.APPROVED and proposal.review_note == ""
    assert "Approve and apply" not in client.get(f"/directory/proposals/{proposal.pk}/").content.decode()


def test_values_that_no_longer_validate_are_refused_and_nothing_changes(client, login, coordinator, person):
    proposal = proposal_for(person, title="Director-General", emails=["broken address"])
    login(coordinator)

    response = client.post(f"/directory/proposals/{proposal.pk}/approve/", follow=True)

    assert "Nothing was changed" in response.content.decode()
    assert "not a valid email address" in response.content.decode()
    person.refresh_from_db()
    assert person.title == "Director"
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.PENDING


def test_rejecting_keeps_the_record_and_the_note(client, login, coordinator, person):
    proposal = proposal_for(person, title="Janitor")
    login(coordinator)

    response = client.post(f"/directory/proposals/{proposal.pk}/reject/", {"note": "Not what we have on file."})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.title == "Director" and person.last_confirmed_at is None
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.REJECTED
    assert proposal.review_note == "Not what we have on file." and proposal.reviewed_at <= timezone.now()
    assert AuditEvent.objects.filter(verb="change_proposal.rejected", actor=coordinator).exists()


def test_a_coordinator_of_another_member_cannot_see_or_review(client, login, person, thailand, make_user):
    proposal = proposal_for(person, title="Director-General")
    login(make_user("member_coordinator", member=thailand))

    assert client.get(f"/directory/proposals/{proposal.pk}/").status_code == 404
    assert client.post(f"/directory/proposals/{proposal.pk}/approve/").status_code == 404
    assert client.post(f"/directory/proposals/{proposal.pk}/reject/").status_code == 404
    listing = client.get("/directory/proposals/")
    assert listing.status_code == 200 and "Siti Rahma" not in listing.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.PENDING


@pytest.mark.parametrize("role", ["member_official", "wg_co_chair", "researcher", "alumnus"])
def test_people_who_manage_no_directory_get_not_found(client, login, person, indonesia, make_user, role):
    proposal = proposal_for(person, title="Director-General")
    login(make_user(role, member=indonesia if role in {"member_official", "wg_co_chair"} else None))
    assert client.get("/directory/proposals/").status_code == 404
    assert client.get(f"/directory/proposals/{proposal.pk}/").status_code == 404
    assert client.post(f"/directory/proposals/{proposal.pk}/approve/").status_code == 404


def test_the_list_shows_the_rso_every_pending_proposal_and_a_coordinator_their_members(
    client, login, person, thailand, coordinator, make_user
):
    proposal_for(person, title="Director-General")
    thai = make_focal_point(thailand, full_name="Somchai Prasert")
    proposal_for(thai, title="Colonel")
    done = proposal_for(make_focal_point(thailand, full_name="Already Reviewed"), title="x")
    done.status = ChangeProposal.Status.REJECTED
    done.save()

    login(make_user("rso_staff"))
    rso_page = client.get("/directory/proposals/").content.decode()
    login(coordinator)
    coordinator_page = client.get("/directory/proposals/").content.decode()

    assert "Siti Rahma" in rso_page and "Somchai Prasert" in rso_page and "Already Reviewed" not in rso_page
    assert "Siti Rahma" in coordinator_page and "Somchai Prasert" not in coordinator_page


def test_the_rso_can_approve(person, make_user):
    rso = make_user("rso_admin")
    proposal = proposal_approve(proposal=proposal_for(person, local_name="สิติ"), actor=rso)
    person.refresh_from_db()
    assert person.local_name == "สิติ" and proposal.status == ChangeProposal.Status.APPROVED


def test_from_reminder_to_approved_change(client, login, indonesia, coordinator, settings):
    """The whole cycle: the sweep mails a link, the person proposes, the coordinator approves."""
    import re
    from datetime import timedelta

    from bphub.directory.models import FocalPoint
    from bphub.directory.services.freshness import freshness_sweep
    from bphub.outbox.models import OutboundEmail
    from bphub.outbox.testing import OUTBOX_MAILER

    settings.MAILERS = {**settings.MAILERS, "default": OUTBOX_MAILER}
    person = make_focal_point(indonesia, full_name="Siti Rahma", title="Director", emails=["siti@imigrasi.go.id"])
    FocalPoint.all_objects.filter(pk=person.pk).update(review_due_on=timezone.localdate() - timedelta(days=31))

    freshness_sweep()
    link = re.search(r"/directory/confirm/[\w-]+/", OutboundEmail.objects.get(to=["siti@imigrasi.go.id"]).body)[0]
    initial = client.get(link).context["form"].initial
    client.post(link, {**initial, "action": "propose", "title": "Director-General"})
    review_mail = OutboundEmail.objects.get(to=[coordinator.email])
    review_path = re.search(r"/directory/proposals/\d+/", review_mail.body)[0]

    login(coordinator)
    assert "Director-General" in client.get(review_path).content.decode()
    client.post(review_path + "approve/")

    person.refresh_from_db()
    assert person.title == "Director-General" and person.freshness == Freshness.UP_TO_DATE

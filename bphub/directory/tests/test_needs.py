"""What the home page says needs a coordinator (or the RSO) in the directory: the member's records
overdue or delinquent for review, and the changes focal points proposed. Counted through the
policy, linked to the place to act; and what a new coordinator can do first."""

from datetime import timedelta

import pytest
from django.test import Client

from bphub.core.models import Classification
from bphub.core.tests.home_needs import home_needs
from bphub.directory.models import ChangeProposal, FocalPoint, directory_today
from bphub.directory.testing import make_focal_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(login):
    def sign_in(user):
        return login(user, Client())

    return sign_in


def person(member, name, *, late_days=None, classification=None):
    """A focal point of `member` whose review fell due `late_days` ago (None: up to date)."""
    record = make_focal_point(member, full_name=name)
    fields = {}
    if late_days is not None:
        fields["review_due_on"] = directory_today() - timedelta(days=late_days)
    if classification is not None:
        fields["classification"] = classification
    if fields:
        FocalPoint.objects.filter(pk=record.pk).update(**fields)
    return record


def test_a_coordinator_sees_their_members_records_overdue_and_delinquent_for_review(
    indonesia, thailand, coordinator, make_user, as_
):
    # given: Indonesia has two overdue records, one delinquent, one due (not yet overdue) and one the
    # coordinator may not see; Thailand's overdue record is not theirs
    person(indonesia, "Overdue One", late_days=35)
    person(indonesia, "Overdue Two", late_days=50)
    delinquent = person(indonesia, "Long Gone", late_days=90)
    person(indonesia, "Just Due", late_days=5)
    person(indonesia, "Secret Overdue", late_days=40, classification=Classification.SECRETARIAT)
    person(thailand, "Thai Overdue", late_days=40)

    # when
    client = as_(coordinator)
    shown = home_needs(client)

    # then: delinquent and overdue, both marked overdue, each linked to the records themselves
    overdue, gone = shown.one("directory.records_overdue"), shown.one("directory.records_delinquent")
    assert (overdue.count, overdue.severity) == (2, "overdue")
    assert (gone.count, gone.severity) == (1, "overdue")
    assert (directory_today() - timedelta(days=50)).isoformat() in overdue.due_datetime
    listed = client.get(overdue.url).content.decode()
    assert "Overdue One" in listed and "Overdue Two" in listed
    assert "Secret Overdue" not in listed and "Thai Overdue" not in listed and "Just Due" not in listed
    assert gone.url == delinquent.get_absolute_url()
    assert client.get(gone.url).status_code == 200
    # an official of the member keeps no directory: nothing for them
    official = as_(make_user("member_official", indonesia))
    assert not {"directory.records_overdue", "directory.records_delinquent"} & set(home_needs(official).keys())


def test_proposed_changes_wait_for_the_members_coordinator_and_the_rso(
    indonesia, thailand, coordinator, make_user, as_
):
    # given: two proposals on Indonesian records, one on a Thai record
    for name in ("Siti Rahma", "Budi Santoso"):
        ChangeProposal.objects.create(focal_point=person(indonesia, name), proposed={"title": "Director"})
    thai = ChangeProposal.objects.create(focal_point=person(thailand, "Anan Suk"), proposed={"title": "Chief"})

    # when / then: Indonesia's coordinator reviews Indonesia's two
    client = as_(coordinator)
    item = home_needs(client).one("directory.proposals_to_review")
    assert (item.count, item.url) == (2, "/directory/proposals/")
    assert client.get(item.url).status_code == 200
    # Thailand's coordinator goes straight to their one proposal
    client = as_(make_user("member_coordinator", thailand))
    item = home_needs(client).one("directory.proposals_to_review")
    assert (item.count, item.url) == (1, f"/directory/proposals/{thai.pk}/")
    assert client.get(item.url).status_code == 200
    # the RSO reviews them all; an official none
    client = as_(make_user("rso_admin"))
    item = home_needs(client).one("directory.proposals_to_review")
    assert item.count == 3 and client.get(item.url).status_code == 200
    assert not home_needs(as_(make_user("member_official", indonesia))).of("directory.proposals_to_review")


def test_a_new_coordinator_is_told_to_check_the_directory_and_import_the_focal_points(coordinator, as_):
    # given: a coordinator whose member has nothing waiting
    client = as_(coordinator)

    # when
    shown = home_needs(client)

    # then
    assert shown.is_empty
    steps = dict(shown.first_steps)
    assert list(steps) == ["directory.check", "directory.import", "accounts.invite", "meetings.browse"]
    assert steps["directory.check"] == "/directory/?member=ID"
    for url in steps.values():
        assert client.get(url).status_code == 200, url

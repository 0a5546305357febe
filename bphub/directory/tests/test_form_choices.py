"""The agency choices of the directory's record forms come through the policy (issue 9).

Cast: a coordinator of member A edits A's records; member B has a restricted agency (not released
to A) and a secretariat-only one, and A has a secretariat-only one too. None is offered, and a POST
naming one is refused with the very message of an id that does not exist, changing nothing.
"""

import re

import pytest

from bphub.core.models import Classification
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member

pytestmark = pytest.mark.django_db

NO_SUCH_ID = 987654321
HIDDEN = ("a_secretariat", "b_restricted", "b_secretariat")


@pytest.fixture
def cast():
    a = Member.objects.create(code="AA", name={"en": "Member A"}, kind=Member.Kind.STATE)
    b = Member.objects.create(code="BB", name={"en": "Member B"}, kind=Member.Kind.STATE)
    agencies = {
        "a_own": make_agency(a, name="Zq Own Police", classification=Classification.MEMBERS),
        "a_secretariat": make_agency(a, name="Zq Own Secret Unit", classification=Classification.SECRETARIAT),
        "b_restricted": make_agency(b, name="Zq Restricted Unit B", classification=Classification.RESTRICTED),
        "b_secretariat": make_agency(b, name="Zq Secret Unit B", classification=Classification.SECRETARIAT),
    }
    return {"a": a, "b": b, "agencies": agencies}


@pytest.fixture
def coordinator_client(cast, make_user, login):
    return login(make_user("member_coordinator", member=cast["a"]))


def _options_of(page: str, name: str) -> set[str]:
    """The option values of the <select name=`name`> of `page`."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.DOTALL)
    return set(re.findall(r'value="([^"]*)"', select.group(0))) if select else set()


def _person_data(person, agency_id):
    return {
        "full_name": person.full_name,
        "agency": agency_id,
        "emails": "\n".join(e.address for e in person.emails.all()),
        "classification": person.classification,
        "review_cadence_days": person.review_cadence_days,
    }


def _agency_data(agency, parent_id):
    return {
        "name_0": agency.name["en"],
        "kind": agency.kind,
        "parent": parent_id,
        "classification": agency.classification,
        "review_cadence_days": agency.review_cadence_days,
        "is_active": "on",
    }


def test_person_form_offers_only_agencies_the_coordinator_may_see(cast, coordinator_client):
    person = make_focal_point(cast["a"], agency=cast["agencies"]["a_own"])

    page = coordinator_client.get(f"/directory/people/{person.pk}/edit/").content.decode()

    assert _options_of(page, "agency") == {"", str(cast["agencies"]["a_own"].pk)}
    for key in HIDDEN:
        assert str(cast["agencies"][key]) not in page


@pytest.mark.parametrize("key", HIDDEN)
def test_person_form_refuses_a_hidden_agency_like_an_unknown_one(cast, coordinator_client, key):
    person = make_focal_point(cast["a"], agency=cast["agencies"]["a_own"])
    url = f"/directory/people/{person.pk}/edit/"

    unknown = coordinator_client.post(url, _person_data(person, NO_SUCH_ID))
    hidden = coordinator_client.post(url, _person_data(person, cast["agencies"][key].pk))

    assert hidden.status_code == unknown.status_code == 200
    assert hidden.context["form"].errors["agency"] == unknown.context["form"].errors["agency"]
    assert "That choice is not one of the available choices." in hidden.content.decode()
    person.refresh_from_db()
    assert person.agency == cast["agencies"]["a_own"]


@pytest.mark.parametrize("key", HIDDEN)
def test_agency_form_refuses_a_hidden_parent_like_an_unknown_one(cast, coordinator_client, key):
    agency = cast["agencies"]["a_own"]
    url = f"/directory/agencies/{agency.pk}/edit/"

    page = coordinator_client.get(url).content.decode()
    unknown = coordinator_client.post(url, _agency_data(agency, NO_SUCH_ID))
    hidden = coordinator_client.post(url, _agency_data(agency, cast["agencies"][key].pk))

    assert str(cast["agencies"][key]) not in page
    assert str(cast["agencies"][key].pk) not in _options_of(page, "parent")
    assert hidden.status_code == unknown.status_code == 200
    assert hidden.context["form"].errors["parent"] == unknown.context["form"].errors["parent"]
    agency.refresh_from_db()
    assert agency.parent_id is None


@pytest.mark.parametrize("param", ["agency", "sub_region"])
def test_out_of_range_filters_find_nothing_rather_than_fail(cast, make_user, login, param):
    make_focal_point(cast["a"], full_name="Zq Findable Person")
    client = login(make_user("member_official", member=cast["a"]))

    response = client.get("/directory/", {param: "1" + "0" * 20})

    assert response.status_code == 200
    assert "Zq Findable Person" not in response.content.decode()

"""The agency choices of the invitation and role forms come through the policy (issue 9).

Cast: a coordinator of Australia (A); Indonesia (B) has a restricted agency (not released to A) and
a secretariat-only one. Neither is offered, and a POST naming one is refused with the very
message of an id that does not exist, changing nothing.
"""

import pytest
from django.urls import reverse

from bphub.accounts.models import Invitation, Role
from bphub.accounts.tests.steps import messages_of
from bphub.core.models import Classification
from bphub.directory.testing import make_agency

UNKNOWN_CHOICE = "That choice is not one of the available choices."
NO_SUCH_ID = 987654321


@pytest.fixture
def agencies(australia, indonesia):
    return {
        "own": make_agency(australia, name="Zq Own Border Force", classification=Classification.MEMBERS),
        "own_secretariat": make_agency(australia, name="Zq Own Secret Unit", classification=Classification.SECRETARIAT),
        "b_restricted": make_agency(indonesia, name="Zq Restricted Unit B", classification=Classification.RESTRICTED),
        "b_secretariat": make_agency(indonesia, name="Zq Secret Unit B", classification=Classification.SECRETARIAT),
    }


HIDDEN = ("own_secretariat", "b_restricted", "b_secretariat")


@pytest.fixture
def coordinator(make_user, login, australia):
    user = make_user(Role.MEMBER_COORDINATOR, australia)
    login(user)
    return user


def _invite(client, member, agency_id):
    return client.post(
        reverse("accounts:invitation_create"),
        {
            "email": "new.person@example.org",
            "full_name": "New Person",
            "role": Role.MEMBER_OFFICIAL,
            "member": member.pk,
            "agency": agency_id,
        },
    )


def test_invitation_form_offers_only_agencies_the_coordinator_may_see(client, coordinator, agencies):
    page = client.get(reverse("accounts:invitation_create")).content.decode()

    assert "Zq Own Border Force" in page
    for key in HIDDEN:
        assert str(agencies[key]) not in page
        assert f'value="{agencies[key].pk}"' not in page


@pytest.mark.parametrize("key", HIDDEN)
def test_invitation_naming_a_hidden_agency_is_refused_like_an_unknown_one(
    client, coordinator, australia, agencies, key
):
    unknown = _invite(client, australia, NO_SUCH_ID)
    hidden = _invite(client, australia, agencies[key].pk)

    assert hidden.status_code == unknown.status_code == 200
    assert hidden.context["form"].errors["agency"] == unknown.context["form"].errors["agency"]
    assert UNKNOWN_CHOICE in hidden.content.decode()
    assert not Invitation.objects.exists()


def test_invitation_with_a_visible_agency_is_sent(client, coordinator, australia, agencies):
    response = _invite(client, australia, agencies["own"].pk)

    assert response.status_code == 302
    assert Invitation.objects.get().agency == agencies["own"]


def test_role_form_offers_only_agencies_the_coordinator_may_see(client, make_user, coordinator, australia, agencies):
    person = make_user(Role.MEMBER_OFFICIAL, australia)

    page = client.get(reverse("accounts:person_detail", args=[person.pk])).content.decode()

    assert "Zq Own Border Force" in page
    for key in HIDDEN:
        assert str(agencies[key]) not in page


@pytest.mark.parametrize("key", HIDDEN)
def test_role_change_naming_a_hidden_agency_is_refused_like_an_unknown_one(
    client, make_user, coordinator, australia, agencies, key
):
    person = make_user(Role.MEMBER_OFFICIAL, australia, agency=agencies["own"])
    url = reverse("accounts:person_role", args=[person.pk])
    data = {"role": Role.MEMBER_OFFICIAL, "member": australia.pk}

    unknown = " ".join(messages_of(client.post(url, {**data, "agency": NO_SUCH_ID}, follow=True)))
    hidden = " ".join(messages_of(client.post(url, {**data, "agency": agencies[key].pk}, follow=True)))

    assert UNKNOWN_CHOICE in hidden
    assert hidden == unknown
    person.refresh_from_db()
    assert person.agency == agencies["own"]


def test_a_persons_hidden_agency_is_neither_shown_nor_lost_by_a_role_change(
    client, make_user, coordinator, australia, agencies
):
    person = make_user(Role.MEMBER_OFFICIAL, australia, agency=agencies["own_secretariat"])

    page = client.get(reverse("accounts:person_detail", args=[person.pk])).content.decode()
    assert "Zq Own Secret Unit" not in page

    client.post(
        reverse("accounts:person_role", args=[person.pk]),
        {"role": Role.MEMBER_COORDINATOR, "member": australia.pk, "agency": ""},
    )
    person.refresh_from_db()
    assert (person.role, person.agency) == (Role.MEMBER_COORDINATOR, agencies["own_secretariat"])


def test_the_rso_is_offered_every_agency(client, make_user, login, agencies):
    login(make_user(Role.RSO_ADMIN))

    page = client.get(reverse("accounts:invitation_create")).content.decode()

    for agency in agencies.values():
        assert str(agency) in page

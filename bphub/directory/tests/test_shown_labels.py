"""People read labels, not stored values: the verification route by its name, and an organisation's
acronym once even when its name already ends with it."""

import re

import pytest

from bphub.directory.services.verification import verification_auto
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member

pytestmark = pytest.mark.django_db

TRUSTED_LABEL = "address on the agency&#x27;s trusted email domain"


def _main(response) -> str:
    assert response.status_code == 200
    return response.content.decode().split("<main", 1)[1]


def test_a_person_verified_by_a_trusted_domain_shows_how_in_words(indonesia, coordinator, login, client):
    # given a person verified automatically through their agency's trusted email domain
    make_agency(indonesia, acronym="DGI", email_domains="imigrasi.go.id")
    person = make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@imigrasi.go.id"])
    assert verification_auto(person) is True
    login(coordinator)

    # when their coordinator reads the record and its history
    detail = _main(client.get(person.get_absolute_url()))
    history = _main(client.get(f"/directory/people/{person.pk}/history/"))

    # then both say how, in words, and never the stored value
    assert f"({TRUSTED_LABEL})" in detail
    assert TRUSTED_LABEL in history
    assert "trusted_domain" not in detail + history


def test_a_nomination_is_named_too(indonesia, coordinator, login, client):
    person = make_focal_point(indonesia, full_name="Ayu Lestari")
    login(coordinator)
    assert client.post(f"/directory/people/{person.pk}/verify/").status_code == 302

    detail = _main(client.get(person.get_absolute_url()))

    assert "(nominated by the member&#x27;s coordinator or the RSO)" in detail
    assert "(nomination)" not in detail


def test_an_organisation_named_with_its_acronym_shows_it_once(reference, make_user, login, client):
    # given an observer organisation whose name ends with its code, with an agency named the same way
    un_act = Member.objects.get(code="UN-ACT")
    assert str(un_act).endswith("(UN-ACT)")
    office = make_agency(un_act, name="Regional Management Office (RMO)", acronym="RMO")
    person = make_focal_point(un_act, full_name="Dara Sok", agency=office)
    login(make_user("rso_staff"))

    # when the RSO reads the person, the agency, the agency list and the coverage matrix
    pages = {
        "person": _main(client.get(person.get_absolute_url())),
        "agency": _main(client.get(office.get_absolute_url())),
        "agencies": _main(client.get("/directory/agencies/", {"member": "UN-ACT"})),
        "coverage": _main(client.get("/directory/coverage/")),
        "new person": _main(client.get("/directory/people/new/", {"member": "UN-ACT"})),
    }

    # then no acronym is written twice in a row
    for name, html in pages.items():
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        assert "(UN-ACT) (UN-ACT)" not in text, name
        assert "(RMO) (RMO)" not in text, name
    assert "UN Action for Cooperation against Trafficking in Persons (UN-ACT)" in pages["person"]
    assert str(office) == "Regional Management Office (RMO)"

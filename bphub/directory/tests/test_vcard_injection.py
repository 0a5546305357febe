"""vCard exports neutralise formulas like the CSV and XLSX exports (a contact list is often opened
in a spreadsheet), and keep validated phone numbers dialable."""

import pytest
import vobject

from bphub.core.models import Classification
from bphub.directory.services.exports import neutralise
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]


@pytest.fixture
def thailand(reference):
    member = Member.objects.get(code="TH")
    agency = make_agency(member, name="=cmd|' /C calc'!A0", acronym="")
    make_focal_point(
        member,
        full_name='=HYPERLINK("http://evil.example","x")',
        local_name="+สมชาย",
        title="@SUM(A1)",
        agency=agency,
        emails=["evil@example.org"],
        phones=["+66812345678"],
        classification=Classification.PUBLIC,
    )
    return member


def test_every_formula_start_gets_the_apostrophe_the_spreadsheets_get():
    assert [neutralise(value) for value in FORMULAS] == ["'" + value for value in FORMULAS]
    assert neutralise("Somchai") == "Somchai"


def test_vcard_text_values_starting_like_a_formula_are_neutralised(thailand, make_user, login, client):
    # given a coordinator who may see contacts and agencies
    login(make_user("member_coordinator", member=thailand))

    # when they export the member's people as vCards
    response = client.get("/directory/export/?format=vcf&member=TH")

    # then no text value starts like a formula, and the phone still dials
    assert response.status_code == 200
    (card,) = list(vobject.readComponents(response.content.decode()))
    assert card.n.value.given == '\'=HYPERLINK("http://evil.example","x")'
    assert card.fn.value.startswith("'=HYPERLINK(")
    assert card.contents["x-local-name"][0].value == "'+สมชาย"
    assert card.contents["sort-string"][0].value.startswith("'=")
    assert card.title.value == "'@SUM(A1)"
    assert card.org.value == ["'=cmd|' /C calc'!A0"]
    assert [tel.value for tel in card.contents["tel"]] == ["+66812345678"]
    texts = [card.fn.value, card.title.value, *card.org.value, *card.categories.value, card.note.value]
    assert not [text for text in texts if text.startswith(("=", "+", "-", "@", "\t", "\r"))]

"""Exports to XLSX, CSV and vCard: the policy's rows, contacts only for members, audited, injection-safe."""

import csv
import io

import openpyxl
import pytest
import vobject

from bphub.core.models import AuditEvent, Classification
from bphub.directory.models import RoleKind
from bphub.directory.selectors import DirectoryFilter
from bphub.directory.services import exports
from bphub.directory.services.lists import engagement_list_create
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def thailand(reference):
    member = Member.objects.get(code="TH")
    police = make_agency(member, name="Royal Thai Police", acronym="RTP")
    make_focal_point(
        member,
        full_name="Somchai Thongdee",
        local_name="สมชาย ทองดี",
        title="Police Colonel",
        agency=police,
        emails=["somchai@police.go.th", "somchai.t@gmail.com"],
        phones=["+66812345678"],
        roles=[{"kind": RoleKind.THEMATIC, "body": None, "theme": Theme.objects.get(code="safety-at-sea")}],
        classification=Classification.PUBLIC,
    )
    make_focal_point(
        member,
        full_name='=HYPERLINK("http://evil.example","x")',
        title="+1+1",
        emails=["evil@example.org"],
        classification=Classification.PUBLIC,
    )
    make_focal_point(member, full_name="Members Only Malee", title="@SUM(A1)", emails=["malee@mfa.go.th"])
    return member


def _csv_rows(response):
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_parses_back_with_names_in_any_script_and_contacts_for_members(thailand, make_user, login, client):
    login(make_user("member_official", member=thailand))

    response = client.get("/directory/export/?format=csv&member=TH")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = {row["Name"]: row for row in _csv_rows(response)}
    somchai = rows["Somchai Thongdee"]
    assert somchai["Name in own script"] == "สมชาย ทองดี"
    assert somchai["Agency"] == "Royal Thai Police (RTP)"
    assert somchai["Roles"] == "theme:safety-at-sea"
    assert somchai["Emails"] == "somchai@police.go.th; somchai.t@gmail.com"
    assert somchai["Phones"] == "'+66812345678"  # neutralised in CSV like any cell (see services/exports.py)


def test_formula_injection_is_neutralised_in_csv_and_xlsx(thailand, make_user, login, client):
    login(make_user("member_official", member=thailand))

    rows = _csv_rows(client.get("/directory/export/?format=csv&member=TH"))
    names = {row["Name"] for row in rows}
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert {row["Title"] for row in rows} >= {"'+1+1", "'@SUM(A1)"}

    response = client.get("/directory/export/?format=xlsx&member=TH")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    types = {cell.data_type for row in sheet.iter_rows() for cell in row}
    assert "f" not in types  # no formula cell at all
    assert '\'=HYPERLINK("http://evil.example","x")' in values and "'+1+1" in values


def test_xlsx_keeps_phone_numbers_usable_as_text(thailand, make_user, login, client):
    login(make_user("member_coordinator", member=thailand))
    response = client.get("/directory/export/?format=xlsx&member=TH")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (cell for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    somchai = next(row for row in rows if row["Name"].value == "Somchai Thongdee")
    assert somchai["Phones"].value == "+66812345678"
    assert somchai["Phones"].data_type == "s" and somchai["Phones"].number_format == "@"
    assert somchai["Name in own script"].value == "สมชาย ทองดี"


def test_vcard_parses_back_with_both_names_organisation_title_and_contacts(thailand, make_user, login, client):
    login(make_user("rso_staff"))
    response = client.get("/directory/export/?format=vcf&member=TH&q=somchai")

    assert response["Content-Type"].startswith("text/vcard")
    (card,) = list(vobject.readComponents(response.content.decode()))
    assert card.version.value == "3.0"
    assert card.fn.value == "Somchai Thongdee (สมชาย ทองดี)"
    assert card.n.value.given == "Somchai Thongdee"
    assert card.contents["x-local-name"][0].value == "สมชาย ทองดี"
    assert card.org.value == ["Royal Thai Police (RTP)"]
    assert card.title.value == "Police Colonel"
    assert [e.value for e in card.contents["email"]] == ["somchai@police.go.th", "somchai.t@gmail.com"]
    assert [t.value for t in card.contents["tel"]] == ["+66812345678"]


def test_researchers_export_public_records_without_contacts(thailand, make_user, login, client):
    login(make_user("researcher"))

    rows = _csv_rows(client.get("/directory/export/?format=csv"))
    assert {row["Name"] for row in rows} == {"Somchai Thongdee", '\'=HYPERLINK("http://evil.example","x")'}
    assert "Emails" not in rows[0] and "Phones" not in rows[0]
    vcf = client.get("/directory/export/?format=vcf").content.decode()
    assert "EMAIL" not in vcf and "TEL" not in vcf and "@police.go.th" not in vcf


def test_every_export_is_in_the_audit_log(thailand, make_user, login, client):
    user = make_user("member_official", member=thailand)
    login(user)
    client.get("/directory/export/?format=xlsx&member=TH&role=thematic")

    event = AuditEvent.objects.get(verb="directory.exported")
    assert event.actor == user
    assert event.data == {
        "format": "xlsx",
        "filter": {"member": "TH", "role": "thematic"},
        "row_count": 1,
        "with_contacts": True,
    }


def test_a_list_export_has_the_lists_people_and_names_the_list_in_the_audit_log(thailand, make_user, login, client):
    coordinator = make_user("member_coordinator", member=thailand)
    engagement_list = engagement_list_create(
        user=coordinator, name="Sea people", criteria=DirectoryFilter(theme="safety-at-sea")
    )
    login(coordinator)

    rows = _csv_rows(client.get(f"/directory/lists/{engagement_list.pk}/export/?format=csv"))

    assert [row["Name"] for row in rows] == ["Somchai Thongdee"]
    event = AuditEvent.objects.get(verb="directory.exported")
    assert event.target_id == str(engagement_list.pk) and event.data["filter"] == {"theme": "safety-at-sea"}
    login(make_user("member_official", member=Member.objects.get(code="ID")))
    assert client.get(f"/directory/lists/{engagement_list.pk}/export/?format=csv").status_code == 404


def test_an_export_over_the_limit_is_refused_with_a_message_and_not_logged(
    thailand, make_user, login, client, monkeypatch
):
    monkeypatch.setattr(exports, "EXPORT_ROW_LIMIT", 2)
    login(make_user("rso_staff"))

    response = client.get("/directory/export/?format=csv")

    assert response.status_code == 400
    assert "would have 3 rows; an export holds at most 2." in response.content.decode()
    assert not AuditEvent.objects.filter(verb="directory.exported").exists()


def test_without_a_format_the_page_offers_the_three(thailand, make_user, login, client):
    login(make_user("member_official", member=thailand))
    html = client.get("/directory/export/?member=TH").content.decode()
    assert "?format=xlsx&amp;member=TH" in html and "?format=vcf&amp;member=TH" in html
    assert "Member: Thailand (TH)" in html
    assert client.get("/directory/export/?format=pdf").status_code == 400


def test_anonymous_visitors_cannot_export(client, reference):
    assert client.get("/directory/export/?format=csv").status_code == 302

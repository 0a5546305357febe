"""The focal-point import: headers, files and row errors."""

import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest

from bphub.directory.models import FocalPoint, ImportBatch
from bphub.directory.services import imports
from bphub.directory.services.imports import (
    ImportFileError,
    header_field,
    import_analyse,
)
from bphub.directory.testing import make_agency
from bphub.directory.tests.imports_support import analyse, xlsx_bytes

pytestmark = pytest.mark.django_db


# -- headers and files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Full name", "full_name"),
        ("FULL  NAME", "full_name"),
        ("Name (Latin)", "full_name"),
        ("Name", "full_name"),
        ("E-mail", "emails"),
        ("Email address", "emails"),
        ("e_mail address", "emails"),
        ("Phone", "phones"),
        ("Telephone", "phones"),
        ("Mobile", "phones"),
        ("Position", "title"),
        ("Job title", "title"),
        ("Agency / acronym", "agency"),
        ("Name in own script", "local_name"),
        ("Time-zone", "time_zone"),
        ("Notes", None),
    ],
)
def test_headers_match_regardless_of_case_spacing_punctuation_and_usual_variants(header, field):
    assert header_field(header) == field


def test_a_sheet_with_variant_headers_is_read_into_the_template_columns(indonesia):
    make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    rows = [
        ["Name (Latin)", "Job title", "Agency / acronym", "E-mail", "Telephone", "Mobile", "Language", "TimeZone"],
        [
            "Siti Rahma",
            "Director",
            "directorate general of immigration",
            "SITI@Imigrasi.go.id",
            "021 5550100",
            "0812 5550199",
            "Bahasa Indonesia",
            "Asia/Jakarta",
        ],
    ]
    analysis = analyse(indonesia, rows, filename="list.xlsx")
    [row] = analysis.rows
    assert row["errors"] == []
    assert row["data"]["emails"] == ["siti@imigrasi.go.id"]
    assert row["data"]["phones"] == ["+62215550100", "+628125550199"]  # read in the member's country
    assert row["data"]["preferred_language"] == "id"
    assert row["data"]["time_zone"] == "Asia/Jakarta"
    assert row["data"]["title"] == "Director"


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (";", True), ("\t", False)])
def test_csv_is_read_with_or_without_bom_and_with_comma_semicolon_or_tab(indonesia, delimiter, bom):
    rows = [["Full name", "Email"], ["Budi Santoso", "budi@example.go.id"], ["Agus Wijaya", "agus@example.go.id"]]
    analysis = analyse(indonesia, rows, delimiter=delimiter, bom=bom)
    assert analysis.counts["new"] == 2
    assert [r["data"]["full_name"] for r in analysis.rows] == ["Budi Santoso", "Agus Wijaya"]


def _fake_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("filename", "content", "says"),
    [
        ("list.xlsx", b"Full name,Email\nA,a@example.org\n", "not an Excel workbook"),
        ("list.xlsx", _fake_zip(), "not an Excel workbook"),
        ("list.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a CSV text file"),
        ("list.csv", "Full name\nJosé\n".encode("latin-1"), "not UTF-8"),
        ("list.pdf", b"%PDF-1.4", "Upload an .xlsx or .csv file"),
        ("list", b"Full name\nA\n", "Upload an .xlsx or .csv file"),
        ("list.csv", b"", "empty"),
        ("list.csv", b"\n\n", "empty"),
        ("list.csv", b"Full name,Email\n", "no rows"),
        ("list.csv", b"Surname,Email\nRahma,a@example.org\n", "no “Full name” column"),
        ("list.csv", b"Name,Full name\nA,B\n", "both mean"),
    ],
)
def test_a_file_that_cannot_be_imported_gets_one_clear_error(indonesia, filename, content, says):
    with pytest.raises(ImportFileError) as error:
        import_analyse(member=indonesia, filename=filename, content=content)
    assert says in str(error.value)


def _openpyxl_table(content: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    return imports._table_from_rows(enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1))


def _trimmed(table):
    def trim(cells):
        cells = list(cells)
        while cells and not cells[-1]:
            cells.pop()
        return cells

    return trim(table.headers), [(number, trim(cells)) for number, cells in table.rows]


def _with_declared_dimension(content: bytes, ref: str) -> bytes:
    """The workbook with its first sheet claiming the range `ref` (files in the wild lie about it)."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                if "<dimension" in text:
                    text = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', text)
                else:
                    text = text.replace("<sheetData", f'<dimension ref="{ref}"/><sheetData', 1)
                data = text.encode()
            target.writestr(info, data)
    return out.getvalue()


def test_a_sheet_that_declares_a_huge_range_is_read_by_its_real_cells():
    rows = [["Full name", "E-mail"]] + [[f"Person {n}", f"p{n}@example.org"] for n in range(500)]
    content = _with_declared_dimension(xlsx_bytes(rows), "A1:XFD1048576")
    table = imports.read_table("list.xlsx", content)
    assert len(table.rows) == 500
    assert max(len(cells) for _number, cells in table.rows) <= imports.MAX_COLUMNS


def test_a_sheet_that_declares_too_small_a_range_loses_no_rows():
    rows = [["Full name", "E-mail"]] + [[f"Person {n}", f"p{n}@example.org"] for n in range(50)]
    table = imports.read_table("list.xlsx", _with_declared_dimension(xlsx_bytes(rows), "A1:A2"))
    assert len(table.rows) == 50 and table.rows[-1][1][:2] == ["Person 49", "p49@example.org"]


def test_a_workbook_that_unpacks_to_gigabytes_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 1000)
    content = xlsx_bytes([["Full name"], ["Siti Rahma"]])
    with pytest.raises(imports.ImportFileError, match="too large"):
        imports.read_table("list.xlsx", content)


def test_a_date_in_a_workbook_is_read_as_openpyxl_reads_it():
    content = xlsx_bytes([["Full name", "Title"], ["Dewi Lestari", date(2024, 1, 2)]])
    table = imports.read_table("list.xlsx", content)

    assert table.rows == [(2, ["Dewi Lestari", "2024-01-02T00:00:00"])] == _openpyxl_table(content).rows


def test_a_huge_file_is_refused(indonesia):
    rows = [["Full name", "Email"]] + [[f"Person {n}", f"p{n}@example.org"] for n in range(20_001)]
    with pytest.raises(ImportFileError, match="more than 20,000 rows"):
        analyse(indonesia, rows)
    with pytest.raises(ImportFileError, match="larger than 10 MB"):
        import_analyse(member=indonesia, filename="big.csv", content=b"Full name\n" + b"x" * (10 * 2**20))


def test_a_bad_file_uploaded_in_the_page_shows_the_error_and_changes_nothing(client, login, coordinator, indonesia):
    login(coordinator)
    upload = io.BytesIO(b"this is not a spreadsheet")
    upload.name = "list.xlsx"
    response = client.post("/directory/import/", {"member": "ID", "file": upload})
    assert response.status_code == 200
    assert "not an Excel workbook" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not FocalPoint.objects.exists()


# -- rows ------------------------------------------------------------------------------------------


def test_row_errors_name_the_row_the_column_as_written_and_the_reason(indonesia):
    rows = [
        ["Name", "E-mail", "Telephone", "Roles", "Time zone", "Agency"],
        ["Siti Rahma", "siti@example.go.id", "", "", "", ""],
        ["Budi Santoso", "budi(at)example", "", "", "", ""],
        [],  # a blank line keeps its number
        ["", "nobody@example.org", "12", "chief", "Mars/Base", "XYZ"],
    ]
    analysis = analyse(indonesia, rows, filename="list.xlsx")
    by_row = {r["row"]: r for r in analysis.report["rows"]}
    assert by_row[2]["outcome"] == "new"
    assert by_row[3]["outcome"] == "rejected"
    assert by_row[3]["errors"] == [{"column": "E-mail", "reason": "“budi(at)example” is not a valid email address."}]
    assert by_row[5]["outcome"] == "rejected"
    columns = {e["column"]: e["reason"] for e in by_row[5]["errors"]}
    assert set(columns) == {"Name", "Telephone", "Roles", "Time zone", "Agency"}
    assert "required" in columns["Name"]
    assert "“12” is not a valid phone number" in columns["Telephone"]
    assert "“chief” is not a role" in columns["Roles"]
    assert "Mars/Base" in columns["Time zone"]
    assert "“XYZ” is not an agency of this member" in columns["Agency"]
    assert analysis.counts == {"new": 1, "updated": 0, "unchanged": 0, "conflicting": 0, "rejected": 2}

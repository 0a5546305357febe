"""Import files that lie or are written another way: a workbook whose ZIP directory understates its
sizes, formulas in cells, CSV files in UTF-16."""

import csv
import io
import zipfile

import openpyxl
import pytest

from bphub.directory.models import FocalPoint, ImportBatch
from bphub.directory.services import imports
from bphub.directory.services.imports import ImportFileError, import_analyse
from bphub.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


def _workbook(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _understating(content: bytes, *, padding: int) -> bytes:
    """The workbook plus an entry of `padding` zero bytes whose central directory says 1 KB."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/media/padding.bin", b"\0" * padding)
    data = bytearray(out.getvalue())
    record = data.rfind(b"PK\x01\x02")  # the last entry's central directory record: the padding
    assert data[record + 46 : record + 46 + 19] == b"xl/media/padding.bin"[:19]
    data[record + 24 : record + 28] = (1024).to_bytes(4, "little")  # its uncompressed size
    return bytes(data)


def test_a_workbook_whose_zip_directory_understates_its_sizes_is_refused(
    client, login, make_user, indonesia, monkeypatch
):
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 1_000_000)
    content = _understating(_workbook([["Full name"], ["Siti Rahma"]]), padding=3_000_000)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:  # what the directory claims: well under the limit
        assert sum(info.file_size for info in archive.infolist()) < 1_000_000

    login(make_user("member_coordinator", member=indonesia))
    upload = io.BytesIO(content)
    upload.name = "list.xlsx"
    response = client.post("/directory/import/", {"member": "ID", "file": upload})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("The workbook is too large once unpacked; split it into smaller files.") == 1
    assert not ImportBatch.objects.exists()
    assert not FocalPoint.objects.exists()


def test_an_honest_workbook_under_the_limit_is_read(indonesia, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 1_000_000)
    analysis = import_analyse(
        member=indonesia, filename="list.xlsx", content=_workbook([["Full name"], ["Siti Rahma"]])
    )
    assert analysis.counts["new"] == 1


def test_a_formula_in_a_cell_is_named_as_such_with_its_row_and_column(indonesia):
    content = _workbook(
        [
            ["Name", "E-mail", "Title"],
            ['=HYPERLINK("https://example.org/siti", "Siti Rahma")', "siti@example.org", "Director"],
            ["=A1", "budi@example.org", ""],
            ["Dewi Lestari", '=LOWER("DEWI@EXAMPLE.ORG")', "Analyst"],
            ["Rina Putri", "rina@example.org", "Officer"],
        ]
    )
    analysis = import_analyse(member=indonesia, filename="list.xlsx", content=content)
    by_row = {entry["row"]: entry for entry in analysis.report["rows"]}

    assert [by_row[n]["outcome"] for n in (2, 3, 4, 5)] == ["rejected", "rejected", "rejected", "new"]
    [error] = by_row[2]["errors"]
    assert error["column"] == "Name"
    assert error["reason"].startswith('The cell holds a formula (=HYPERLINK("https://example.org/siti",')
    assert "which is not accepted" in error["reason"]
    assert by_row[3]["errors"] == [
        {
            "column": "Name",
            "reason": "The cell holds a formula (=A1), which is not accepted; type the value itself "
            "(in Excel: copy, then Paste Special → Values).",
        }
    ]
    assert [e["column"] for e in by_row[4]["errors"]] == ["E-mail"]
    assert "formula" in by_row[4]["errors"][0]["reason"]
    assert not any("required" in e["reason"] for entry in by_row.values() for e in entry["errors"])


def _csv_text(rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


ROWS = [
    ["Full name", "Local name", "Email"],
    ["Somchai Jaidee", "สมชาย ใจดี", "sj@example.org"],
    ["Nguyễn Văn An", "", ""],
]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_csv_with_a_byte_order_mark_is_read(indonesia, encoding):
    content = ("\ufeff" + _csv_text(ROWS)).encode(encoding)
    analysis = import_analyse(member=indonesia, filename="list.csv", content=content)
    assert analysis.counts["new"] == 2
    assert [row["data"]["full_name"] for row in analysis.rows] == ["Somchai Jaidee", "Nguyễn Văn An"]
    assert analysis.rows[0]["data"]["local_name"] == "สมชาย ใจดี"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (_csv_text(ROWS).encode("utf-16-le"), "not a CSV text file"),  # no byte-order mark
        (_csv_text([["Full name"], ["José Ramos-Horta"]]).encode("cp1252"), "not UTF-8 text"),
    ],
)
def test_a_csv_in_another_encoding_is_told_which_encodings_are_accepted(indonesia, content, says):
    with pytest.raises(ImportFileError) as error:
        import_analyse(member=indonesia, filename="list.csv", content=content)
    assert says in str(error.value)
    assert "UTF-8" in str(error.value) and "UTF-16 with a byte-order mark" in str(error.value)

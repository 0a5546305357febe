"""The focal-point spreadsheet import: files, rows, matching, outcomes, apply, pages and access."""

import csv
import io
import json
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from bphub.core.models import AuditEvent
from bphub.directory.models import ConfirmedVia, FocalPoint, FocalPointRole, ImportBatch, Revision, RoleKind
from bphub.directory.services import imports
from bphub.directory.services.imports import (
    ImportFileError,
    header_field,
    import_analyse,
    import_apply,
    import_preview,
)
from bphub.directory.services.matching import find_similar_people
from bphub.directory.services.records import focal_point_save, focal_point_snapshot, revision_list
from bphub.directory.testing import make_agency, make_focal_point
from bphub.directory.validation import clean_roles
from bphub.members.models import Member

pytestmark = pytest.mark.django_db


# -- files built in the test -------------------------------------------------------------------


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, *, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


HEADER = ["Full name", "Local name", "Title", "Agency", "Emails", "Phones", "Roles", "Preferred language", "Time zone"]


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def thailand(reference):
    return Member.objects.get(code="TH")


@pytest.fixture
def coordinator(indonesia, make_user):
    return make_user("member_coordinator", member=indonesia)


def analyse(member, rows, *, filename="list.csv", **kwargs):
    content = xlsx_bytes(rows) if filename.endswith(".xlsx") else csv_bytes(rows, **kwargs)
    return import_analyse(member=member, filename=filename, content=content)


def outcomes(analysis) -> dict[int, str]:
    return {row["row"]: row["outcome"] for row in analysis.report["rows"]}


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


# -- matching and outcomes --------------------------------------------------------------------------


def test_each_row_gets_new_updated_unchanged_conflicting_or_rejected(indonesia):
    make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.go.id"], title="Director")
    make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@example.go.id"], title="Head")
    make_focal_point(indonesia, full_name="Agus Wijaya", emails=["agus@example.go.id"])
    make_focal_point(indonesia, full_name="Rina Putri", emails=["rina@example.go.id"])
    rows = [
        ["Full name", "Email", "Title"],
        ["Dewi Lestari", "dewi@example.go.id", "Analyst"],  # nobody alike
        ["SITI RAHMA", "Siti@Example.go.id", "Director-General"],  # same email, title changes
        ["Budi Santoso", "budi@example.go.id", "Head"],  # same person, nothing new
        ["Agus Wijaya", "rina@example.go.id", ""],  # Rina's email, Agus's name
        ["Tono Hartono", "not-an-email", ""],
    ]
    analysis = analyse(indonesia, rows)
    assert outcomes(analysis) == {2: "new", 3: "updated", 4: "unchanged", 5: "conflicting", 6: "rejected"}
    updated = analysis.report["rows"][1]
    assert updated["changes"] == {"title": ["Director", "Director-General"]}
    conflicting = analysis.report["rows"][3]
    assert "The email belongs to Rina Putri" in conflicting["errors"][0]["reason"]
    assert "Agus Wijaya" in conflicting["errors"][0]["reason"]


def test_names_match_across_diacritics_case_word_order_and_script(indonesia):
    viet = make_focal_point(indonesia, full_name="Nguyễn Văn An", emails=["an@example.org"])
    thai = make_focal_point(indonesia, full_name="JAIDEE Somchai", local_name="สมชาย ใจดี", emails=["sj@example.org"])
    rows = [
        ["Full name", "Local name", "Title"],
        ["Nguyen Van An", "", "Officer"],
        ["Somchai Jaidee", "", ""],
        ["Someone Else", "สมชาย ใจดี", ""],  # the own-script name, transliterated, is the same
    ]
    analysis = analyse(indonesia, rows)
    report = analysis.report["rows"]
    assert (report[0]["outcome"], report[0]["match"]) == ("updated", viet.pk)
    assert report[0]["changes"] == {"title": ["", "Officer"]}
    assert report[1]["outcome"] == "conflicting"  # rows 3 and 4 are both Somchai
    assert report[2]["outcome"] == "conflicting"
    assert "Rows 3 and 4 are both JAIDEE Somchai" in report[1]["errors"][0]["reason"]
    assert thai.pk == report[1]["match"]


def test_a_slightly_misspelt_name_matches_but_two_alike_people_conflict(indonesia):
    make_focal_point(indonesia, full_name="Muhammad Rizky Pratama", emails=["rizky@example.org"])
    make_focal_point(indonesia, full_name="Ahmad Hidayat", emails=["ahmad1@example.org"])
    make_focal_point(indonesia, full_name="Hidayat Ahmad", emails=["ahmad2@example.org"])
    analysis = analyse(indonesia, [["Full name"], ["Muhammad Rizki Pratama"], ["Ahmad Hidayat"]])
    report = analysis.report["rows"]
    assert report[0]["outcome"] == "unchanged"
    assert report[1]["outcome"] == "conflicting"
    assert "Several people have a name like this" in report[1]["errors"][0]["reason"]


def test_two_rows_of_the_file_that_are_the_same_person_both_conflict(indonesia):
    rows = [
        ["Full name", "Email"],
        ["Dewi Lestari", "dewi@example.org"],
        ["Somebody Else", "DEWI@example.org"],  # same email
        ["Lestari Dewi", "other@example.org"],  # same name, other order
        ["Rina Putri", "rina@example.org"],
    ]
    analysis = analyse(indonesia, rows)
    assert outcomes(analysis) == {2: "conflicting", 3: "conflicting", 4: "conflicting", 5: "new"}
    reasons = [e["reason"] for e in analysis.report["rows"][0]["errors"]]
    assert "Row 3 is the same person; keep one row." in reasons
    assert "Row 4 is the same person; keep one row." in reasons
    assert analysis.report["rows"][1]["errors"][0]["column"] == "Email"


def test_a_blank_cell_keeps_and_lists_only_grow(indonesia, reference):
    person = make_focal_point(
        indonesia,
        full_name="Siti Rahma",
        title="Director",
        emails=["siti@example.go.id"],
        phones=["+62215550100"],
        roles=[{"kind": RoleKind.NATIONAL, "body": None, "theme": None}],
    )
    rows = [
        ["Full name", "Title", "Email", "Phone", "Roles"],
        ["Siti Rahma", "", "s.rahma@example.org", "+62215550100", "wg:TIPWG"],
    ]
    [entry] = analyse(indonesia, rows).report["rows"]
    assert entry["match"] == person.pk
    assert entry["changes"] == {
        "emails": [["siti@example.go.id"], ["siti@example.go.id", "s.rahma@example.org"]],
        "roles": [["national"], ["national", "wg:TIPWG"]],
    }


def test_the_blocked_name_index_finds_exactly_what_comparing_every_pair_finds():
    from rapidfuzz import fuzz

    from bphub.directory.services.matching import NAME_SCORE_CUTOFF, PersonIndex, name_keys

    names = [
        "Siti Rahma",
        "Siti Rahmah",
        "Rahma Siti",
        "S. Rahma",
        "Siti Rahma Wijaya",
        "Nguyễn Văn An",
        "An Van Nguyen",
        "Nguyen Van Anh",
        "Somchai Jaidee",
        "Somchai Jaide",
        "สมชาย ใจดี",
        "Budi Santoso",
        "Budi Santosa",
        "Bo",
        "Boo",
        "Dewi Lestari",
        "Dewi Lestari Putri Anggraini",
        "Aung San",
        "San Aung",
        "Maria Clara de la Cruz",
    ]
    keys = {ref: name_keys(name) for ref, name in enumerate(names)}
    index = PersonIndex()
    for ref, name_key_list in keys.items():
        index.add(ref, keys=name_key_list)

    for query in [*names, "Siti Rahmaa", "Nguyen An", "Jaidee Somchai", "Budi", "Dewi Lestari Putri Anggrainiaaa"]:
        query_keys = name_keys(query)
        expected = {}
        for ref, ref_keys in keys.items():
            scores = [
                fuzz.ratio(a, b)
                for a in query_keys
                for b in ref_keys
                if {w[0] for w in a.split()} & {w[0] for w in b.split()}
            ]
            if scores and max(scores) >= NAME_SCORE_CUTOFF:
                expected[ref] = round(max(scores))
        assert index.match_names(query_keys) == expected, query


def test_find_similar_people_suggests_duplicates_by_email_and_name(indonesia, thailand):
    by_email = make_focal_point(indonesia, full_name="Completely Different", emails=["an@example.org"])
    by_name = make_focal_point(indonesia, full_name="NGUYỄN Văn An", emails=["other@example.org"])
    make_focal_point(indonesia, full_name="Budi Santoso")
    make_focal_point(thailand, full_name="Nguyen Van An")  # another member's person is never suggested

    found = find_similar_people(indonesia, "Van An Nguyen", "", ["AN@example.org"])

    assert [(p.pk, reason) for p, _score, reason in found] == [(by_email.pk, "email"), (by_name.pk, "name")]
    assert found[1][1] == 100
    assert find_similar_people(indonesia, "Nguyen Van An", exclude_pk=by_name.pk) == []


# -- preview and apply ----------------------------------------------------------------------------


def test_apply_creates_updates_and_confirms_with_import_history(indonesia, coordinator):
    agency = make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    existing = make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.go.id"], title="Director")
    same = make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@example.go.id"])
    rows = [
        HEADER,
        [
            "Dewi Lestari",
            "",
            "Analyst",
            "DGI",
            "dewi@example.go.id; d.lestari@example.org",
            "021 5550100",
            "national; wg:TIPWG; theme:safety-at-sea",
            "id",
            "Asia/Jakarta",
        ],
        ["Siti Rahma", "", "Director-General", "", "", "", "som", "", ""],
        ["Budi Santoso", "", "", "", "budi@example.go.id", "", "", "", ""],
    ]
    batch = import_preview(member=indonesia, filename="list.xlsx", content=xlsx_bytes(rows), actor=coordinator)
    assert batch.report["counts"] == {"new": 1, "updated": 1, "unchanged": 1, "conflicting": 0, "rejected": 0}
    assert not FocalPoint.objects.filter(full_name="Dewi Lestari").exists()  # a preview writes no person

    import_apply(batch=batch, actor=coordinator)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    dewi = FocalPoint.objects.get(full_name="Dewi Lestari")
    assert dewi.agency == agency and dewi.member == indonesia and dewi.originator == indonesia
    assert [e.address for e in dewi.emails.all()] == ["dewi@example.go.id", "d.lestari@example.org"]
    assert [p.number for p in dewi.phones.all()] == ["+62215550100"]
    assert {str(r.kind) for r in dewi.roles.all()} == {"national", "working_group", "thematic"}
    assert dewi.last_confirmed_via == ConfirmedVia.IMPORT and dewi.review_due_on is not None
    assert "dewi lestari" in dewi.search_text
    [created] = revision_list(dewi)
    assert (created.source, created.source_ref, created.actor) == ("import", f"import:{batch.pk}", coordinator)
    assert created.snapshot == focal_point_snapshot(FocalPoint.objects.get(pk=dewi.pk))  # as the service writes it

    existing.refresh_from_db()
    assert existing.title == "Director-General"
    assert existing.last_confirmed_via == ConfirmedVia.IMPORT
    latest = revision_list(existing)[0]
    assert (latest.source, latest.source_ref) == (Revision.Source.IMPORT, f"import:{batch.pk}")
    assert "title" in latest.changes and "roles" in latest.changes

    same.refresh_from_db()
    assert same.last_confirmed_via == ConfirmedVia.IMPORT
    confirmed = revision_list(same)[0]
    assert confirmed.source_ref == f"import:{batch.pk}"
    assert confirmed.snapshot == focal_point_snapshot(FocalPoint.objects.get(pk=same.pk))

    assert AuditEvent.objects.filter(verb="directory.import_previewed", target_id=str(batch.pk)).exists()
    applied = AuditEvent.objects.get(verb="directory.import_applied", target_id=str(batch.pk))
    assert applied.data["created"] == [dewi.pk] and applied.actor == coordinator

    # A later edit compares against the bulk-written snapshot: only what the edit changed.
    focal_point_save(focal_point=FocalPoint.objects.get(pk=dewi.pk), data={"title": "Senior Analyst"})
    assert revision_list(dewi)[0].changes == {"title": ["Analyst", "Senior Analyst"]}


def _save_one_by_one(batch, actor):
    """The batch's updated rows saved through `records.focal_point_save`, one call per person:
    what the bulk apply must store, column for column and revision for revision."""
    state = imports.load_directory_state(batch.member)
    data_by_row = {row["row"]: row["data"] for row in batch.rows}
    for entry in batch.report["rows"]:
        if entry["outcome"] != "updated":
            continue
        after = imports._merged(
            state.people[entry["match"]], data_by_row[entry["row"]], by_email=entry["match_reason"] == "email"
        )
        changed = entry["changes"]
        data = {name: after[name] for name in (*imports.SCALAR_FIELDS, "emails", "phones") if name in changed}
        if "agency" in changed:
            data["agency"] = state.agencies[after["agency_id"]]
        if "roles" in changed:
            data["roles"] = clean_roles("; ".join(after["roles"]), bodies=state.bodies, themes=state.themes)
        focal_point_save(
            focal_point=FocalPoint.objects.get(pk=entry["match"]),
            data=data,
            actor=actor,
            source=Revision.Source.IMPORT,
            source_ref=f"import:{batch.pk}",
            confirmed_via=ConfirmedVia.IMPORT,
        )


def _stored(pks) -> dict:
    """Everything stored about these people, the moment of the apply left out."""

    def timeless(snapshot):
        snapshot = json.loads(json.dumps(snapshot))
        if "last_confirmed_at" in snapshot:
            snapshot["last_confirmed_at"] = snapshot["last_confirmed_at"] and "<apply>"
        return snapshot

    def timeless_changes(changes):
        changes = json.loads(json.dumps(changes))
        if "last_confirmed_at" in changes:
            changes["last_confirmed_at"][1] = "<apply>"
        return changes

    stored = {}
    for person in FocalPoint.objects.filter(pk__in=pks):
        columns = {f.attname: getattr(person, f.attname) for f in FocalPoint._meta.concrete_fields}
        del columns["last_confirmed_at"], columns["updated_at"]
        stored[person.pk] = {
            "columns": columns,
            "released_to": sorted(m.code for m in person.released_to.all()),
            "emails": [(e.address, e.is_primary) for e in person.emails.all()],
            "phones": [(p.number, p.kind, p.is_primary) for p in person.phones.all()],
            "roles": [
                (r.kind, r.body_id, r.theme_id, r.valid_from, r.valid_to) for r in person.roles.order_by("kind", "id")
            ],
            "revisions": [
                (
                    r.number,
                    r.source,
                    r.source_ref,
                    r.actor_id,
                    r.actor_label,
                    timeless(r.snapshot),
                    timeless_changes(r.changes),
                )
                for r in revision_list(person)
            ],
            "audit": [
                (e.verb, e.actor_id, e.actor_email, e.target_label, e.data)
                for e in AuditEvent.objects.filter(
                    target_type="directory.focalpoint", target_id=str(person.pk)
                ).order_by("id")
            ],
        }
    return stored


def test_the_bulk_apply_stores_exactly_what_focal_point_save_would_one_by_one(indonesia, thailand, coordinator):
    dgi = make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    make_agency(indonesia, name="Indonesian National Police", acronym="POLRI")
    national = {"kind": RoleKind.NATIONAL, "body": None, "theme": None}
    by_email = make_focal_point(
        indonesia,
        full_name="Siti Rahma",
        emails=["siti@example.go.id"],
        phones=["+62215550100"],
        agency=dgi,
        roles=[national],
        classification="restricted",
        released_to=[thailand],
        review_cadence_days=180,
    )
    by_name = make_focal_point(
        indonesia, full_name="Nguyễn Văn An", emails=["an@example.org"], title="Analyst", roles=[national]
    )
    FocalPointRole.objects.create(
        focal_point=by_name, kind=RoleKind.SOM_DELEGATE, valid_from=date(2020, 1, 1), valid_to=date(2021, 1, 1)
    )
    focal_point_save(focal_point=by_name, data={})  # a role that ended, kept with its dates
    renamed = make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@example.go.id", "b@example.org"])
    renamed.emails.update(is_primary=False)  # no main address: the first one known becomes it
    bare = FocalPoint.objects.create(member=indonesia, full_name="Rina Putri")  # made outside the services
    make_focal_point(indonesia, full_name="Dewi Lestari", emails=["dewi@example.go.id"])
    rows = [
        HEADER,
        [
            "Siti Rahma",
            "",
            "Director",
            "POLRI",
            "siti@example.go.id; s.rahma@example.org",
            "+62 21 5550100; 0812 3456 7890",
            "national; wg:TIPWG",
            "id",
            "Asia/Jakarta",
        ],
        ["AN VAN NGUYEN", "", "Senior Analyst", "", "", "021 5550199", "theme:safety-at-sea", "", ""],
        [
            "Budi Santoso Wijaya",
            "บุดี",
            "",
            "DGI",
            "b@example.org; budi@example.go.id; bw@example.org",
            "",
            "som",
            "en",
            "",
        ],
        ["Rina Putri", "", "Head of Section", "", "rina@example.org", "", "", "", "Asia/Makassar"],
        ["Dewi Lestari", "", "", "", "dewi@example.go.id", "", "", "", ""],
        ["Agus Salim", "", "Liaison Officer", "DGI", "agus@example.org", "", "national", "", ""],
    ]
    batch = import_preview(member=indonesia, filename="list.xlsx", content=xlsx_bytes(rows), actor=coordinator)
    assert batch.report["counts"] == {"new": 1, "updated": 4, "unchanged": 1, "conflicting": 0, "rejected": 0}
    assert {e["match_reason"] for e in batch.report["rows"] if e["outcome"] == "updated"} == {"email", "name"}
    people = [by_email.pk, by_name.pk, renamed.pk, bare.pk]

    with transaction.atomic():
        _save_one_by_one(batch, coordinator)
        expected = _stored(people)
        transaction.set_rollback(True)
    import_apply(batch=batch, actor=coordinator)

    stored = _stored(people)
    for pk in people:
        assert stored[pk] == expected[pk]
    assert stored[renamed.pk]["emails"] == [
        ("budi@example.go.id", True),
        ("b@example.org", False),
        ("bw@example.org", False),
    ]
    assert [r[0] for r in stored[bare.pk]["revisions"]] == [1]  # its first revision, made by the import
    assert ("som_delegate", None, None, date(2020, 1, 1), date(2021, 1, 1)) in stored[by_name.pk]["roles"]
    assert all(person["audit"][-1][4]["source_ref"] == f"import:{batch.pk}" for person in stored.values())


def test_apply_is_refused_while_any_row_is_rejected_or_conflicting(indonesia):
    rows = [["Full name", "Email"], ["Dewi Lestari", "dewi@example.org"], ["Rina Putri", "broken"]]
    batch = import_preview(member=indonesia, filename="list.csv", content=csv_bytes(rows))
    with pytest.raises(ValidationError, match="rejected or conflicting"):
        import_apply(batch=batch)
    assert not FocalPoint.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_apply_is_refused_when_the_directory_changed_since_the_preview(indonesia):
    person = make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.go.id"], title="Director")
    rows = [
        ["Full name", "Email", "Title"],
        ["Siti Rahma", "siti@example.go.id", "Director-General"],
        ["Dewi Lestari", "dewi@example.org", ""],
    ]
    batch = import_preview(member=indonesia, filename="list.csv", content=csv_bytes(rows))
    focal_point_save(focal_point=person, data={"title": "Director-General"})  # someone else did it meanwhile

    with pytest.raises(ValidationError, match="changed since this preview"):
        import_apply(batch=batch)
    assert not FocalPoint.objects.filter(full_name="Dewi Lestari").exists()


def test_apply_is_all_or_nothing_when_the_database_fails_midway(indonesia, monkeypatch):
    make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.go.id"])
    make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@example.go.id"])
    rows = [
        ["Full name", "Email", "Title"],
        ["Dewi Lestari", "dewi@example.org", ""],
        ["Siti Rahma", "siti@example.go.id", "Director"],
        ["Budi Santoso", "budi@example.go.id", "Head"],
    ]
    batch = import_preview(member=indonesia, filename="list.csv", content=csv_bytes(rows))
    real_latest, calls = imports._latest_revisions, []

    def failing_latest(pks):  # called after the new person and the changed titles are written
        calls.append(pks)
        if len(calls) == 1:
            assert FocalPoint.objects.filter(full_name="Dewi Lestari").exists()
            assert FocalPoint.objects.filter(title__in=["Director", "Head"]).count() == 2
            raise IntegrityError("disk full")
        return real_latest(pks)

    monkeypatch.setattr(imports, "_latest_revisions", failing_latest)
    with pytest.raises(IntegrityError):
        import_apply(batch=batch)

    assert not FocalPoint.objects.filter(full_name="Dewi Lestari").exists()
    assert not FocalPoint.objects.filter(title__in=["Director", "Head"]).exists()
    assert not Revision.objects.filter(source=Revision.Source.IMPORT).exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_a_batch_is_applied_once(indonesia):
    batch = import_preview(member=indonesia, filename="l.csv", content=b"Full name\nDewi Lestari\n")
    import_apply(batch=batch)
    with pytest.raises(ValidationError, match="already applied"):
        import_apply(batch=batch)
    assert FocalPoint.objects.count() == 1


# -- pages -----------------------------------------------------------------------------------------


def test_upload_preview_and_apply_through_the_pages(client, login, coordinator, indonesia):
    login(coordinator)
    upload = io.BytesIO(xlsx_bytes([["Full name", "E-mail"], ["Dewi Lestari", "dewi@example.org"]]))
    upload.name = "list.xlsx"
    response = client.post("/directory/import/", {"member": "ID", "file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/directory/import/{batch.pk}/"

    page = client.get(f"/directory/import/{batch.pk}/").content.decode()
    assert "Dewi Lestari" in page and "Apply this import" in page

    response = client.post(f"/directory/import/{batch.pk}/apply/")
    assert response.status_code == 302
    assert FocalPoint.objects.filter(full_name="Dewi Lestari", member=indonesia).exists()
    assert "Import applied" in client.get(response["Location"]).content.decode()


def test_a_preview_with_errors_lists_them_and_offers_no_apply(client, login, coordinator, indonesia):
    login(coordinator)
    rows = [["Full name", "E-mail"], ["Dewi Lestari", "dewi at example"]]
    batch = import_preview(member=indonesia, filename="list.csv", content=csv_bytes(rows), actor=coordinator)
    page = client.get(f"/directory/import/{batch.pk}/").content.decode()
    assert "E-mail" in page and "is not a valid email address" in page
    assert "Apply this import" not in page
    response = client.post(f"/directory/import/{batch.pk}/apply/", follow=True)
    assert "rejected or conflicting" in response.content.decode()
    assert not FocalPoint.objects.exists()


def test_discard_keeps_the_directory_as_it_was(client, login, coordinator, indonesia):
    login(coordinator)
    batch = import_preview(member=indonesia, filename="l.csv", content=b"Full name\nDewi Lestari\n")
    response = client.post(f"/directory/import/{batch.pk}/discard/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    assert client.post(f"/directory/import/{batch.pk}/apply/").status_code == 302
    assert not FocalPoint.objects.exists()


def test_a_coordinator_cannot_import_for_another_member(client, login, coordinator, thailand):
    login(coordinator)
    upload = io.BytesIO(b"Full name\nSomchai Jaidee\n")
    upload.name = "list.csv"
    response = client.post("/directory/import/", {"member": "TH", "file": upload})
    assert response.status_code == 200 and not ImportBatch.objects.exists()

    batch = import_preview(member=thailand, filename="l.csv", content=b"Full name\nSomchai Jaidee\n")
    assert client.get(f"/directory/import/{batch.pk}/").status_code == 404
    assert client.post(f"/directory/import/{batch.pk}/apply/").status_code == 404
    assert client.post(f"/directory/import/{batch.pk}/discard/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and not FocalPoint.objects.exists()


def test_the_rso_picks_the_member_and_officials_see_no_import(client, login, make_user, thailand):
    login(make_user("rso_staff"))
    upload = io.BytesIO(b"Full name\nSomchai Jaidee\n")
    upload.name = "list.csv"
    assert client.post("/directory/import/", {"member": "TH", "file": upload}).status_code == 302
    assert ImportBatch.objects.get().member == thailand
    login(make_user("member_official", member=thailand))
    assert client.get("/directory/import/").status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_downloads_and_imports_as_is(client, login, coordinator, indonesia, fmt):
    make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    login(coordinator)
    response = client.get(f"/directory/import/template.{fmt}")
    assert response.status_code == 200
    assert f"focal-points-template.{fmt}" in response["Content-Disposition"]
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["Focal points", "Instructions"]
    analysis = import_analyse(member=indonesia, filename=f"template.{fmt}", content=response.content)
    assert analysis.counts["new"] == 1, analysis.report["rows"]


# -- the command ------------------------------------------------------------------------------------


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_focal_points", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_command_dry_run_reports_and_changes_nothing(indonesia, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([["Full name", "Email"], ["Dewi Lestari", "dewi@example.org"]]))
    code, out, _err = _run(str(path), "--member", "ID", "--dry-run")
    assert code == 0
    assert "new: 1" in out
    assert not FocalPoint.objects.exists() and not ImportBatch.objects.exists()


def test_command_applies_a_clean_file_with_an_actor(indonesia, tmp_path, coordinator):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx_bytes([["Full name", "Email"], ["Dewi Lestari", "dewi@example.org"]]))
    code, out, _err = _run(str(path), "--member", "id", "--actor", coordinator.email)
    assert code == 0 and "Applied" in out
    person = FocalPoint.objects.get(full_name="Dewi Lestari")
    assert revision_list(person)[0].actor == coordinator


def test_command_exits_non_zero_with_json_report_when_rows_have_errors(indonesia, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([["Full name", "E-mail"], ["Dewi Lestari", "dewi@example.org"], ["Rina", "x@"]]))
    code, out, _err = _run(str(path), "--member", "ID", "--json")
    assert code == 1
    report = json.loads(out)
    assert report["applied"] is False
    assert report["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "conflicting": 0, "rejected": 1}
    assert report["rows"] == [
        {
            "row": 3,
            "outcome": "rejected",
            "full_name": "Rina",
            "errors": [{"column": "E-mail", "reason": "“x@” is not a valid email address."}],
        }
    ]
    assert not FocalPoint.objects.exists()


def test_command_exits_non_zero_for_a_bad_file_and_an_unknown_member(indonesia, tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"not a workbook")
    code, out, _err = _run(str(path), "--member", "ID", "--json")
    assert code == 1
    assert "not an Excel workbook" in json.loads(out)["error"]
    code, _out, err = _run(str(path), "--member", "ZZ")
    assert code == 2 and "ZZ" in err


def test_a_change_elsewhere_in_the_directory_does_not_block_the_apply(indonesia):
    other = make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@example.go.id"])
    batch = import_preview(member=indonesia, filename="l.csv", content=b"Full name,Title\nDewi Lestari,Analyst\n")
    focal_point_save(focal_point=other, data={"title": "Head"})  # re-validated: the outcomes are the same

    import_apply(batch=batch)

    assert FocalPoint.objects.filter(full_name="Dewi Lestari", title="Analyst").exists()


def test_a_person_found_by_email_takes_a_really_new_name_but_not_a_respelling(indonesia):
    renamed = make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.go.id"])
    accented = make_focal_point(indonesia, full_name="Nguyễn Văn An", emails=["an@example.org"])
    rows = [["Full name", "Email"], ["Siti Rahma Wijaya", "siti@example.go.id"], ["AN VAN NGUYEN", "an@example.org"]]
    report = analyse(indonesia, rows).report["rows"]
    assert (report[0]["match"], report[0]["changes"]) == (
        renamed.pk,
        {"full_name": ["Siti Rahma", "Siti Rahma Wijaya"]},
    )
    assert (report[1]["match"], report[1]["outcome"]) == (accented.pk, "unchanged")

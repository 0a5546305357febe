"""The downloadable template (XLSX with an Instructions sheet, or CSV)."""

import csv
import io

from bphub.directory.services.imports.reading import COLUMNS

EXAMPLE_ROW = {
    "full_name": "Siti Rahma (example: replace this row)",
    "local_name": "",
    "title": "Director of Immigration Intelligence",
    "agency": "DGI",
    "emails": "siti.rahma@example.go.id; s.rahma@example.org",
    "phones": "+62 21 555 0100; +62 812 555 0199",
    "roles": "national; wg:TIPWG; theme:safety-at-sea",
    "preferred_language": "id",
    "time_zone": "Asia/Jakarta",
}

INSTRUCTIONS = (
    ("Full name", "Required. The name in Latin script, as the person writes it."),
    ("Local name", "The name in the person's own script (ไทย, 中文, ...), if any."),
    ("Title", "Position or job title."),
    ("Agency", "Acronym or English name of one of the member's agencies in the directory."),
    ("Emails", "One or more addresses, separated by ; or ,. The first is the main one."),
    ("Phones", "One or more numbers, separated by ; Without a country code, the member's country is assumed."),
    ("Roles", "national; som; wg:CODE (a working group, e.g. wg:TIPWG); theme:CODE (e.g. theme:safety-at-sea)."),
    ("Preferred language", "A language code such as en, id, th."),
    ("Time zone", "A time zone name such as Asia/Jakarta or Asia/Bangkok."),
    ("", ""),
    (
        "Matching",
        "A row is the same person as a record that has one of its emails (any case), or else a name "
        "alike across case, accents, word order and script.",
    ),
    ("Blank cells", "A blank cell keeps what the directory has. An import never removes emails, phones or roles."),
    ("Headers", "Header names may vary: Name, E-mail, Email address, Telephone, Mobile, Position, Job title..."),
)


def import_template(fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, filename) of the downloadable template, "xlsx" or "csv"."""
    headers = list(COLUMNS.values())
    example = [EXAMPLE_ROW[name] for name in COLUMNS]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerow(example)
        return ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", "focal-points-template.csv"
    if fmt != "xlsx":
        raise ValueError(fmt)
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Focal points"
    sheet.append(headers)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHI", (32, 20, 32, 12, 40, 32, 36, 12, 16), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("Instructions")
    notes.append(["Column", "What to write"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for row in INSTRUCTIONS:
        notes.append(list(row))
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return (
        out.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "focal-points-template.xlsx",
    )

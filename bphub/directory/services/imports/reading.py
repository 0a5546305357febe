"""Reading a member's spreadsheet: an XLSX or CSV file into its header and numbered rows, and the
header into our columns. Whatever makes the whole file unusable raises ImportFileError, with one
message for the person who sent it."""

import codecs
import csv
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bphub.core.archives import ArchiveTooLarge, check_zip_expansion
from bphub.directory.text import fold

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000

# The template's columns, in order, with the header the template writes.
COLUMNS = {
    "full_name": "Full name",
    "local_name": "Local name",
    "title": "Title",
    "agency": "Agency",
    "emails": "Emails",
    "phones": "Phones",
    "roles": "Roles",
    "preferred_language": "Preferred language",
    "time_zone": "Time zone",
}
REQUIRED_COLUMNS = ("full_name",)
MULTI_COLUMNS = ("emails", "phones")  # may come in several columns (Phone, Mobile...)

# Header variants, compared after folding case and diacritics and dropping spaces and punctuation.
HEADER_VARIANTS = {
    "full_name": (
        "full name",
        "name",
        "name latin",
        "name latin script",
        "name in latin script",
        "name english",
        "english name",
        "name in english",
        "person",
        "focal point",
        "focal point name",
    ),
    "local_name": (
        "local name",
        "name local",
        "name local script",
        "name in own script",
        "name own script",
        "own script name",
        "native name",
        "name native",
        "name in local script",
        "local script name",
    ),
    "title": ("title", "position", "job title", "title position", "designation", "rank", "job", "post"),
    "agency": (
        "agency",
        "agency acronym",
        "agency name",
        "agency name acronym",
        "acronym",
        "organisation",
        "organization",
        "ministry",
        "department",
        "agency department",
    ),
    "emails": ("email", "emails", "email address", "email addresses", "mail", "e mail address"),
    "phones": (
        "phone",
        "phones",
        "telephone",
        "tel",
        "mobile",
        "mobile phone",
        "cell",
        "phone number",
        "phone numbers",
        "telephone number",
        "office phone",
        "work phone",
        "contact number",
    ),
    "roles": ("roles", "role", "focal point role", "focal point roles", "roles in the bali process"),
    "preferred_language": ("preferred language", "language", "lang", "working language"),
    "time_zone": ("time zone", "timezone", "tz"),
}


def _squash(text: str) -> str:
    return "".join(ch for ch in fold(str(text or "")) if ch.isalnum())


HEADER_LOOKUP = {_squash(variant): name for name, variants in HEADER_VARIANTS.items() for variant in variants}


def header_field(header: str) -> str | None:
    """The column a header means ("E-mail address" → "emails"), or None if it means nothing to us."""
    return HEADER_LOOKUP.get(_squash(header))


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, for the person who sent it."""


@dataclass
class Table:
    headers: list[str]  # as written in the file
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)


class Formula(str):
    """A workbook cell that holds a formula (its text, "=A1"): refused whatever value it last had,
    as a formula's value is not the file's content (and may not be stored at all)."""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed as numbers
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _table_from_rows(numbered_rows) -> Table:
    """The first non-empty row is the header; later empty rows are skipped (their numbers kept)."""
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, raw in numbered_rows:
        cells = [_cell_text(value) for value in raw]
        if not any(cells):
            continue
        if headers is None:
            headers = cells
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s rows; split it into smaller files.") % {"max": f"{MAX_ROWS:,}"}
            )
        rows.append((number, cells))
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    while headers and not headers[-1]:
        headers.pop()
    if not rows:
        raise ImportFileError(_("The file has a header but no rows of people."))
    return Table(headers=headers, rows=rows)


MAX_COLUMNS = 64  # a real list has a dozen; a sheet that declares 16,384 is not read that wide
MAX_UNPACKED_BYTES = 200 * 2**20  # a small .xlsx can unpack to gigabytes (a "zip bomb")


def _without_trailing_blanks(row: tuple) -> tuple:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row[:end]


def _values(cells: tuple) -> tuple:
    """The cells' values, a formula as a Formula (an array formula's value is an object with .text)."""
    return tuple(
        Formula(getattr(cell.value, "text", cell.value)) if cell.data_type == "f" else cell.value for cell in cells
    )


def _read_xlsx(content: bytes) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not content.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx), although its name says so."))
    # The sizes a ZIP's directory states can lie: count the bytes that really come out, and stop
    # at the limit, before openpyxl inflates anything.
    try:
        check_zip_expansion(io.BytesIO(content), MAX_UNPACKED_BYTES)
    except ArchiveTooLarge:
        raise ImportFileError(_("The workbook is too large once unpacked; split it into smaller files.")) from None
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError):  # damaged or odd compression
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx), although its name says so.")) from None
    try:
        # Formulas as written (data_only=False), so that a formula cell can be named as such.
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx), although its name says so.")) from None
    try:
        sheet = workbook.worksheets[0]
        # The size a sheet declares is not trusted: too large pads every row, too small drops rows.
        sheet.reset_dimensions()
        rows = (_without_trailing_blanks(_values(row)) for row in sheet.iter_rows(max_col=MAX_COLUMNS))
        return _table_from_rows(enumerate(rows, start=1))
    except ImportFileError:
        raise
    # A damaged sheet inside a valid zip: openpyxl raises any of these (XML errors are SyntaxErrors).
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, SyntaxError, zipfile.BadZipFile, OSError):
        raise ImportFileError(_("The workbook could not be read; save it again as .xlsx and retry.")) from None
    finally:
        workbook.close()


def _read_csv(content: bytes) -> Table:
    # Excel's "Unicode text" and some exports write UTF-16, always with a byte-order mark.
    utf16 = content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not content.startswith(
        codecs.BOM_UTF32_LE
    )
    if not utf16 and b"\x00" in content[:65536]:
        raise ImportFileError(
            _(
                "The file is not a CSV text file, although its name says so. Accepted: UTF-8 text, or UTF-16 "
                "with a byte-order mark."
            )
        )
    try:
        text = content.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _(
                "The CSV file is not UTF-8 text (accepted: UTF-8, or UTF-16 with a byte-order mark); save it as "
                "“CSV UTF-8” and retry."
            )
        ) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _table_from_rows(enumerate(reader, start=1))
    except csv.Error as error:
        raise ImportFileError(_("The CSV file could not be read: %(error)s") % {"error": error}) from None


def read_table(filename: str, content: bytes) -> Table:
    """The header and rows of an XLSX or CSV file. Raises ImportFileError (one message)."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(max)s MB; split it into smaller files.") % {"max": MAX_FILE_BYTES // 2**20}
        )
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        return _read_xlsx(content)
    if extension in {"csv", "txt"}:
        return _read_csv(content)
    raise ImportFileError(_("Upload an .xlsx or .csv file (this one is “%(name)s”).") % {"name": filename[-80:]})


def map_columns(headers: list[str]) -> tuple[dict[str, list[int]], list[str]]:
    """{column: [positions]} and the headers that were ignored. Raises ImportFileError for a
    header without the required columns or with two columns that mean the same single field."""
    columns: dict[str, list[int]] = defaultdict(list)
    ignored: list[str] = []
    for position, header in enumerate(headers):
        name = header_field(header)
        if name is None:
            if header:
                ignored.append(header)
            continue
        if columns[name] and name not in MULTI_COLUMNS:
            raise ImportFileError(
                _("The columns “%(a)s” and “%(b)s” both mean “%(field)s”; keep one.")
                % {"a": headers[columns[name][0]], "b": header, "field": COLUMNS[name]}
            )
        columns[name].append(position)
    missing = [COLUMNS[name] for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            _("The header (row 1) has no “%(missing)s” column. Expected columns: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS.values())}
        )
    return dict(columns), ignored

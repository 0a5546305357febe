"""The focal-point spreadsheet import: read → validate → match → preview → apply (all-or-nothing).

A member's list arrives as XLSX or CSV. `import_analyse` reads it (a file that is not what it
claims, has no usable header, is empty or too big raises ImportFileError with one message and
nothing is written), validates every row with the shared field rules (`bphub.directory.validation`)
and matches each row against the member's people and against the other rows of the file
(`bphub.directory.services.matching`). Each row gets one outcome:

- new: nobody alike; applying creates the person;
- updated: one person matched and the file adds or changes something (the changes are listed);
- unchanged: one person matched and the file says nothing new (applying confirms the record);
- conflicting: the email is one person's and the name another's, several people are alike, or two
  rows of the file are the same person: the file must be fixed;
- rejected: the row breaks a field rule (each error names the row, the column and the reason).

A blank cell keeps what the directory has, and an import never removes anything: emails, phones
and roles in the file are added to the person's. `import_preview` stores the analysis as an
ImportBatch; `import_apply` applies it in one transaction after analysing the stored rows again
against the directory as it is then, and refuses when anything would come out differently.
"""

import csv
import functools
import hashlib
import io
import json
import logging
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.core.models import AuditEvent
from bphub.directory.models import (
    Agency,
    ConfirmedVia,
    Email,
    FocalPoint,
    FocalPointRole,
    ImportBatch,
    Phone,
    Revision,
    directory_date,
    directory_today,
)
from bphub.directory.services.matching import (
    REASON_EMAIL,
    REASON_NAME,
    PersonIndex,
    name_keys,
    person_index_for_member,
)
from bphub.directory.services.records import FOCAL_POINT_FIELDS, diff_snapshots, focal_point_snapshot
from bphub.directory.text import fold, name_key, search_text_for
from bphub.directory.validation import (
    clean_emails,
    clean_language,
    clean_phone,
    clean_roles,
    clean_time_zone,
    role_code,
)

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000

NEW, UPDATED, UNCHANGED, CONFLICTING, REJECTED = "new", "updated", "unchanged", "conflicting", "rejected"
OUTCOMES = (NEW, UPDATED, UNCHANGED, CONFLICTING, REJECTED)
OUTCOME_LABELS = {
    NEW: gettext_lazy("New"),
    UPDATED: gettext_lazy("Updated"),
    UNCHANGED: gettext_lazy("Unchanged"),
    CONFLICTING: gettext_lazy("Conflicting"),
    REJECTED: gettext_lazy("Rejected"),
}

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
TEXT_LIMITS = {"full_name": 200, "local_name": 200, "title": 200}

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


# -- reading the file ---------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]  # as written in the file
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)


def _cell_text(value) -> str:
    if value is None:
        return ""
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


def _read_xlsx(content: bytes) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not content.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx), although its name says so."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx), although its name says so.")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_("The workbook is too large once unpacked; split it into smaller files."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx), although its name says so.")) from None
    try:
        sheet = workbook.worksheets[0]
        # The size a sheet declares is not trusted: too large pads every row, too small drops rows.
        sheet.reset_dimensions()
        rows = (_without_trailing_blanks(row) for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
        return _table_from_rows(enumerate(rows, start=1))
    except ImportFileError:
        raise
    # A damaged sheet inside a valid zip: openpyxl raises any of these (XML errors are SyntaxErrors).
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, SyntaxError, zipfile.BadZipFile, OSError):
        raise ImportFileError(_("The workbook could not be read; save it again as .xlsx and retry.")) from None
    finally:
        workbook.close()


def _read_csv(content: bytes) -> Table:
    if b"\x00" in content[:65536]:
        raise ImportFileError(_("The file is not a CSV text file, although its name says so."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The CSV file is not UTF-8 text; save it as “CSV UTF-8” and retry.")) from None
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


# -- what the directory already holds -------------------------------------------------------------


@dataclass
class DirectoryState:
    """A member's directory as the import needs it, loaded in a handful of queries."""

    member: object
    region: str
    agencies: dict[int, Agency]
    agency_by_label: dict[str, list[int]]  # folded acronym or English name -> agency pks
    bodies: dict
    themes: dict
    people: dict[int, dict]  # pk -> {fields..., "emails", "phones", "roles"}
    index: PersonIndex = field(default_factory=PersonIndex)
    # People of the member the importing person may not see or change (e.g. secretariat records):
    # still matched, so no duplicate is made, but never shown, changed or confirmed by the import.
    hidden: frozenset = frozenset()

    def agency_label(self, pk) -> str:
        agency = self.agencies.get(pk)
        return "" if agency is None else (agency.acronym or str(agency))


def load_directory_state(member, *, actor=None, index: bool = True) -> DirectoryState:
    """The member's agencies, people (with emails, phones and current roles), bodies and themes;
    with `index`, also the PersonIndex the matching needs.

    With an `actor` (the web import), agencies they may not see are left out and people they may
    not change are marked hidden; without one (an operator's command) everything counts.
    """
    from bphub.members.models import Body, Theme

    today = directory_today()
    agencies_qs = Agency.objects.filter(member=member)
    if actor is not None:
        agencies_qs = policy.visible_to(agencies_qs, actor)
    agencies = {a.pk: a for a in agencies_qs}
    by_label: dict[str, list[int]] = defaultdict(list)
    for agency in agencies.values():
        for label in {agency.acronym, *(agency.name or {}).values()}:
            if label and agency.pk not in by_label[fold(label)]:
                by_label[fold(label)].append(agency.pk)
    people = {
        row["pk"]: {**row, "emails": [], "phones": [], "roles": []}
        for row in FocalPoint.objects.filter(member=member).values(
            "pk", "full_name", "local_name", "title", "agency_id", "preferred_language", "time_zone"
        )
    }
    for pk, address in (
        Email.objects.filter(focal_point_id__in=people)
        .order_by("-is_primary", "id")
        .values_list("focal_point_id", "address")
    ):
        people[pk]["emails"].append(address)
    for pk, number in (
        Phone.objects.filter(focal_point_id__in=people)
        .order_by("-is_primary", "id")
        .values_list("focal_point_id", "number")
    ):
        people[pk]["phones"].append(number)
    for role in FocalPointRole.objects.filter(focal_point_id__in=people).values(
        "focal_point_id", "kind", "body__code", "theme__code", "valid_from", "valid_to"
    ):
        if (role["valid_from"] is None or role["valid_from"] <= today) and (
            role["valid_to"] is None or role["valid_to"] >= today
        ):
            label = role_code(role["kind"], role["body__code"], role["theme__code"])
            if label not in people[role["focal_point_id"]]["roles"]:
                people[role["focal_point_id"]]["roles"].append(label)
    people_index = (
        person_index_for_member(member, people=[(pk, p["full_name"], p["local_name"]) for pk, p in people.items()])
        if index
        else PersonIndex()
    )
    hidden: frozenset = frozenset()
    if actor is not None:  # a coordinator changes what they see of their own member; the RSO all
        visible = policy.visible_to(FocalPoint.objects.filter(member=member), actor).values_list("pk", flat=True)
        hidden = frozenset(set(people) - set(visible))
    return DirectoryState(
        hidden=hidden,
        member=member,
        region=member.country.code if member.country else "",
        agencies=agencies,
        agency_by_label=dict(by_label),
        bodies={b.code.upper(): b for b in Body.objects.all()},
        themes={t.code.lower(): t for t in Theme.objects.all()},
        people=people,
        index=people_index,
    )


def directory_fingerprint(member) -> str:
    """Changes whenever anything the matching reads of `member`'s directory changes (every write
    through the record services touches `updated_at` or adds a row), or the day does (roles end)."""
    from django.db.models import Count, Max

    people = FocalPoint.all_objects.filter(member=member)
    parts = [
        directory_today().isoformat(),
        people.aggregate(n=Count("pk"), at=Max("updated_at"), merged=Count("merged_into")),
        Agency.all_objects.filter(member=member).aggregate(n=Count("pk"), at=Max("updated_at")),
    ]
    for model in (Email, Phone, FocalPointRole):
        parts.append(model.objects.filter(focal_point__member=member).aggregate(n=Count("pk"), last=Max("pk")))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# -- validating rows ------------------------------------------------------------------------------


class _Memo:
    """Remembers a clean_* function's answer per raw value (time-zone checks read the disk)."""

    def __init__(self, function):
        self.function, self.answers = function, {}

    def __call__(self, raw):
        if raw not in self.answers:
            try:
                self.answers[raw] = (self.function(raw), None)
            except ValidationError as error:
                self.answers[raw] = (None, error)
        value, error = self.answers[raw]
        if error is not None:
            raise error
        return value


def _message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def validate_table(table: Table, columns: dict[str, list[int]], state: DirectoryState) -> list[dict]:
    """Every row normalised: {"row", "data" (only the fields with a value), "errors" [{"column", "reason"}]}."""
    clean_language_memo, clean_time_zone_memo = _Memo(clean_language), _Memo(clean_time_zone)
    clean_phone_memo = _Memo(functools.partial(clean_phone, region=state.region))  # ~0.1 ms a number

    def clean_phones(raw: str) -> list[str]:  # validation.clean_phones, each number checked once per file
        numbers: list[str] = []
        for item in raw.replace(";", ",").split(","):
            if item.strip() and (number := clean_phone_memo(item)) not in numbers:
                numbers.append(number)
        return numbers

    headers = table.headers
    result = []
    for number, cells in table.rows:
        data: dict = {}
        errors: list[dict] = []

        def cell(position, cells=cells):
            return cells[position].strip() if position < len(cells) else ""

        def fail(name, reason, position=None, errors=errors):
            position = columns[name][0] if position is None else position
            errors.append({"column": headers[position], "reason": str(reason)})

        for name in ("full_name", "local_name", "title"):
            if name in columns:
                value = " ".join(cell(columns[name][0]).split())
                if len(value) > TEXT_LIMITS[name]:
                    fail(name, _("Longer than %(max)s characters.") % {"max": TEXT_LIMITS[name]})
                elif value:
                    data[name] = value
        if "full_name" not in data and not any(e["column"] == headers[columns["full_name"][0]] for e in errors):
            fail("full_name", _("The name is required."))
        if "agency" in columns and (raw := cell(columns["agency"][0])):
            found = state.agency_by_label.get(fold(raw), [])
            if len(found) == 1:
                data["agency"] = found[0]
            elif found:
                fail("agency", _("“%(value)s” names several agencies; use the acronym.") % {"value": raw})
            else:
                fail("agency", _("“%(value)s” is not an agency of this member.") % {"value": raw})
        for name, clean in (("emails", clean_emails), ("phones", None)):
            values: list[str] = []
            for position in columns.get(name, ()):
                raw = cell(position)
                if not raw:
                    continue
                try:
                    cleaned = clean(raw) if clean else clean_phones(raw)
                except ValidationError as error:
                    fail(name, _message(error), position)
                    continue
                values += [v for v in cleaned if v not in values]
            if values:
                data[name] = values
        if "roles" in columns and (raw := cell(columns["roles"][0])):
            try:
                roles = clean_roles(raw, bodies=state.bodies, themes=state.themes)
            except ValidationError as error:
                fail("roles", _message(error))
            else:
                data["roles"] = [
                    role_code(r["kind"], getattr(r["body"], "code", None), getattr(r["theme"], "code", None))
                    for r in roles
                ]
        for name, clean in (("preferred_language", clean_language_memo), ("time_zone", clean_time_zone_memo)):
            if name in columns and (raw := cell(columns[name][0])):
                try:
                    data[name] = clean(raw)
                except ValidationError as error:
                    fail(name, _message(error))
        result.append({"row": number, "data": data, "errors": errors})
    return result


# -- matching and outcomes ------------------------------------------------------------------------

SCALAR_FIELDS = ("full_name", "local_name", "title", "preferred_language", "time_zone")


def _merged(person: dict, data: dict, *, by_email: bool) -> dict:
    """The person as the row would leave them: blank cells keep, lists only grow. A name only
    changes for a person found by email whose name really differs (not just in case, accents,
    word order or script): a person found by their name keeps the directory's spelling."""
    after = {name: data.get(name) or person[name] for name in SCALAR_FIELDS}
    for name in ("full_name", "local_name"):
        if person[name] and (not by_email or name_key(after[name]) == name_key(person[name])):
            after[name] = person[name]
    after["agency_id"] = data.get("agency") or person["agency_id"]
    for name in ("emails", "phones", "roles"):
        after[name] = person[name] + [v for v in data.get(name, []) if v not in person[name]]
    return after


def _changes(person: dict, data: dict, state: DirectoryState, *, by_email: bool) -> dict[str, list]:
    after = _merged(person, data, by_email=by_email)
    changes = {}
    for name in (*SCALAR_FIELDS, "emails", "phones", "roles"):
        if after[name] != person[name]:
            changes[name] = [person[name], after[name]]
    if after["agency_id"] != person["agency_id"]:
        changes["agency"] = [state.agency_label(person["agency_id"]), state.agency_label(after["agency_id"])]
    return changes


def _who(state: DirectoryState, pk) -> str:
    if pk in state.hidden:
        return _("a record you may not see")
    person = state.people.get(pk)
    return f"{person['full_name']} (#{pk})" if person else f"#{pk}"


def classify_rows(rows: list[dict], state: DirectoryState, headers: dict[str, str]) -> list[dict]:
    """Each validated row's outcome against the directory and the file's other rows.

    `headers` names each field's column as written in the file (for the reasons given).
    Returns report rows {"row", "outcome", "full_name", "match", "match_label", "errors", "changes"}.
    """
    report = []
    file_index = PersonIndex()
    by_row: dict[int, dict] = {}
    matched_by: dict[int, int] = {}  # focal point pk -> first row that matched it
    name_column = headers.get("full_name", COLUMNS["full_name"])
    email_column = headers.get("emails", COLUMNS["emails"])

    def conflict(entry, column, reason):
        entry["outcome"] = CONFLICTING
        entry["changes"] = {}
        entry["errors"].append({"column": column, "reason": reason})

    for row in rows:
        data = row["data"]
        entry = {
            "row": row["row"],
            "outcome": REJECTED if row["errors"] else NEW,
            "full_name": data.get("full_name", ""),
            "match": None,
            "match_label": "",
            "errors": list(row["errors"]),
            "changes": {},
        }
        report.append(entry)
        by_row[row["row"]] = entry
        if row["errors"]:
            continue
        keys = name_keys(data["full_name"], data.get("local_name", ""))
        emails = data.get("emails", [])

        same_rows = file_index.match(keys=keys, emails=emails)
        file_index.add(row["row"], keys=keys, emails=emails)
        if same_rows:
            for other in same_rows:
                column = email_column if other.reason == REASON_EMAIL else name_column
                conflict(entry, column, _("Row %(row)s is the same person; keep one row.") % {"row": other.ref})
                earlier = by_row[other.ref]
                if earlier["outcome"] != REJECTED:
                    conflict(earlier, column, _("Row %(row)s is the same person; keep one row.") % {"row": row["row"]})
            continue

        by_email = list(state.index.match_emails(emails))
        by_name = state.index.match_names(keys)
        match = None
        matched_by_email = bool(by_email)
        if len(by_email) > 1:
            conflict(
                entry,
                email_column,
                _("These addresses belong to different people: %(people)s.")
                % {"people": ", ".join(_who(state, pk) for pk in sorted(by_email))},
            )
        elif by_email:
            match = by_email[0]
            others = sorted(pk for pk in by_name if pk != match)
            if others and match not in by_name:
                conflict(
                    entry,
                    name_column,
                    _("The email belongs to %(email_person)s but the name is like %(name_people)s.")
                    % {
                        "email_person": _who(state, match),
                        "name_people": ", ".join(_who(state, pk) for pk in others),
                    },
                )
                match = None
        elif len(by_name) > 1:
            conflict(
                entry,
                name_column,
                _("Several people have a name like this: %(people)s; add their email to tell them apart.")
                % {"people": ", ".join(_who(state, pk) for pk in sorted(by_name, key=lambda pk: -by_name[pk]))},
            )
        elif by_name:
            match = next(iter(by_name))
        if entry["outcome"] == CONFLICTING or match is None:
            continue
        if match in state.hidden:
            conflict(
                entry,
                email_column if matched_by_email else name_column,
                _("This person is in the directory in a record you may not change; ask the RSO to update it."),
            )
            continue
        if match in matched_by:
            first = by_row[matched_by[match]]
            reason = _("Rows %(a)s and %(b)s are both %(person)s; keep one row.") % {
                "a": first["row"],
                "b": row["row"],
                "person": _who(state, match),
            }
            conflict(entry, name_column, reason)
            if first["outcome"] != CONFLICTING:
                conflict(first, name_column, reason)
            continue
        matched_by[match] = row["row"]
        entry["match"] = match
        entry["match_label"] = _who(state, match)
        entry["match_reason"] = REASON_EMAIL if matched_by_email else REASON_NAME
        entry["changes"] = _changes(state.people[match], data, state, by_email=matched_by_email)
        entry["outcome"] = UPDATED if entry["changes"] else UNCHANGED
    return report


def count_outcomes(report_rows: list[dict]) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for entry in report_rows:
        counts[entry["outcome"]] += 1
    return counts


@dataclass
class Analysis:
    rows: list[dict]  # normalised rows, as stored in ImportBatch.rows
    report: dict  # counts, columns, report rows

    @property
    def counts(self) -> dict[str, int]:
        return self.report["counts"]

    @property
    def has_errors(self) -> bool:
        return bool(self.counts[REJECTED] or self.counts[CONFLICTING])


def import_analyse(*, member, filename: str, content: bytes, actor=None) -> Analysis:
    """Read, validate and match a file for `member` without writing anything.

    Raises ImportFileError when the file cannot be imported at all.
    """
    table = read_table(filename, content)
    columns, ignored = map_columns(table.headers)
    fingerprint = directory_fingerprint(member)
    state = load_directory_state(member, actor=actor)
    rows = validate_table(table, columns, state)
    headers = {name: table.headers[positions[0]] for name, positions in columns.items()}
    report_rows = classify_rows(rows, state, headers)
    return Analysis(
        rows=rows,
        report={
            "filename": filename,
            "member": member.code,
            "counts": count_outcomes(report_rows),
            "columns": headers,
            "ignored_columns": ignored,
            "directory_fingerprint": fingerprint,
            "rows": report_rows,
        },
    )


def report_as_json(report: dict, *, applied: bool, dry_run: bool = False, error: str = "") -> dict:
    """The report for scripts: counts per outcome and each row with errors."""
    return {
        "file": report.get("filename", ""),
        "member": report.get("member", ""),
        "dry_run": dry_run,
        "applied": applied,
        "error": error or None,
        "counts": report.get("counts", dict.fromkeys(OUTCOMES, 0)),
        "rows": [
            {"row": e["row"], "outcome": e["outcome"], "full_name": e["full_name"], "errors": e["errors"]}
            for e in report.get("rows", [])
            if e["errors"]
        ],
    }


# -- preview, apply, discard ----------------------------------------------------------------------


@transaction.atomic
def import_preview(*, member, filename: str, content: bytes, actor=None) -> ImportBatch:
    """Analyse the file and keep the result as a previewed ImportBatch (nothing else is written).

    Raises ImportFileError (no batch is kept) when the file cannot be imported at all.
    """
    analysis = import_analyse(member=member, filename=filename, content=content, actor=actor)
    batch = ImportBatch.objects.create(
        member=member,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        filename=filename[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        rows=analysis.rows,
        report=analysis.report,
    )
    audit_record(
        verb="directory.import_previewed",
        actor=batch.created_by,
        target=batch,
        member=member.code,
        filename=batch.filename,
        sha256=batch.sha256,
        counts=analysis.counts,
    )
    return batch


def _signature(report_rows: list[dict]) -> list[tuple]:
    return [(e["row"], e["outcome"], e["match"], e["changes"]) for e in report_rows]


# Field types whose Python values (str, int, bool, date, aware datetime, None, a related pk) COPY
# takes as they are; any other field's value goes through its get_db_prep_save.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.DateField,
    models.ForeignKey,
)


def _pg_sequence(model) -> str | None:
    """The sequence of `model`'s primary key on PostgreSQL (None elsewhere: use bulk_create)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        return cursor.fetchone()[0]


def _copy(model, rows: list[dict], *, sequence: str, with_pks: bool) -> list[int]:
    """COPY `rows` ({attname: value}; the model's defaults for the other columns) into `model`'s
    table, primary keys drawn from `sequence` first when `with_pks` (returned in row order)."""
    db = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    template = model()
    fields = [f for f in opts.concrete_fields if with_pks or not f.primary_key]
    for f in fields:  # a default computed per row (a token, a uuid) cannot come from one template
        given = all(f.attname in row for row in rows)
        if not given and f.has_default() and callable(f.default) and f.default is not timezone.now:
            raise NotImplementedError(f"{opts.label}.{f.name} has a per-row default")
    defaults = [f.get_db_prep_save(f.pre_save(template, True), db) for f in fields]
    plain = [isinstance(f, _PLAIN_FIELDS) for f in fields]
    pks: list[int] = []
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        if with_pks:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(rows)])
            pks = sorted(row[0] for row in cursor.fetchall())
        columns = ", ".join(quote(f.column) for f in fields)
        spec = list(zip(fields, [f.attname for f in fields], defaults, plain, strict=True))
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for position, row in enumerate(rows):
                if with_pks:
                    row = {**row, opts.pk.attname: pks[position]}
                copy.write_row(
                    [
                        (row[name] if is_plain else f.get_db_prep_save(row[name], db)) if name in row else default
                        for f, name, default, is_plain in spec
                    ]
                )
    return pks


def _insert_rows(model, rows: list[dict], *, with_pks: bool = False) -> list[int]:
    """INSERT `rows` ({attname: value}) as `bulk_create([model(**row) ...])` would, without making
    the model objects: on PostgreSQL through COPY, several times faster than a multi-row INSERT.
    With `with_pks`, returns the new primary keys in row order (ascending, as bulk_create's)."""
    if not rows:
        return []
    sequence = _pg_sequence(model)
    if sequence is not None:
        try:
            return _copy(model, rows, sequence=sequence, with_pks=with_pks)
        except NotImplementedError:
            pass
    objs = [model(**row) for row in rows]
    model._base_manager.bulk_create(objs, batch_size=1000)
    return [obj.pk for obj in objs]


def _insert(model, objs: list, *, with_pks: bool = False) -> None:
    """`_insert_rows` for model objects (their primary keys set when `with_pks`)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._base_manager.bulk_create(objs, batch_size=1000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    rows = [{f.attname: f.pre_save(obj, True) for f in fields} for obj in objs]
    for obj, pk in zip(objs, _insert_rows(model, rows, with_pks=with_pks) or [None] * len(objs), strict=True):
        if with_pks:
            obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias


def _bulk_create_new(batch: ImportBatch, rows: list[dict], state: DirectoryState, *, actor, now) -> list[int]:
    """Create the new people in bulk, each with emails, phones, roles and a first revision whose
    snapshot is what `records.focal_point_snapshot` would write."""
    if not rows:
        return []
    member = state.member
    today = directory_date(now)
    template = FocalPoint(member=member)  # the defaults every new person gets
    review_due_on = today + timedelta(days=template.review_cadence_days)
    people = [
        {
            "member_id": member.pk,
            "originator_id": member.pk,
            "agency_id": row["data"].get("agency"),
            **{name: row["data"].get(name, "") for name in SCALAR_FIELDS},
            "last_confirmed_at": now,
            "last_confirmed_via": ConfirmedVia.IMPORT.value,
            "review_due_on": review_due_on,
            "search_text": search_text_for(row["data"].get("full_name", ""), row["data"].get("local_name", "")),
            "created_at": now,
            "updated_at": now,
        }
        for row in rows
    ]
    pks = _insert_rows(FocalPoint, people, with_pks=True)
    emails, phones, roles, revisions = [], [], [], []
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    agency_labels = {pk: str(agency) for pk, agency in state.agencies.items()}
    revision_row = {
        "record_type": "focal_point",
        "number": 1,
        "created_at": now,
        "actor_id": getattr(actor_user, "pk", None),
        "actor_label": getattr(actor, "email", "") or "",
        "source": Revision.Source.IMPORT.value,
        "source_ref": f"import:{batch.pk}",
        "changes": {},
    }
    for pk, person, row in zip(pks, people, rows, strict=True):
        data = row["data"]
        emails += [
            {"focal_point_id": pk, "address": a, "is_primary": i == 0} for i, a in enumerate(data.get("emails", []))
        ]
        phones += [
            {"focal_point_id": pk, "number": n, "is_primary": i == 0} for i, n in enumerate(data.get("phones", []))
        ]
        wanted = clean_roles("; ".join(data.get("roles", [])), bodies=state.bodies, themes=state.themes)
        # Created in the order records._set_current_roles uses, so the snapshots agree.
        keyed = sorted(
            (((str(r["kind"]), getattr(r["body"], "pk", None), getattr(r["theme"], "pk", None)), r) for r in wanted),
            key=lambda item: str(item[0]),
        )
        roles += [
            {"focal_point_id": pk, "kind": key[0], "body_id": key[1], "theme_id": key[2], "valid_from": today}
            for key, _role in keyed
        ]
        snapshot_roles = sorted(
            (
                {
                    "kind": key[0],
                    "body": role["body"].code if role["body"] else None,
                    "theme": role["theme"].code if role["theme"] else None,
                    "valid_from": today.isoformat(),
                    "valid_to": None,
                }
                for key, role in keyed
            ),
            key=lambda r: r["kind"],
        )
        revisions.append(
            {
                **revision_row,
                "record_id": pk,
                "snapshot": {
                    "member": member.code,
                    "agency": person["agency_id"],
                    "agency_label": agency_labels[person["agency_id"]] if person["agency_id"] else "",
                    **{name: person[name] for name in SCALAR_FIELDS},
                    "classification": template.classification,
                    "released_to": [],
                    "emails": data.get("emails", []),
                    "phones": data.get("phones", []),
                    "roles": snapshot_roles,
                    "is_active": template.is_active,
                    "account": None,
                    "review_cadence_days": template.review_cadence_days,
                    "last_confirmed_at": now.isoformat(),
                    "last_confirmed_via": ConfirmedVia.IMPORT.value,
                    "verified_until": None,
                },
            }
        )
    _insert_rows(Email, emails)
    _insert_rows(Phone, phones)
    _insert_rows(FocalPointRole, roles)
    # Should records.focal_point_snapshot gain a field, a new record's value of it is the same
    # for every person created here: take it from one real snapshot.
    real = _real_snapshot(pks[0])
    missing = {key: value for key, value in real.items() if key not in revisions[0]["snapshot"]}
    for revision in revisions:
        revision["snapshot"].update(missing)
    _insert_rows(Revision, revisions)
    return pks


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _latest_revisions(pks: list[int]) -> dict[int, Revision]:
    """The last revision of each of these focal points (one query per 2,000 people)."""
    last_number = (
        Revision.objects.filter(record_type="focal_point", record_id=OuterRef("record_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    latest: dict[int, Revision] = {}
    for chunk in _chunks(list(pks), 2000):
        for revision in Revision.objects.filter(
            record_type="focal_point", record_id__in=chunk, number=Subquery(last_number)
        ):
            latest[revision.record_id] = revision
    return latest


def _next_revision(person_pk, snapshot: dict, last: Revision | None, *, batch, actor, now) -> Revision | None:
    """The revision `records.revision_record` would append for this snapshot (None: nothing changed)."""
    changes = diff_snapshots(last.snapshot if last else None, snapshot)
    if last is not None and not changes:
        return None
    return Revision(
        record_type="focal_point",
        record_id=person_pk,
        number=(last.number + 1) if last else 1,
        created_at=now,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=getattr(actor, "email", "") or "",
        source=Revision.Source.IMPORT,
        source_ref=f"import:{batch.pk}",
        snapshot=snapshot,
        changes=changes if last else {},
    )


def _bulk_confirm(batch: ImportBatch, pks: list[int], *, actor, now) -> None:
    """The file lists these people as they are: their records count as confirmed by the import."""
    if not pks:
        return
    people = list(FocalPoint.objects.filter(pk__in=pks).only("pk", "review_cadence_days", "created_at"))
    for person in people:
        person.last_confirmed_at = now
        person.last_confirmed_via = ConfirmedVia.IMPORT
        person.review_due_on = person.compute_review_due_on()
        person.updated_at = now
    _confirm_columns([p.pk for p in people], {p.pk: p.review_cadence_days for p in people}, now)
    latest = _latest_revisions(pks)
    from bphub.directory.services.records import revision_record

    revisions = []
    for person in people:
        last = latest.get(person.pk)
        if last is None:  # a record made outside the services: snapshot it the slow way
            revision_record(person, actor=actor, source=Revision.Source.IMPORT, source_ref=f"import:{batch.pk}")
            continue
        snapshot = {
            **last.snapshot,
            "last_confirmed_at": now.isoformat(),
            "last_confirmed_via": ConfirmedVia.IMPORT.value,
        }
        revision = _next_revision(person.pk, snapshot, last, batch=batch, actor=actor, now=now)
        if revision is not None:
            revisions.append(revision)
    _insert(Revision, revisions)


# The FocalPoint columns an import update may change one by one (`focal_point_save` writes the whole
# row, but the others keep what was read in the same transaction, or are the same for everyone).
VARYING_COLUMNS = (*FOCAL_POINT_FIELDS, "agency_id", "search_text")


def _confirm_columns(pks: list[int], cadences: dict[int, int], now, **columns) -> None:
    """Set `columns` (the same for all these people) and the review date that follows from a
    confirmation at `now`: a few UPDATEs, one per review cadence, instead of one per person."""
    by_cadence: dict[int, list[int]] = defaultdict(list)
    for pk in pks:
        by_cadence[cadences[pk]].append(pk)
    today = directory_date(now)
    for cadence, group in by_cadence.items():
        for chunk in _chunks(group, 2000):
            FocalPoint.all_objects.filter(pk__in=chunk).update(
                last_confirmed_at=now,
                last_confirmed_via=ConfirmedVia.IMPORT,
                review_due_on=today + timedelta(days=cadence),
                updated_at=now,
                **columns,
            )


def _write_people(people: dict[int, FocalPoint], loaded: dict[int, dict], member, now) -> None:
    """Write what `_bulk_update` changed on `people`: the columns common to all in one UPDATE per
    review cadence, and each varying column only for the people whose value changed."""
    _confirm_columns(list(people), {pk: p.review_cadence_days for pk, p in people.items()}, now, originator=member)
    for column in VARYING_COLUMNS:
        changed = [p for pk, p in people.items() if getattr(p, column) != loaded[pk][column]]
        FocalPoint.all_objects.bulk_update(changed, [column.removesuffix("_id")], batch_size=500)


def _plan_contacts(model, key: str, current: list, wanted: list[str], pk: int, plan: dict) -> None:
    """What `records._set_emails`/`_set_phones` would do for one person, added to `plan`
    ({"create", "flag", "delete"}): `current` are the person's rows, `wanted` the values in order."""
    existing = {getattr(row, key): row for row in current}
    for position, value in enumerate(wanted):
        row = existing.pop(value, None)
        if row is None:
            plan["create"].append(model(focal_point_id=pk, **{key: value}, is_primary=position == 0))
        elif row.is_primary != (position == 0):
            row.is_primary = position == 0
            plan["flag"].append(row)
    plan["delete"] += existing.values()


def _write_contacts(model, plan: dict) -> None:
    if plan["delete"]:
        for chunk in _chunks([row.pk for row in plan["delete"]], 2000):
            model.objects.filter(pk__in=chunk).delete()
    model.objects.bulk_update(plan["flag"], ["is_primary"], batch_size=1000)
    _insert(model, plan["create"], with_pks=True)  # the snapshots order by primary key


def _snapshot_roles(roles: list[FocalPointRole], state: "DirectoryState") -> list[dict]:
    bodies = {body.pk: body.code for body in state.bodies.values()}
    themes = {theme.pk: theme.code for theme in state.themes.values()}
    return [
        {
            "kind": str(r.kind),
            "body": bodies[r.body_id] if r.body_id else None,
            "theme": themes[r.theme_id] if r.theme_id else None,
            "valid_from": r.valid_from.isoformat() if r.valid_from else None,
            "valid_to": r.valid_to.isoformat() if r.valid_to else None,
        }
        for r in sorted(roles, key=lambda r: (str(r.kind), r.pk))
    ]


def _bulk_update(batch: ImportBatch, entries: list[dict], data_by_row: dict, state, *, actor, now) -> list[int]:
    """Save the matched people the file changes exactly as `records.focal_point_save` would, one
    call each (same columns, emails, phones, dated roles, revision snapshot and changes, and a
    `focal_point.changed` audit event each), but in a few bulk queries for all of them.

    Raises ValidationError when a changed field breaks a model rule (the caller's transaction
    then writes nothing).
    """
    if not entries:
        return []
    today = directory_date(now)
    pks = [entry["match"] for entry in entries]
    people, emails, phones, roles, released = {}, defaultdict(list), defaultdict(list), defaultdict(list), {}
    for chunk in _chunks(pks, 2000):
        people.update(FocalPoint.objects.in_bulk(chunk))
        for email in Email.objects.filter(focal_point_id__in=chunk).order_by("-is_primary", "id"):
            emails[email.focal_point_id].append(email)
        for phone in Phone.objects.filter(focal_point_id__in=chunk).order_by("-is_primary", "id"):
            phones[phone.focal_point_id].append(phone)
        for role in FocalPointRole.objects.filter(focal_point_id__in=chunk).order_by("kind", "id"):
            roles[role.focal_point_id].append(role)
        for pk, code in FocalPoint.objects.filter(pk__in=chunk, released_to__isnull=False).values_list(
            "pk", "released_to__code"
        ):
            released.setdefault(pk, []).append(code)
    agencies = dict(state.agencies)
    missing_agencies = {p.agency_id for p in people.values() if p.agency_id and p.agency_id not in agencies}
    agencies.update(Agency.all_objects.in_bulk(missing_agencies))  # e.g. a merged agency
    agency_labels = {pk: str(agency) for pk, agency in agencies.items()}

    email_plan = {"create": [], "flag": [], "delete": []}
    phone_plan = {"create": [], "flag": [], "delete": []}
    ended_roles, new_roles = [], []
    loaded = {pk: {column: getattr(person, column) for column in VARYING_COLUMNS} for pk, person in people.items()}
    for entry in entries:
        person = people[entry["match"]]
        after = _merged(
            state.people[person.pk], data_by_row[entry["row"]], by_email=entry.get("match_reason") == REASON_EMAIL
        )
        changed = entry["changes"]
        names = [name for name in FOCAL_POINT_FIELDS if name in changed]
        for name in names:
            setattr(person, name, after[name])
        if "agency" in changed:
            person.agency_id = after["agency_id"]
        person.originator_id = person.member_id
        person.last_confirmed_at = now
        person.last_confirmed_via = ConfirmedVia.IMPORT
        person.review_due_on = person.compute_review_due_on()
        person.search_text = search_text_for(person.full_name, person.local_name)
        person.updated_at = now
        if names:  # the model's field rules, for the fields the file changes (no queries)
            person.clean_fields(exclude=[f.name for f in FocalPoint._meta.fields if f.name not in names])
        if "emails" in changed:
            _plan_contacts(Email, "address", emails[person.pk], after["emails"], person.pk, email_plan)
        if "phones" in changed:
            _plan_contacts(Phone, "number", phones[person.pk], after["phones"], person.pk, phone_plan)
        if "roles" in changed:
            wanted = {
                (str(r["kind"]), getattr(r["body"], "pk", None), getattr(r["theme"], "pk", None))
                for r in clean_roles("; ".join(after["roles"]), bodies=state.bodies, themes=state.themes)
            }
            current = [r for r in roles[person.pk] if r.is_current]
            for role in current:
                if (str(role.kind), role.body_id, role.theme_id) not in wanted:
                    role.valid_to = max(today - timedelta(days=1), role.valid_from or today - timedelta(days=1))
                    ended_roles.append(role)
            current_keys = {(str(r.kind), r.body_id, r.theme_id) for r in current}
            for kind, body_id, theme_id in sorted(wanted - current_keys, key=str):
                role = FocalPointRole(
                    focal_point_id=person.pk, kind=kind, body_id=body_id, theme_id=theme_id, valid_from=today
                )
                new_roles.append(role)
                roles[person.pk].append(role)

    _write_people(people, loaded, state.member, now)
    _write_contacts(Email, email_plan)
    _write_contacts(Phone, phone_plan)
    FocalPointRole.objects.bulk_update(ended_roles, ["valid_to"], batch_size=1000)
    _insert(FocalPointRole, new_roles, with_pks=True)  # the snapshots order by primary key

    deleted = {id(row) for row in email_plan["delete"] + phone_plan["delete"]}
    for row in email_plan["create"]:
        emails[row.focal_point_id].append(row)
    for row in phone_plan["create"]:
        phones[row.focal_point_id].append(row)

    def ordered(rows, key):  # the models' ordering: primary first, then by id
        return [getattr(r, key) for r in sorted(rows, key=lambda r: (not r.is_primary, r.pk)) if id(r) not in deleted]

    snapshots = {}
    for pk in pks:
        person = people[pk]
        snapshots[pk] = {
            "member": state.member.code,
            "agency": person.agency_id,
            "agency_label": agency_labels[person.agency_id] if person.agency_id else "",
            **{name: getattr(person, name) for name in FOCAL_POINT_FIELDS},
            "classification": person.classification,
            "released_to": sorted(released.get(pk, [])),
            "emails": ordered(emails[pk], "address"),
            "phones": ordered(phones[pk], "number"),
            "roles": _snapshot_roles(roles[pk], state),
            "is_active": person.is_active,
            "account": person.user_id,
            "review_cadence_days": person.review_cadence_days,
            "last_confirmed_at": now.isoformat(),
            "last_confirmed_via": ConfirmedVia.IMPORT.value,
            "verified_until": person.verified_until.isoformat() if person.verified_until else None,
        }
    if not _same_json(snapshots[pks[0]], _real_snapshot(pks[0])):
        # records.focal_point_snapshot changed without this module following: stay correct, slowly.
        logger.warning("imports._bulk_update: in-memory snapshot differs from focal_point_snapshot; using the latter")
        snapshots = {pk: _real_snapshot(pk) for pk in pks}

    latest = _latest_revisions(pks)
    revisions, events = [], []
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    for pk in pks:
        revision = _next_revision(pk, snapshots[pk], latest.get(pk), batch=batch, actor=actor, now=now)
        if revision is None:
            continue
        revisions.append(revision)
        events.append(  # what core.audit.audit_record writes, in bulk
            AuditEvent(
                actor=actor_user,
                actor_email=getattr(actor_user, "email", "") or "",
                verb="focal_point.changed",
                target_type=FocalPoint._meta.label_lower,
                target_id=str(pk),
                target_label=str(people[pk])[:300],
                data={
                    "source": Revision.Source.IMPORT.value,
                    "source_ref": f"import:{batch.pk}",
                    "fields": sorted(revision.changes),
                },
            )
        )
    _insert(Revision, revisions)
    _insert(AuditEvent, events)
    return pks


def _real_snapshot(pk) -> dict:
    return focal_point_snapshot(FocalPoint.objects.select_related("member", "agency").get(pk=pk))


def _same_json(a: dict, b: dict) -> bool:
    return json.dumps(a, cls=DjangoJSONEncoder, sort_keys=True) == json.dumps(b, cls=DjangoJSONEncoder, sort_keys=True)


def import_apply(*, batch: ImportBatch, actor=None) -> ImportBatch:
    """Apply a previewed batch, all or nothing, in one transaction.

    New rows are created and updated rows saved in bulk, with the same columns, contacts, roles,
    revisions and audit events as `records.focal_point_save` one by one; unchanged rows are
    confirmed. Every record's revision says `import:<batch id>`. Raises ValidationError (nothing
    written) when the batch is not a preview, has rejected or conflicting rows, or when the
    directory has changed since the preview so that some row would come out differently.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("member").get(pk=batch.pk)
        if batch.status != ImportBatch.Status.PREVIEWED:
            raise ValidationError(_("This import was already applied or discarded."))
        counts = batch.report.get("counts", {})
        if counts.get(REJECTED) or counts.get(CONFLICTING):
            raise ValidationError(_("Some rows are rejected or conflicting. Fix them in the file and upload it again."))
        unchanged_since_preview = directory_fingerprint(batch.member) == batch.report.get("directory_fingerprint")
        state = load_directory_state(batch.member, actor=actor, index=not unchanged_since_preview)
        previewed_hidden = any(e.get("match") in state.hidden for e in batch.report.get("rows", []))
        if unchanged_since_preview and not previewed_hidden:  # same rows, same directory: same outcomes
            fresh = batch.report["rows"]
        else:
            fresh = classify_rows(batch.rows, state, batch.report.get("columns", {}))
        if _signature(fresh) != _signature(batch.report.get("rows", [])):
            raise ValidationError(
                _("The directory has changed since this preview. Upload the file again for a new preview.")
            )
        now = timezone.now()
        data_by_row = {row["row"]: row["data"] for row in batch.rows}
        new_rows = [{"data": data_by_row[e["row"]]} for e in fresh if e["outcome"] == NEW]
        created = _bulk_create_new(batch, new_rows, state, actor=actor, now=now)
        updated = _bulk_update(
            batch, [e for e in fresh if e["outcome"] == UPDATED], data_by_row, state, actor=actor, now=now
        )
        unchanged = [e["match"] for e in fresh if e["outcome"] == UNCHANGED]
        _bulk_confirm(batch, unchanged, actor=actor, now=now)
        batch.status = ImportBatch.Status.APPLIED
        batch.applied_at = now
        batch.report = {
            **batch.report,
            "applied": {"created": len(created), "updated": len(updated), "confirmed": len(unchanged)},
        }
        batch.save(update_fields=["status", "applied_at", "report"])
        audit_record(
            verb="directory.import_applied",
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            target=batch,
            member=batch.member.code,
            counts=batch.report["counts"],
            created=created,
            updated=updated,
            confirmed=unchanged,
        )
    return batch


@transaction.atomic
def import_discard(*, batch: ImportBatch, actor=None) -> ImportBatch:
    """Drop a previewed batch (kept, marked discarded). Raises ValidationError once applied."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ValidationError(_("This import was already applied or discarded."))
    batch.status = ImportBatch.Status.DISCARDED
    batch.save(update_fields=["status"])
    audit_record(
        verb="directory.import_discarded",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        target=batch,
    )
    return batch


# -- the template -------------------------------------------------------------------------------

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

"""Exports of focal points to XLSX, CSV and vCard 3.0, checked by the policy and audited.

Guarantees of `focal_point_export`:
- it writes exactly the rows of the queryset it is given, which the caller builds through the
  policy (`focal_point_search` / `engagement_list_audience`); emails and phones appear only when
  `bphub.directory.permissions.can_see_contacts(user)`;
- a person's agency (name, acronym, vCard ORG) appears only when `user` may see the agency
  (`permissions.shown_agency`); otherwise the cells are empty and ORG is the member;
- every export is one `directory.exported` audit event (format, filter parameters, row count,
  whether contacts were included, the list when it is a list's export);
- at most EXPORT_ROW_LIMIT rows: a larger export raises ExportTooLarge and writes nothing.

Formula injection (a spreadsheet running "=HYPERLINK(...)" typed into a name): in XLSX, CSV and vCard
every text cell that starts with =, +, -, @, a tab, CR or LF gets a leading apostrophe.
Phone numbers are the one exception we can make safely, in XLSX (and vCard, below): they are validated
E.164 ("+6621234567": "+" then digits), written as explicit text cells (number format "@"), so
Excel shows them as typed and never evaluates them. In CSV there is no cell type, and Excel would
read "+6621234567" as a number (dropping the "+") or a formula, so phones are neutralised like any
other cell ("'+6621234567"): a script reading the CSV strips one leading apostrophe from the Phones
column. vCards get the same apostrophe on every text value (a contact list is often opened in, or
converted to, a spreadsheet), except validated E.164 phones: TEL is a typed field, and a phone
with an apostrophe would not dial.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import vobject
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bphub.core.audit import audit_record
from bphub.directory.permissions import can_see_contacts, shown_agency
from bphub.directory.selectors import focal_point_page_shape
from bphub.directory.validation import role_label_for_sheet

EXPORT_FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "vcf": ("text/vcard; charset=utf-8", "vcf"),
}
EXPORT_ROW_LIMIT = 20_000

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PHONES = re.compile(r"^\+\d{4,15}(; \+\d{4,15})*$")


class ExportTooLarge(Exception):
    def __init__(self, count: int, limit: int = EXPORT_ROW_LIMIT):
        self.count = count
        self.limit = limit
        super().__init__(f"{count} rows exceed the export limit of {limit}")


@dataclass
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    row_count: int


def neutralise(value):
    """The cell value, with a leading apostrophe when a spreadsheet could read it as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# -- rows ------------------------------------------------------------------------------------------

# (header, key); the contact columns only when the reader may see contacts.
COLUMNS = (
    ("Name", "full_name"),
    ("Name in own script", "local_name"),
    ("Title", "title"),
    ("Member", "member"),
    ("Agency", "agency"),
    ("Agency acronym", "agency_acronym"),
    ("Roles", "roles"),
    ("Preferred language", "preferred_language"),
    ("Time zone", "time_zone"),
    ("Status", "freshness"),
    ("Review due", "review_due_on"),
    ("Last confirmed", "last_confirmed_on"),
    ("Record", "record_id"),
)
CONTACT_COLUMNS = (("Emails", "emails"), ("Phones", "phones"))


def _columns(with_contacts: bool) -> tuple:
    return COLUMNS[:7] + (CONTACT_COLUMNS if with_contacts else ()) + COLUMNS[7:]


def _row(person, with_contacts: bool, user) -> dict:
    agency = shown_agency(user, person)
    row = {
        "full_name": person.full_name,
        "local_name": person.local_name,
        "title": person.title,
        "member": person.member.code,
        "agency": str(agency) if agency else "",
        "agency_acronym": agency.acronym if agency else "",
        "roles": "; ".join(role_label_for_sheet(role) for role in person.current_roles),
        "preferred_language": person.preferred_language,
        "time_zone": person.time_zone,
        "freshness": str(person.freshness_label),
        "review_due_on": person.review_due_on.isoformat() if person.review_due_on else "",
        "last_confirmed_on": timezone.localdate(person.last_confirmed_at).isoformat()
        if person.last_confirmed_at
        else "",
        "record_id": person.pk,
    }
    if with_contacts:
        row["emails"] = "; ".join(e.address for e in person.emails.all())
        row["phones"] = "; ".join(p.number for p in person.phones.all())
    return row


def _people(queryset: QuerySet, with_contacts: bool) -> Iterator:
    return focal_point_page_shape(queryset, with_contacts=with_contacts).iterator(chunk_size=2000)


# -- writers ---------------------------------------------------------------------------------------


def _xlsx(people, with_contacts: bool, user) -> tuple[bytes, int]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Focal points")[:31])
    columns = _columns(with_contacts)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title, _key in columns:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for person in people:
        row = _row(person, with_contacts, user)
        cells = []
        for _title, key in columns:
            value = row[key]
            if key == "phones" and _PHONES.match(value or ""):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cell.number_format = "@"
                cells.append(cell)
            else:
                cells.append(neutralise(value))
        sheet.append(cells)
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def _csv(people, with_contacts: bool, user) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = _columns(with_contacts)
    writer.writerow([title for title, _key in columns])
    count = 0
    for person in people:
        row = _row(person, with_contacts, user)
        writer.writerow([neutralise(row[key]) for _title, key in columns])
        count += 1
    return buffer.getvalue().encode("utf-8-sig"), count


def _vcard(person, with_contacts: bool, user) -> str:
    card = vobject.vCard()
    # We do not guess how a name splits into given and family names across cultures.
    card.add("n").value = vobject.vcard.Name(given=neutralise(person.full_name))
    card.add("fn").value = neutralise(str(person))  # "Latin name (own-script name)"
    if person.local_name:
        card.add("x-local-name").value = neutralise(person.local_name)
        card.add("sort-string").value = neutralise(person.full_name)
    agency = shown_agency(user, person)
    card.add("org").value = [neutralise(str(agency) if agency else str(person.member))]
    if person.title:
        card.add("title").value = neutralise(person.title)
    if with_contacts:
        for index, email in enumerate(person.emails.all()):
            line = card.add("email")
            line.value = neutralise(email.address)
            line.type_param = ["INTERNET", "PREF"] if index == 0 else "INTERNET"
        for index, phone in enumerate(person.phones.all()):
            line = card.add("tel")
            line.value = phone.number if _PHONES.match(phone.number) else neutralise(phone.number)
            kind = {"mobile": "CELL", "office": "WORK"}.get(phone.kind, "VOICE")
            line.type_param = [kind, "PREF"] if index == 0 else kind
    roles = [str(role) for role in person.current_roles]
    card.add("categories").value = [neutralise(str(part)) for part in (person.member.code, *roles)]
    note = [f"{person.member} ({person.member.code})", *roles, f"{_('Status')}: {person.freshness_label}"]
    card.add("note").value = "\n".join(neutralise(str(part)) for part in note)
    card.add("uid").value = f"bphub-focal-point-{person.pk}"
    card.add("rev").value = person.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return card.serialize()


def _vcf(people, with_contacts: bool, user) -> tuple[bytes, int]:
    parts = []
    for person in people:
        parts.append(_vcard(person, with_contacts, user))
    return "".join(parts).encode("utf-8"), len(parts)


WRITERS = {"xlsx": _xlsx, "csv": _csv, "vcf": _vcf}


def focal_point_export(
    *,
    user,
    people: QuerySet,
    fmt: str,
    params: dict,
    name: str = "directory",
    engagement_list=None,
    request=None,
) -> ExportFile:
    """The file of `people` (a policy-filtered queryset) in `fmt` ("xlsx", "csv" or "vcf").

    Contacts only when `can_see_contacts(user)`. Records one `directory.exported` audit event.
    Raises ValueError for an unknown format and ExportTooLarge (nothing recorded) beyond
    EXPORT_ROW_LIMIT rows.
    """
    if fmt not in WRITERS:
        raise ValueError(f"Unknown export format {fmt!r}")
    total = people.count()
    if total > EXPORT_ROW_LIMIT:
        raise ExportTooLarge(total, EXPORT_ROW_LIMIT)
    with_contacts = can_see_contacts(user)
    content, count = WRITERS[fmt](_people(people, with_contacts), with_contacts, user)
    audit_record(
        verb="directory.exported",
        actor=user,
        target=engagement_list,
        request=request,
        format=fmt,
        filter=params,
        row_count=count,
        with_contacts=with_contacts,
    )
    content_type, extension = EXPORT_FORMATS[fmt]
    filename = f"bphub-{name}-{timezone.localdate():%Y%m%d}.{extension}"
    return ExportFile(content=content, filename=filename, content_type=content_type, row_count=count)

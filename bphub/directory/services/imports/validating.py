"""Validating each row with the shared field rules (`bphub.directory.validation`); every error names
the row, the column as written in the file and the reason."""

import functools

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bphub.directory.services.imports.reading import Formula, Table
from bphub.directory.services.imports.state import DirectoryState
from bphub.directory.text import fold
from bphub.directory.validation import (
    clean_emails,
    clean_language,
    clean_phone,
    clean_roles,
    clean_time_zone,
    role_code,
)

TEXT_LIMITS = {"full_name": 200, "local_name": 200, "title": 200}


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


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    formula_refused = _(
        "The cell holds a formula (%(formula)s), which is not accepted; type the value itself "
        "(in Excel: copy, then Paste Special → Values)."
    )
    for number, cells in table.rows:
        data: dict = {}
        errors: list[dict] = []

        formulas = {position for position, value in enumerate(cells) if isinstance(value, Formula)}

        def cell(position, cells=cells, formulas=formulas):  # a formula reads as blank: refused below
            return cells[position].strip() if position < len(cells) and position not in formulas else ""

        def fail(name, reason, position=None, errors=errors):
            position = columns[name][0] if position is None else position
            errors.append({"column": headers[position], "reason": str(reason)})

        for name, positions in columns.items():
            for position in positions:
                if position in formulas:
                    fail(name, formula_refused % {"formula": _shortened(cells[position])}, position)
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

"""Matching the validated rows against the member's people and the file's other rows: one outcome
per row (new, updated, unchanged, conflicting, rejected)."""

import functools

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bphub.directory.services.imports.duplicates import file_duplicates
from bphub.directory.services.imports.reading import COLUMNS
from bphub.directory.services.imports.state import DirectoryState
from bphub.directory.services.matching import REASON_EMAIL, REASON_NAME, name_keys
from bphub.directory.text import name_key

NEW, UPDATED, UNCHANGED, CONFLICTING, REJECTED = "new", "updated", "unchanged", "conflicting", "rejected"
OUTCOMES = (NEW, UPDATED, UNCHANGED, CONFLICTING, REJECTED)
OUTCOME_LABELS = {
    NEW: gettext_lazy("New"),
    UPDATED: gettext_lazy("Updated"),
    UNCHANGED: gettext_lazy("Unchanged"),
    CONFLICTING: gettext_lazy("Conflicting"),
    REJECTED: gettext_lazy("Rejected"),
}

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
    by_row: dict[int, dict] = {}
    matched_by: dict[int, int] = {}  # focal point pk -> first row that matched it
    name_column = headers.get("full_name", COLUMNS["full_name"])
    email_column = headers.get("emails", COLUMNS["emails"])
    keys_of = functools.cache(name_keys)  # look-alike rows often spell a name the same way
    keys_by_row = {
        row["row"]: keys_of(row["data"]["full_name"], row["data"].get("local_name", ""))
        for row in rows
        if not row["errors"]
    }
    duplicates = file_duplicates(
        [(row["row"], keys_by_row[row["row"]], row["data"].get("emails", [])) for row in rows if not row["errors"]]
    )
    people_alike: dict[tuple, dict] = {}  # name keys -> the directory's people alike (look-alike rows share keys)

    def conflict(entry, column, reason):
        entry["outcome"] = CONFLICTING
        entry["changes"] = {}
        entry["errors"].append({"column": column, "reason": reason})

    def conflicting_yet(entry, now: int) -> bool:  # before row `now` is classified
        same = duplicates.get(entry["row"])
        later = same.first_after() if same else None
        return entry["outcome"] == CONFLICTING or (later is not None and later < now)

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
        same = duplicates.get(row["row"])
        if same is not None and same.has_earlier():  # the file's rows for one person: reasons below
            entry["outcome"], entry["changes"] = CONFLICTING, {}
            continue
        keys = keys_by_row[row["row"]]
        emails = data.get("emails", [])
        if tuple(keys) not in people_alike:
            people_alike[tuple(keys)] = state.index.match_names(keys)

        by_email = list(state.index.match_emails(emails))
        by_name = people_alike[tuple(keys)]
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
            if not conflicting_yet(first, row["row"]):
                conflict(first, name_column, reason)
            continue
        matched_by[match] = row["row"]
        entry["match"] = match
        entry["match_label"] = _who(state, match)
        entry["match_reason"] = REASON_EMAIL if matched_by_email else REASON_NAME
        entry["changes"] = _changes(state.people[match], data, state, by_email=matched_by_email)
        entry["outcome"] = UPDATED if entry["changes"] else UNCHANGED
    # Translated once: gettext costs more than the rest of a row's message.
    one, several, many = (
        _("Row %(row)s is the same person; keep one row."),
        _("Rows %(rows)s are the same person; keep one row."),
        _("Rows %(rows)s and %(more)s more are the same person; keep one row."),
    )
    for number, same in duplicates.items():
        for column, (shown, total) in ((email_column, same.email_rows()), (name_column, same.name_rows())):
            if total == 1:
                conflict(by_row[number], column, one % {"row": shown[0]})
            elif total:
                rows_named = ", ".join(str(other) for other in shown)
                more = total - len(shown)
                reason = many % {"rows": rows_named, "more": f"{more:,}"} if more else several % {"rows": rows_named}
                conflict(by_row[number], column, reason)
    return report


def count_outcomes(report_rows: list[dict]) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for entry in report_rows:
        counts[entry["outcome"]] += 1
    return counts

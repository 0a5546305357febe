"""Rows of one file that are the same person: sharing an email (any case) or with names alike.

Comparing every row with every earlier row grows with the square of the rows that look alike (a
sheet of 20,000 variants of a few hundred names took minutes). Here rows are grouped first: by
each distinct name key and each distinct address. Fuzzy matching runs once per distinct key
against the other distinct keys (blocked by word initial and length, `PersonIndex`), and the rows
alike a row are the union of a few groups, shared by every row with the same keys and addresses.
The relation is the one `PersonIndex.match` answers for two rows, in both directions. The work
grows with the distinct keys and the pairs of distinct keys that are alike, not with the rows.
"""

import bisect
from collections import defaultdict
from dataclasses import dataclass

from bphub.directory.services.matching import PersonIndex

SHOWN_ROWS = 10  # rows named in a message; the rest are counted


@dataclass
class Duplicates:
    """The rows that are the same person as `row` (row numbers, ascending, `row` itself included)."""

    row: int
    by_email: list[int]  # rows sharing one of its addresses
    by_name: list[int]  # rows with a name alike
    shared: int  # rows in both lists

    def _others_by_name(self) -> int:
        mine = _contains(self.by_name, self.row) and not _contains(self.by_email, self.row)
        return len(self.by_name) - self.shared - mine

    @property
    def count(self) -> int:
        return max(len(self.by_email) - 1, 0) + self._others_by_name()

    def has_earlier(self) -> bool:
        return any(rows and rows[0] < self.row for rows in (self.by_email, self.by_name))

    def first_after(self) -> int | None:
        """The first later row that is the same person (None: no later one)."""
        later = [
            rows[position]
            for rows in (self.by_email, self.by_name)
            if (position := bisect.bisect_right(rows, self.row)) < len(rows)
        ]
        return min(later) if later else None

    def email_rows(self) -> tuple[list[int], int]:
        """Up to SHOWN_ROWS rows sharing an address, and how many there are in all."""
        shown = [r for r in self.by_email[: SHOWN_ROWS + 1] if r != self.row][:SHOWN_ROWS]
        return shown, max(len(self.by_email) - 1, 0)

    def name_rows(self) -> tuple[list[int], int]:
        """Up to SHOWN_ROWS rows alike by name that share no address, and how many there are."""
        shown = []
        for r in self.by_name:
            if len(shown) == SHOWN_ROWS:
                break
            if r != self.row and not _contains(self.by_email, r):
                shown.append(r)
        return shown, self._others_by_name()


def file_duplicates(rows: list[tuple[int, list[str], list[str]]]) -> dict[int, Duplicates]:
    """For each (row number, name keys, emails) of the file's valid rows, in file order: the rows
    that are the same person, for the rows that have any."""
    rows_by_key: dict[str, list[int]] = defaultdict(list)
    rows_by_email: dict[str, list[int]] = defaultdict(list)
    for number, keys, emails in rows:
        for key in keys:
            rows_by_key[key].append(number)
        for address in {address.lower() for address in emails}:
            rows_by_email[address].append(number)
    # Each pair of distinct keys is compared once: a key against the keys seen before it.
    index = PersonIndex()
    alike: dict[str, list[str]] = {}
    for key in rows_by_key:
        alike[key] = [key]
        for other in index.match_names([key]):
            alike[key].append(other)
            alike[other].append(key)
        index.add(key, keys=[key])

    by_keys: dict[tuple, list[int]] = {}
    by_emails: dict[tuple, list[int]] = {}
    shared: dict[tuple, int] = {}
    found: dict[int, Duplicates] = {}
    for number, keys, emails in rows:
        key_group = tuple(keys)
        if key_group not in by_keys:
            by_keys[key_group] = _union(rows_by_key[other] for key in keys for other in alike[key])
        email_group = tuple(sorted({address.lower() for address in emails}))
        if email_group not in by_emails:
            by_emails[email_group] = _union(rows_by_email[address] for address in email_group)
        name_rows, email_rows = by_keys[key_group], by_emails[email_group]
        if len(name_rows) + len(email_rows) <= 2 and set(name_rows) | set(email_rows) <= {number}:
            continue  # only the row itself
        if (key_group, email_group) not in shared:
            small, large = sorted((name_rows, email_rows), key=len)
            shared[key_group, email_group] = sum(1 for r in small if _contains(large, r))
        entry = Duplicates(row=number, by_email=email_rows, by_name=name_rows, shared=shared[key_group, email_group])
        if entry.count:
            found[number] = entry
    return found


def _contains(rows: list[int], number: int) -> bool:
    position = bisect.bisect_left(rows, number)
    return position < len(rows) and rows[position] == number


def _union(groups) -> list[int]:
    groups = list(groups)
    if len(groups) == 1:
        return groups[0]  # row numbers were appended in file order: ascending already
    rows: set[int] = set()
    for group in groups:
        rows.update(group)
    return sorted(rows)

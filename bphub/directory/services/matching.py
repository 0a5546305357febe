"""Finding the same person twice: by email (any case) or by a name alike across case, diacritics,
word order and script (Nguyễn Văn An = nguyen van an; Somchai Jaidee = JAIDEE Somchai).

`PersonIndex` holds the names and addresses of a member's people in memory, loaded in a few
queries, and answers "who could this be?" without comparing every pair in Python: names are
reduced to an order-insensitive Latin key (`bphub.directory.text.name_key`), exact keys are a dict
look-up, and fuzzy candidates (rapidfuzz `token_sort_ratio`) are only looked for among names that
share a word initial and whose length could reach the cutoff (blocking). The spreadsheet import
feeds it thousands of rows; the people pages use `find_similar_people` to suggest duplicates of
one record.
"""

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bphub.directory.models import Email, FocalPoint
from bphub.directory.text import name_key

NAME_SCORE_CUTOFF = 90  # token_sort_ratio of the names (ratio of their sorted-word keys)

REASON_EMAIL = "email"
REASON_NAME = "name"


def name_keys(full_name: str, local_name: str = "") -> list[str]:
    """The distinct matching keys of a person's names (Latin and own-script, transliterated)."""
    keys: list[str] = []
    for name in (full_name, local_name):
        key = name_key(name or "")
        if key and key not in keys:
            keys.append(key)
    return keys


def _initials(key: str) -> set[str]:
    return {word[0] for word in key.split()}


def _length_range(length: int, cutoff: float) -> tuple[int, int]:
    """The lengths a key may have to score `cutoff` or more against a key of `length`: ratio is
    100 * (1 - indel distance / total length) and the distance is at least the length difference.
    Rounded outwards, so nothing that could reach the cutoff is left out."""
    share = cutoff / 100
    if share <= 0:
        return 0, 10**9
    low = math.floor(length * share / (2 - share)) - 1
    high = math.ceil(length * (2 - share) / share) + 1
    return max(low, 0), high


@dataclass
class Candidate:
    ref: object  # what the index was given for the person (a focal point pk, a row number...)
    score: int
    reason: str  # REASON_EMAIL or REASON_NAME


@dataclass
class PersonIndex:
    """People known by their addresses and name keys; `add` more as you go, `match` to look up."""

    by_email: dict[str, object] = field(default_factory=dict)
    by_key: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    # initial letter -> parallel lists of key lengths, keys and refs, by length (blocks for fuzzy
    # matching: a name is only compared with names sharing a word initial and of a length that
    # could score the cutoff)
    _block_lengths: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _block_keys: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _block_refs: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def add(self, ref, *, keys: list[str], emails=()) -> None:
        for address in emails:
            self.by_email.setdefault(address.lower(), ref)
        for key in keys:
            if ref in self.by_key[key]:
                continue
            self.by_key[key].add(ref)
            for initial in _initials(key):
                lengths = self._block_lengths[initial]
                position = bisect.bisect_right(lengths, len(key))
                lengths.insert(position, len(key))
                self._block_keys[initial].insert(position, key)
                self._block_refs[initial].insert(position, ref)

    def match_emails(self, emails) -> dict:
        """{ref: address} for every person one of `emails` belongs to."""
        found: dict = {}
        for address in emails:
            ref = self.by_email.get(address.lower())
            if ref is not None:
                found.setdefault(ref, address.lower())
        return found

    def match_names(self, keys: list[str], *, cutoff: int = NAME_SCORE_CUTOFF) -> dict:
        """{ref: best score} of the people whose name keys are alike one of `keys`."""
        found: dict = {}
        for key in keys:
            for ref in self.by_key.get(key, ()):
                found[ref] = 100
            low, high = _length_range(len(key), cutoff)
            for initial in _initials(key):
                lengths = self._block_lengths.get(initial)
                if not lengths:
                    continue
                start, end = bisect.bisect_left(lengths, low), bisect.bisect_right(lengths, high)
                if start >= end:
                    continue
                refs = self._block_refs[initial]
                # Keys are sorted words, so plain ratio is token_sort_ratio without re-sorting every choice.
                for _choice, score, position in process.extract(
                    key, self._block_keys[initial][start:end], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
                ):
                    ref = refs[start + position]
                    if score > found.get(ref, -1):
                        found[ref] = round(score)
        return found

    def match(self, *, keys: list[str], emails=(), exclude=None) -> list[Candidate]:
        """Everyone who could be this person, best first: email matches (score 100), then names."""
        candidates: dict = {}
        for ref in self.match_emails(emails):
            if ref != exclude:
                candidates[ref] = Candidate(ref, 100, REASON_EMAIL)
        for ref, score in self.match_names(keys).items():
            if ref != exclude and ref not in candidates:
                candidates[ref] = Candidate(ref, score, REASON_NAME)
        return sorted(candidates.values(), key=lambda c: (c.reason != REASON_EMAIL, -c.score, str(c.ref)))


def person_index_for_member(member, *, people=None) -> PersonIndex:
    """An index of `member`'s (not merged) focal points, refs being their pks. Three queries at most.

    `people` may pass rows already loaded as (pk, full_name, local_name) to save a query.
    """
    if people is None:
        people = FocalPoint.objects.filter(member=member).values_list("pk", "full_name", "local_name")
    emails: dict[int, list[str]] = defaultdict(list)
    for pk, address in Email.objects.filter(
        focal_point__member=member, focal_point__merged_into__isnull=True
    ).values_list("focal_point_id", "address"):
        emails[pk].append(address)
    index = PersonIndex()
    for pk, full_name, local_name in people:
        index.add(pk, keys=name_keys(full_name, local_name), emails=emails.get(pk, ()))
    return index


def find_similar_people(member, full_name: str, local_name: str = "", emails=(), exclude_pk=None) -> list[tuple]:
    """The member's focal points that may be the same person, as (FocalPoint, score, reason),
    best first; reason is "email" (an address in common, any case) or "name" (names alike across
    case, diacritics, word order and script, score ≥ NAME_SCORE_CUTOFF)."""
    index = person_index_for_member(member)
    candidates = index.match(keys=name_keys(full_name, local_name), emails=emails, exclude=exclude_pk)
    people = FocalPoint.objects.select_related("agency").in_bulk([c.ref for c in candidates])
    return [(people[c.ref], c.score, c.reason) for c in candidates if c.ref in people]

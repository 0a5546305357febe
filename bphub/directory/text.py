"""Name folding for search and duplicate matching, in any script.

`fold` lower-cases (casefold), removes diacritics from Latin letters (Nguyễn → nguyen) and
normalises width and compatibility forms, but keeps the marks of scripts such as Thai, where they
are part of the letter. `search_text_for` stores the folded names plus their Latin
transliteration (anyascii: สมชาย → smchay, 王小明 → wangxiaoming), so a name is found by any part
of it, in its own script or in Latin letters, on SQLite and PostgreSQL alike (a LIKE on one
column, indexed by trigrams on PostgreSQL).

Thai is written in Latin letters by its sounds, not letter by letter: anyascii's สมชาย → smchay
drops the vowels a Thai reader hears, so "Somchai" never matched. The Royal Thai General System
(PyThaiNLP's "royin" engine: rules and a word list shipped with the package, nothing downloaded)
gives สมชาย → somchai; the search column holds it for every Thai name, and a Thai word in a query
is also looked for in that form, so Thai finds a Latin-only name and Latin finds a Thai-only one.
"""

import functools
import os
import re
import unicodedata

from anyascii import anyascii

_SPACES = re.compile(r"\s+")
_THAI = re.compile(r"[\u0e01-\u0e5b]+")


def fold(text: str) -> str:
    """Case-, width- and (Latin) diacritic-insensitive form of `text`."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1] < "\u0250":
            continue  # a diacritic on a Latin letter
        kept.append(char)
    folded = unicodedata.normalize("NFC", "".join(kept)).casefold()
    return _SPACES.sub(" ", folded).strip()


def transliterate(text: str) -> str:
    """A Latin-letter rendering of `text` in any script, folded (for matching across scripts)."""
    return fold(anyascii(text or ""))


@functools.cache
def _royin():
    # Never write a data folder into the home directory nor download anything: "royin" needs neither.
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from pythainlp.transliterate import romanize

    return functools.partial(romanize, engine="royin")


@functools.lru_cache(maxsize=4096)
def _romanize_thai(run: str) -> str:
    return _royin()(run)


def romanize_thai(text: str) -> str:
    """`text` with its Thai written in Latin letters by the Royal Thai General System (สมชาย ใจดี →
    somchai chaidi), folded; text in other scripts is kept as it is. "" when there is no Thai."""
    if not _THAI.search(text or ""):
        return ""
    return fold(_THAI.sub(lambda match: " " + _romanize_thai(match.group(0)) + " ", text))


def search_text_for(*names: str) -> str:
    """The stored search column: every name folded, plus transliterations that differ."""
    parts: list[str] = []
    for name in names:
        if not name:
            continue
        thai = romanize_thai(name)
        for variant in (fold(name), transliterate(name), transliterate(name).replace(" ", ""), thai,
                        thai.replace(" ", "")):
            if variant and variant not in parts:
                parts.append(variant)
    return " | ".join(parts)


MIN_INDEXED_TERM = 3  # PostgreSQL's trigram index narrows nothing for shorter terms


def query_term_forms(query: str) -> list[tuple[str, ...]]:
    """The folded words of a search query, each with the forms it may take in the search column:
    a row matches when, for every word, one of its forms occurs (any order).

    A Thai word is also looked for as its Royal Thai romanisation (สมชาย: "สมชาย" or "somchai"),
    which the column holds for Thai names and which a Latin-only name may be spelt as. A short term
    in another non-Latin script ("小明", "민준") would make PostgreSQL read every row, as the
    trigram index only helps from three characters on; its Latin transliteration ("xiaoming",
    "minjun"), which the search column also holds, finds the same names fast.
    """
    words = []
    for word in (query or "").replace("|", " ").split():
        term = fold(word).replace("|", "")
        if not term:
            continue
        forms: list[str] = []
        # Romanised from the word as typed, as names are: folding splits a Thai vowel (ำ).
        thai = romanize_thai(word).replace(" ", "")
        if len(term) >= MIN_INDEXED_TERM or (term.isascii() and not thai):
            forms.append(term)
        elif not thai:
            latin = transliterate(term).replace(" ", "")
            forms.append(latin if len(latin) >= len(term) else term)
        if thai and thai not in forms:
            forms.append(thai)
        words.append(tuple(forms))
    return words[:8]


def query_terms(query: str) -> list[str]:
    """Every form of every word of `query` (see `query_term_forms`), for callers that only need
    to know how long the searched strings are."""
    return [form for forms in query_term_forms(query) for form in forms]


def search_text_filter(query: str, field: str = "search_text"):
    """A Q for rows whose search column holds every word of `query`, in one of its forms."""
    from django.db.models import Q

    condition = Q()
    for forms in query_term_forms(query):
        either = Q()
        for form in forms:
            either |= Q(**{f"{field}__contains": form})
        condition &= either
    return condition


def name_key(name: str) -> str:
    """Order-insensitive Latin key of a person's name, for duplicate matching."""
    return " ".join(sorted(transliterate(name).replace("-", " ").split()))

"""Name folding for search and duplicate matching, in any script.

`fold` lower-cases (casefold), removes diacritics from Latin letters (Nguyễn → nguyen) and
normalises width and compatibility forms, but keeps the marks of scripts such as Thai, where they
are part of the letter. `search_text_for` stores the folded names plus their Latin
transliteration (anyascii: สมชาย → smchay, 王小明 → wangxiaoming), so a name is found by any part
of it, in its own script or in Latin letters, on SQLite and PostgreSQL alike (a LIKE on one
column, indexed by trigrams on PostgreSQL).
"""

import re
import unicodedata

from anyascii import anyascii

_SPACES = re.compile(r"\s+")


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


def search_text_for(*names: str) -> str:
    """The stored search column: every name folded, plus transliterations that differ."""
    parts: list[str] = []
    for name in names:
        if not name:
            continue
        for variant in (fold(name), transliterate(name), transliterate(name).replace(" ", "")):
            if variant and variant not in parts:
                parts.append(variant)
    return " | ".join(parts)


MIN_INDEXED_TERM = 3  # PostgreSQL's trigram index narrows nothing for shorter terms


def query_terms(query: str) -> list[str]:
    """The folded words of a search query; each must occur in the search column (any order).

    A short term in a non-Latin script ("小明", "민준") would make PostgreSQL read every row, as
    the trigram index only helps from three characters on; its Latin transliteration
    ("xiaoming", "minjun"), which the search column also holds, finds the same names fast.
    """
    terms = []
    for term in fold(query).replace("|", " ").split(" "):
        if not term:
            continue
        if len(term) < MIN_INDEXED_TERM and not term.isascii():
            latin = transliterate(term).replace(" ", "")
            if len(latin) >= len(term):
                term = latin
        terms.append(term)
    return terms[:8]


def name_key(name: str) -> str:
    """Order-insensitive Latin key of a person's name, for duplicate matching."""
    return " ".join(sorted(transliterate(name).replace("-", " ").split()))

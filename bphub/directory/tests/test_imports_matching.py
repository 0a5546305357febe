"""Import matching at scale: rows grouped by name key and address give the outcomes that comparing
every row with every earlier row gives, and a file of look-alike names stays readable."""

import csv
import io
import random
import re

import pytest

from bphub.directory.services.imports import import_analyse, import_preview, load_directory_state
from bphub.directory.services.matching import PersonIndex, name_keys
from bphub.directory.testing import make_focal_point
from bphub.members.models import Member

pytestmark = pytest.mark.django_db

BASES = [
    "Siti Rahma",
    "Budi Santoso",
    "Nguyễn Văn An",
    "Somchai Jaidee",
    "Dewi Lestari Putri",
    "Muhammad Rizky Pratama",
    "Ahmad Hidayat",
    "Aung San Min",
]
ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ô", "u": "ü"}


def _variant(base: str, rng: random.Random) -> str:
    words = base.split()
    for change in rng.sample(("case", "order", "accent", "letter"), rng.randint(1, 3)):
        position = rng.randrange(len(words))
        word = words[position]
        if change == "case":
            words = [w.upper() if rng.random() < 0.5 else w.lower() for w in words]
            continue
        if change == "order":
            words = words[1:] + words[:1]
            continue
        spot = rng.randrange(1, len(word)) if len(word) > 1 else 0
        if change == "accent" and word[spot].lower() in ACCENTED:
            word = word[:spot] + ACCENTED[word[spot].lower()] + word[spot + 1 :]
        elif change == "letter":
            word = word[:spot] + rng.choice("aeikmnrstu") + word[spot + 1 :]
        words[position] = word
    return " ".join(words)


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _pairwise_outcomes(rows: list[dict], state) -> dict[int, tuple]:
    """The outcomes of the first version of the matching: each row looked up among all the earlier
    rows of the file (then the directory), every pair compared. Updated and unchanged are "matched"."""
    index, entries, matched_by = PersonIndex(), {}, {}
    for row in rows:
        entry = entries[row["row"]] = {"outcome": "rejected" if row["errors"] else "new", "match": None}
        if row["errors"]:
            continue
        keys = name_keys(row["data"]["full_name"], row["data"].get("local_name", ""))
        emails = row["data"].get("emails", [])
        same = index.match(keys=keys, emails=emails)
        index.add(row["row"], keys=keys, emails=emails)
        if same:
            for number in [row["row"], *(other.ref for other in same)]:
                entries[number]["outcome"] = "conflicting"
            continue
        by_email, by_name = list(state.index.match_emails(emails)), state.index.match_names(keys)
        match = None
        if len(by_email) > 1 or (len(by_email) == 1 and by_email[0] not in by_name and len(by_name) > 0):
            entry["outcome"] = "conflicting"
        elif by_email:
            match = by_email[0]
        elif len(by_name) > 1:
            entry["outcome"] = "conflicting"
        elif by_name:
            match = next(iter(by_name))
        if entry["outcome"] == "conflicting" or match is None:
            continue
        if match in matched_by:
            entry["outcome"] = entries[matched_by[match]]["outcome"] = "conflicting"
            continue
        matched_by[match] = row["row"]
        entry["outcome"], entry["match"] = "matched", match
    return {number: (entry["outcome"], entry["match"]) for number, entry in entries.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_look_alike_rows_get_the_outcomes_of_comparing_every_pair(reference, seed):
    rng = random.Random(seed)
    indonesia = Member.objects.get(code="ID")
    for n, base in enumerate(BASES[:5]):
        make_focal_point(indonesia, full_name=base, emails=[f"base{n}@example.org"])
    make_focal_point(indonesia, full_name="Hidayat Ahmad", emails=["ahmad2@example.org"])
    make_focal_point(indonesia, full_name="Ahmad Hidayat", emails=["ahmad1@example.org"])
    others = ["Wulan Sari", "Joko Widodo", "Hendra Gunawan", "Fajar Nugroho", "Lina Marlina", "Yusuf Maulana"]
    for n, name in enumerate(others):
        make_focal_point(indonesia, full_name=name, emails=[f"other{n}@example.org"])
    rows = [["Full name", "Email"]]
    rows += [[name.upper(), f"other{n}@example.org" if n % 2 else ""] for n, name in enumerate(others)]
    rows += [["Tri Handayani", "tri@example.org"], ["Bayu Saputra", ""]]
    for n in range(100):
        email = rng.choice(
            [f"row{n}@example.org", f"row{n}@example.org", "", f"base{rng.randrange(6)}@example.org", "shared@x.org"]
        )
        if rng.random() < 0.05:
            email = "not-an-email"
        rows.append([_variant(rng.choice(BASES), rng), email])

    analysis = import_analyse(member=indonesia, filename="list.csv", content=_csv(rows))

    expected = _pairwise_outcomes(analysis.rows, load_directory_state(indonesia))
    got = {
        e["row"]: ("matched" if e["outcome"] in {"updated", "unchanged"} else e["outcome"], e["match"])
        for e in analysis.report["rows"]
    }
    assert got == expected
    assert {outcome for outcome, _match in got.values()} == {"conflicting", "rejected", "matched", "new"}


def test_many_rows_for_one_person_each_get_one_bounded_reason(indonesia):
    rows = [["Full name", "Email"]] + [[_variant("Siti Rahma", random.Random(n)), ""] for n in range(40)]
    rows[5] = ["Siti Rahma", ""]
    analysis = import_analyse(member=indonesia, filename="list.csv", content=_csv(rows))
    report = analysis.report["rows"]
    alike = [e for e in report if e["outcome"] == "conflicting"]
    assert len(alike) >= 30
    for entry in alike:
        [error] = entry["errors"]
        assert error["column"] == "Full name"
        assert "are the same person; keep one row." in error["reason"] or "Row " in error["reason"]
        assert len(error["reason"]) < 200
    [exact] = [e for e in report if e["row"] == 6]
    assert re.fullmatch(
        r"Rows (\d+, ){9}\d+ and \d+ more are the same person; keep one row\.", exact["errors"][0]["reason"]
    )


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_triggers_paused_for_flush")
def test_a_preview_reads_outside_any_transaction_and_writes_its_batch_in_a_short_one(reference):
    from django.db import connection

    indonesia = Member.objects.get(code="ID")
    make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.org"])
    statements = []

    def observe(execute, sql, params, many, context):
        statements.append((sql.split()[0].upper(), connection.in_atomic_block))
        return execute(sql, params, many, context)

    content = _csv([["Full name", "Email"], ["Siti Rahma", "siti@example.org"], ["Budi Santoso", ""]])
    with connection.execute_wrapper(observe):
        import_preview(member=indonesia, filename="list.csv", content=content, actor=None)

    reads = [in_transaction for verb, in_transaction in statements if verb == "SELECT"]
    writes = [in_transaction for verb, in_transaction in statements if verb in {"INSERT", "UPDATE"}]
    assert len(reads) >= 5 and not any(reads[:-1])  # the analysis: every read in autocommit
    assert writes and all(writes)  # the batch and its audit event: together, in one transaction

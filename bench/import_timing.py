"""Time the focal-point spreadsheet import at scale: an XLSX of --rows rows (10,000 by default; issue 10
asks 20,000) for a member that already has 2,000 focal points (read, validate, match, store the
preview, apply), and peak memory.

Standalone: reads DATABASE_URL (unset = the development SQLite), migrates and loads the reference
data if needed, then creates a fresh bench member (code IB<n>, country Indonesia) each run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bphub_import_scratch .venv/bin/python bench/import_timing.py
    DATABASE_URL=sqlite:////tmp/bphub-import-bench.sqlite3 .venv/bin/python bench/import_timing.py --json
    .venv/bin/python bench/import_timing.py --rows 20000 --names lookalike --json

(Without DATABASE_URL every run adds a bench member to the development database.)

The file (--names distinct): rows for new people, plus rows naming existing people (by email, half
of them with a changed title → updated, half as they are → unchanged). With --names lookalike the
new rows are variants of --bases base names (case, accents, word order, a letter changed; half the
bases are existing people), so most rows conflict: the preview is timed and the apply skipped, as
the import refuses such a sheet. Target: preview ≤ 15 s (PostgreSQL), ≤ 60 s on SQLite; ≤ 300 MB.

Where the time goes: reading (openpyxl, read-only; the ZIP measured first), validating
(phonenumbers, ~0.05 ms a number), matching (services/imports/duplicates.py: the file's rows
grouped by name key and address, rapidfuzz once per distinct key, blocked by word initial and key
length), and on apply the bulk writes (COPY on PostgreSQL, bulk_create on SQLite).
"""

import argparse
import io
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SYLLABLES = (
    "a an ang ari ba bu da di dew eka fa ga gus ha hen in ja ka ko la li ma mu na ni nur "
    "o pra pu ra ri sa se si so ta ti to u wa wi ya yu za zul"
).split()
TITLES = ("Director", "Deputy Director", "Head of Section", "Analyst", "Senior Officer", "Liaison Officer")
ROLES = ("", "", "national", "som", "wg:TIPWG", "theme:safety-at-sea", "national; wg:TIPWG")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def person_name(rng: random.Random) -> str:
    def word():
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    return " ".join(word() for _ in range(rng.randint(2, 3)))


def person_row(n: int, rng: random.Random, agencies: list[str], seen) -> list[str]:
    """A person whose name is not alike any name generated before (`seen`: a PersonIndex)."""
    from bphub.directory.services.matching import name_keys

    name = person_name(rng)
    while seen.match_names(name_keys(name)):
        name = person_name(rng)
    seen.add(n, keys=name_keys(name))
    return [
        name,
        rng.choice(TITLES),
        rng.choice(agencies),
        f"p{n}.{name.split()[0].lower()}@bench.example.go.id",
        f"+62 21 {rng.randint(5000000, 5999999)}; 0812 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        rng.choice(ROLES),
        "id",
        "Asia/Jakarta",
    ]


ACCENTS = {"a": "àáâä", "e": "èéêë", "i": "íî", "o": "óôö", "u": "úùü", "n": "ñ", "c": "ç", "s": "š", "z": "ž"}


def lookalike_name(base: str, rng: random.Random) -> str:
    """`base` written another way: case, accents, word order and/or one letter changed."""
    words = base.split()
    for change in rng.sample(("case", "accent", "order", "letter"), rng.randint(1, 3)):
        if change == "case":
            words = [rng.choice((str.upper, str.lower, str.title))(w) for w in words]
        elif change == "order":
            words = words[1:] + words[:1]
        else:
            position = rng.randrange(len(words))
            word = words[position]
            if change == "accent":
                spots = [i for i, ch in enumerate(word) if ch.lower() in ACCENTS]
                if spots:
                    i = rng.choice(spots)
                    word = word[:i] + rng.choice(ACCENTS[word[i].lower()]) + word[i + 1 :]
            elif len(word) > 3:
                i = rng.randrange(1, len(word))
                word = word[:i] + rng.choice("abdegiklmnoprstuy") + word[i + 1 :]
            words[position] = word
    return " ".join(words)


def lookalike_rows(
    count: int, bases: list[str], start: int, rng: random.Random, agencies: list[str]
) -> list[list[str]]:
    """`count` rows whose names are variants of a few hundred `bases` (each its own email)."""
    rows = []
    for n in range(start, start + count):
        name = lookalike_name(rng.choice(bases), rng)
        rows.append(
            [
                name,
                rng.choice(TITLES),
                rng.choice(agencies),
                f"l{n}@bench.example.go.id",
                f"+62 21 {rng.randint(5000000, 5999999)}",
                rng.choice(ROLES),
                "id",
                "Asia/Jakarta",
            ]
        )
    return rows


HEADER = ["Full name", "Job title", "Agency", "E-mail", "Phone", "Roles", "Language", "Time zone"]


def xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Focal points")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--existing", type=int, default=2_000)
    parser.add_argument("--matching", type=int, default=1_000, help="rows of the file naming existing people")
    parser.add_argument(
        "--names",
        choices=("distinct", "lookalike"),
        default="distinct",
        help="lookalike: the new rows are variants of a few hundred names (case, accents, order, a letter)",
    )
    parser.add_argument(
        "--bases", type=int, default=300, help="base names of a lookalike sheet (half are existing people)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    from bphub.members.models import Member

    if not Member.objects.filter(code="ID").exists():
        call_command("load_reference", verbosity=0)

    from bphub.directory.services.imports import import_apply, import_preview, read_table
    from bphub.directory.services.matching import PersonIndex
    from bphub.directory.testing import make_agency

    rng = random.Random(args.seed)
    seen = PersonIndex()
    number = Member.objects.filter(code__startswith="IB").count() + 1
    member = Member.objects.create(
        code=f"IB{number}", name={"en": f"Import bench {number}"}, country="ID", kind=Member.Kind.STATE
    )
    agencies = [f"AG{i}" for i in range(20)]
    for acronym in agencies:
        make_agency(member, name=f"Bench agency {acronym}", acronym=acronym)

    # The member's existing people, created through the import itself (its bulk path).
    existing = [person_row(n, rng, agencies, seen) for n in range(args.existing)]
    bases = []
    if args.names == "lookalike":
        base_rows = [person_row(args.existing + n, rng, agencies, seen) for n in range(args.bases)]
        bases = [row[0] for row in base_rows]
        existing += base_rows[: args.bases // 2]  # so that variants also match the directory's people
    t0 = time.perf_counter()
    seed_batch = import_preview(member=member, filename="existing.xlsx", content=xlsx(existing))
    assert seed_batch.report["counts"]["new"] == len(existing), seed_batch.report["counts"]
    import_apply(batch=seed_batch)
    setup_s = time.perf_counter() - t0

    matching = existing[: args.matching]
    rows = []
    for i, row in enumerate(matching):
        row = list(row)
        if i % 2 == 0:
            row[1] = row[1] + " (acting)"  # updated
        rows.append(row)  # odd: unchanged
    if args.names == "lookalike":
        rows += lookalike_rows(args.rows - len(rows), bases, len(existing) + args.bases, rng, agencies)
    else:
        rows += [person_row(args.existing + n, rng, agencies, seen) for n in range(args.rows - len(rows))]
    rng.shuffle(rows)
    content = xlsx(rows)
    rss_before = peak_rss_mb()

    t0 = time.perf_counter()
    read_table("bench.xlsx", content)
    parse_s = time.perf_counter() - t0

    t0, c0 = time.perf_counter(), time.process_time()
    batch = import_preview(member=member, filename="bench.xlsx", content=content)
    preview_s, preview_cpu = time.perf_counter() - t0, time.process_time() - c0
    counts = batch.report["counts"]

    apply_s = apply_cpu = 0.0
    if not (counts["rejected"] or counts["conflicting"]):  # a look-alike sheet is refused, as it should be
        t0, c0 = time.perf_counter(), time.process_time()
        import_apply(batch=batch)
        apply_s, apply_cpu = time.perf_counter() - t0, time.process_time() - c0

    result = {
        "database": connection.vendor,
        "member": member.code,
        "rows": len(rows),
        "names": args.names if args.names == "distinct" else f"lookalike ({args.bases} base names)",
        "existing_people": len(existing),
        "report_json_bytes": len(json.dumps(batch.report, default=str)),
        "file_bytes": len(content),
        "counts": counts,
        "seconds": {
            "parse_xlsx_alone": round(parse_s, 2),
            "read_validate_match_store_preview": round(preview_s, 2),
            "apply": round(apply_s, 2),
            "total_preview_and_apply": round(preview_s + apply_s, 2),
            "setup_existing_people": round(setup_s, 2),
        },
        # CPU time of this (Python) process: what the wall time would be on an idle machine, less the database's share.
        "python_cpu_seconds": {"preview": round(preview_cpu, 2), "apply": round(apply_cpu, 2)},
        "load_average_1min": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "peak_rss_mb": {"before_import": round(rss_before, 1), "after_import": round(peak_rss_mb(), 1)},
        "target": "total ≤ 15 s, peak ≤ 300 MB",
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{result['database']}: {result['rows']} rows ({len(content) / 2**20:.1f} MB XLSX) for a member with "
        f"{args.existing} people → {counts}"
    )
    for key, value in result["seconds"].items():
        print(f"  {key:36} {value:7.2f} s")
    print(
        f"  python CPU: preview {preview_cpu:.2f} s, apply {apply_cpu:.2f} s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"  peak RSS {result['peak_rss_mb']['after_import']:.0f} MB "
        f"(before the import {result['peak_rss_mb']['before_import']:.0f} MB)   target: {result['target']}"
    )


if __name__ == "__main__":
    main()

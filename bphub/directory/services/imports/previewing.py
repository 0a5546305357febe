"""Analysing a file without writing anything, and keeping the analysis as a previewed ImportBatch."""

import hashlib
from dataclasses import dataclass

from django.db import transaction

from bphub.core.audit import audit_record
from bphub.directory.models import ImportBatch
from bphub.directory.services.imports.matching import CONFLICTING, OUTCOMES, REJECTED, classify_rows, count_outcomes
from bphub.directory.services.imports.reading import map_columns, read_table
from bphub.directory.services.imports.state import directory_fingerprint, load_directory_state
from bphub.directory.services.imports.validating import validate_table


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


def import_preview(*, member, filename: str, content: bytes, actor=None) -> ImportBatch:
    """Analyse the file and keep the result as a previewed ImportBatch (nothing else is written).

    The analysis only reads, outside any transaction: a write transaction held for its seconds
    would stop every other writer on SQLite. Only the batch and its audit event are written, in a
    short one. The directory's fingerprint is read before its people, so a change made meanwhile
    at worst makes the apply match the rows again. Raises ImportFileError (no batch is kept) when
    the file cannot be imported at all.
    """
    analysis = import_analyse(member=member, filename=filename, content=content, actor=actor)
    with transaction.atomic():
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

"""`manage.py import_focal_points FILE --member CODE [--dry-run] [--json] [--actor EMAIL]`

Validates and matches a member's spreadsheet (XLSX or CSV) and, unless --dry-run, applies it all
or nothing. Exit status: 0 when applied (or, with --dry-run, when every row is clean); 1 when
nothing was applied because of errors (a file that cannot be imported, rejected or conflicting
rows, a directory that changed meanwhile); 2 for a wrong invocation (unknown member or actor,
unreadable path).
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from bphub.directory.services.imports import (
    OUTCOMES,
    ImportFileError,
    import_analyse,
    import_apply,
    import_preview,
    report_as_json,
)

EXIT_ERRORS = 1
EXIT_USAGE = 2


class Command(BaseCommand):
    help = "Import a member's focal points from an XLSX or CSV file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--member", required=True, help="the member's code, e.g. ID")
        parser.add_argument("--dry-run", action="store_true", help="validate and report only; change nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--actor", default="", help="email of the user the history names (default: none)")

    def handle(self, *args, **options):
        from bphub.accounts.models import User
        from bphub.members.models import Member

        member = Member.objects.filter(code__iexact=options["member"]).first()
        if member is None:
            self._usage(f"No member with the code {options['member']!r}.")
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email__iexact=options["actor"]).first()
            if actor is None:
                self._usage(f"No user with the email {options['actor']!r}.")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            self._usage(f"Cannot read {path}: {error.strerror or error}")

        applied, error, report = False, "", {"filename": path.name, "member": member.code}
        try:
            if options["dry_run"]:
                report = import_analyse(member=member, filename=path.name, content=content).report
            else:
                batch = import_preview(member=member, filename=path.name, content=content, actor=actor)
                report = batch.report
                if not (report["counts"]["rejected"] or report["counts"]["conflicting"]):
                    report = import_apply(batch=batch, actor=actor).report
                    applied = True
        except ImportFileError as problem:
            error = str(problem)
        except ValidationError as problem:
            error = " ".join(problem.messages)

        counts = report.get("counts", {})
        failed = bool(error or counts.get("rejected") or counts.get("conflicting"))
        if options["json"]:
            self.stdout.write(json.dumps(report_as_json(report, applied=applied, dry_run=options["dry_run"],
                                                        error=error), ensure_ascii=False, indent=2))
        else:
            self._print(report, error=error, applied=applied, dry_run=options["dry_run"])
        if failed:
            raise SystemExit(EXIT_ERRORS)

    def _usage(self, message: str):
        self.stderr.write(message)
        raise SystemExit(EXIT_USAGE)

    def _print(self, report: dict, *, error: str, applied: bool, dry_run: bool) -> None:
        write = self.stdout.write
        write(f"{report.get('filename', '')} for {report.get('member', '')}")
        if error:
            write(self.style.ERROR(f"Not imported: {error}"))
            return
        counts = report["counts"]
        write("  " + ", ".join(f"{outcome}: {counts.get(outcome, 0)}" for outcome in OUTCOMES))
        for entry in report["rows"]:
            if entry["errors"]:
                write(f"  row {entry['row']} ({entry['outcome']}) {entry['full_name']}")
                for problem in entry["errors"]:
                    column = f"{problem['column']}: " if problem["column"] else ""
                    write(f"    - {column}{problem['reason']}")
        if applied:
            write(self.style.SUCCESS("Applied."))
        elif dry_run:
            write("Dry run: nothing was changed.")
        else:
            write(self.style.ERROR("Nothing was applied: fix the rows above and run again."))

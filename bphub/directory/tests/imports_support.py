"""Files, fixtures and helpers shared by the import tests (imported by name: fixtures included)."""

import csv
import io

import openpyxl

from bphub.directory.services.imports import (
    import_analyse,
)

# -- files built in the test -------------------------------------------------------------------


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, *, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


HEADER = ["Full name", "Local name", "Title", "Agency", "Emails", "Phones", "Roles", "Preferred language", "Time zone"]


def analyse(member, rows, *, filename="list.csv", **kwargs):
    content = xlsx_bytes(rows) if filename.endswith(".xlsx") else csv_bytes(rows, **kwargs)
    return import_analyse(member=member, filename=filename, content=content)


def outcomes(analysis) -> dict[int, str]:
    return {row["row"]: row["outcome"] for row in analysis.report["rows"]}

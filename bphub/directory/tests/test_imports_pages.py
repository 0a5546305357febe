"""The focal-point import through its pages and its command."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from bphub.directory.models import FocalPoint, ImportBatch
from bphub.directory.services.imports import (
    import_analyse,
    import_preview,
)
from bphub.directory.services.records import revision_list
from bphub.directory.testing import make_agency
from bphub.directory.tests.imports_support import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


# -- pages -----------------------------------------------------------------------------------------


def test_upload_preview_and_apply_through_the_pages(client, login, coordinator, indonesia):
    login(coordinator)
    upload = io.BytesIO(xlsx_bytes([["Full name", "E-mail"], ["Dewi Lestari", "dewi@example.org"]]))
    upload.name = "list.xlsx"
    response = client.post("/directory/import/", {"member": "ID", "file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/directory/import/{batch.pk}/"

    page = client.get(f"/directory/import/{batch.pk}/").content.decode()
    assert "Dewi Lestari" in page and "Apply this import" in page

    response = client.post(f"/directory/import/{batch.pk}/apply/")
    assert response.status_code == 302
    assert FocalPoint.objects.filter(full_name="Dewi Lestari", member=indonesia).exists()
    assert "Import applied" in client.get(response["Location"]).content.decode()


def test_a_preview_with_errors_lists_them_and_offers_no_apply(client, login, coordinator, indonesia):
    login(coordinator)
    rows = [["Full name", "E-mail"], ["Dewi Lestari", "dewi at example"]]
    batch = import_preview(member=indonesia, filename="list.csv", content=csv_bytes(rows), actor=coordinator)
    page = client.get(f"/directory/import/{batch.pk}/").content.decode()
    assert "E-mail" in page and "is not a valid email address" in page
    assert "Apply this import" not in page
    response = client.post(f"/directory/import/{batch.pk}/apply/", follow=True)
    assert "rejected or conflicting" in response.content.decode()
    assert not FocalPoint.objects.exists()


def test_discard_keeps_the_directory_as_it_was(client, login, coordinator, indonesia):
    login(coordinator)
    batch = import_preview(member=indonesia, filename="l.csv", content=b"Full name\nDewi Lestari\n")
    response = client.post(f"/directory/import/{batch.pk}/discard/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    assert client.post(f"/directory/import/{batch.pk}/apply/").status_code == 302
    assert not FocalPoint.objects.exists()


def test_a_coordinator_cannot_import_for_another_member(client, login, coordinator, thailand):
    login(coordinator)
    upload = io.BytesIO(b"Full name\nSomchai Jaidee\n")
    upload.name = "list.csv"
    response = client.post("/directory/import/", {"member": "TH", "file": upload})
    assert response.status_code == 200 and not ImportBatch.objects.exists()

    batch = import_preview(member=thailand, filename="l.csv", content=b"Full name\nSomchai Jaidee\n")
    assert client.get(f"/directory/import/{batch.pk}/").status_code == 404
    assert client.post(f"/directory/import/{batch.pk}/apply/").status_code == 404
    assert client.post(f"/directory/import/{batch.pk}/discard/").status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and not FocalPoint.objects.exists()


def test_the_rso_picks_the_member_and_officials_see_no_import(client, login, make_user, thailand):
    login(make_user("rso_staff"))
    upload = io.BytesIO(b"Full name\nSomchai Jaidee\n")
    upload.name = "list.csv"
    assert client.post("/directory/import/", {"member": "TH", "file": upload}).status_code == 302
    assert ImportBatch.objects.get().member == thailand
    login(make_user("member_official", member=thailand))
    assert client.get("/directory/import/").status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_downloads_and_imports_as_is(client, login, coordinator, indonesia, fmt):
    make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    login(coordinator)
    response = client.get(f"/directory/import/template.{fmt}")
    assert response.status_code == 200
    assert f"focal-points-template.{fmt}" in response["Content-Disposition"]
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["Focal points", "Instructions"]
    analysis = import_analyse(member=indonesia, filename=f"template.{fmt}", content=response.content)
    assert analysis.counts["new"] == 1, analysis.report["rows"]


# -- the command ------------------------------------------------------------------------------------


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_focal_points", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_command_dry_run_reports_and_changes_nothing(indonesia, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([["Full name", "Email"], ["Dewi Lestari", "dewi@example.org"]]))
    code, out, _err = _run(str(path), "--member", "ID", "--dry-run")
    assert code == 0
    assert "new: 1" in out
    assert not FocalPoint.objects.exists() and not ImportBatch.objects.exists()


def test_command_applies_a_clean_file_with_an_actor(indonesia, tmp_path, coordinator):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx_bytes([["Full name", "Email"], ["Dewi Lestari", "dewi@example.org"]]))
    code, out, _err = _run(str(path), "--member", "id", "--actor", coordinator.email)
    assert code == 0 and "Applied" in out
    person = FocalPoint.objects.get(full_name="Dewi Lestari")
    assert revision_list(person)[0].actor == coordinator


def test_command_exits_non_zero_with_json_report_when_rows_have_errors(indonesia, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([["Full name", "E-mail"], ["Dewi Lestari", "dewi@example.org"], ["Rina", "x@"]]))
    code, out, _err = _run(str(path), "--member", "ID", "--json")
    assert code == 1
    report = json.loads(out)
    assert report["applied"] is False
    assert report["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "conflicting": 0, "rejected": 1}
    assert report["rows"] == [
        {
            "row": 3,
            "outcome": "rejected",
            "full_name": "Rina",
            "errors": [{"column": "E-mail", "reason": "“x@” is not a valid email address."}],
        }
    ]
    assert not FocalPoint.objects.exists()


def test_command_exits_non_zero_for_a_bad_file_and_an_unknown_member(indonesia, tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"not a workbook")
    code, out, _err = _run(str(path), "--member", "ID", "--json")
    assert code == 1
    assert "not an Excel workbook" in json.loads(out)["error"]
    code, _out, err = _run(str(path), "--member", "ZZ")
    assert code == 2 and "ZZ" in err

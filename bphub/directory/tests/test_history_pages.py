"""History pages: every version, a field-by-field diff, and restore (managers only)."""

import pytest

from bphub.core.models import Classification
from bphub.directory.models import Revision
from bphub.directory.services.records import focal_point_save, revision_list
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def edited_person(indonesia, make_user):
    coordinator = make_user("member_coordinator", member=indonesia, full_name="Coordinator Citra")
    person = make_focal_point(indonesia, full_name="Rina Wati", title="Head of Section", actor=coordinator)
    focal_point_save(focal_point=person, data={"title": "Director"}, actor=coordinator)
    focal_point_save(
        focal_point=person,
        data={"title": "Director", "local_name": "Rina"},
        source="import",
        source_ref="import:7",
        actor=coordinator,
    )
    return person


def test_history_lists_every_version_with_who_when_and_source(edited_person, make_user, login):
    client = login(make_user("member_official", member=edited_person.member))
    body = client.get(f"/directory/people/{edited_person.pk}/history/").content.decode()
    assert body.count("Coordinator Citra") == 3
    for number in (1, 2, 3):
        assert f"/directory/people/{edited_person.pk}/history/{number}/" in body
    assert "import #7" in body and "Title / position" in body
    assert "Restore" not in body  # an official does not manage the record


def test_diff_shows_before_and_after_of_the_changed_field(edited_person, make_user, login):
    client = login(make_user("member_official", member=edited_person.member))
    body = client.get(f"/directory/people/{edited_person.pk}/history/2/").content.decode()
    assert "<del>Head of Section</del>" in body and "<ins>Director</ins>" in body
    assert "compared with version 1" in body

    against_now = client.get(f"/directory/people/{edited_person.pk}/history/1/?against=current").content.decode()
    assert "compared with the record now" in against_now and "<ins>Rina</ins>" in against_now


def test_unknown_version_is_404(edited_person, make_user, login):
    client = login(make_user("rso_staff"))
    assert client.get(f"/directory/people/{edited_person.pk}/history/99/").status_code == 404


def test_restore_from_the_history_page(edited_person, make_user, login):
    client = login(make_user("member_coordinator", member=edited_person.member))
    page = client.get(f"/directory/people/{edited_person.pk}/history/1/").content.decode()
    assert f"/directory/people/{edited_person.pk}/history/1/restore/" in page

    response = client.post(f"/directory/people/{edited_person.pk}/history/1/restore/")

    assert response.status_code == 302 and response["Location"].endswith("/history/")
    edited_person.refresh_from_db()
    assert edited_person.title == "Head of Section" and edited_person.local_name == ""
    latest = revision_list(edited_person)[0]
    assert latest.number == 4 and latest.source == Revision.Source.RESTORE and latest.source_ref == "revision:1"
    history = client.get(response["Location"]).content.decode()
    assert "version 1" in history  # the restore names the version it brought back


def test_only_managers_may_restore(edited_person, make_user, login):
    for user in (make_user("member_official", member=edited_person.member), make_user("researcher")):
        response = login(user).post(f"/directory/people/{edited_person.pk}/history/1/restore/")
        assert response.status_code == 404
    edited_person.refresh_from_db()
    assert edited_person.title == "Director"


def test_history_needs_the_same_visibility_as_the_record(indonesia, make_user, login):
    person = make_focal_point(indonesia, classification=Classification.SECRETARIAT)
    client = login(make_user("member_coordinator", member=indonesia))
    assert client.get(f"/directory/people/{person.pk}/history/").status_code == 404
    assert client.get(f"/directory/people/{person.pk}/history/1/").status_code == 404


def test_agency_history_diff_and_restore(indonesia, make_user, login):
    rso = make_user("rso_admin")
    agency = make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    client = login(rso)
    client.post(
        f"/directory/agencies/{agency.pk}/edit/",
        {
            "name_0": "Directorate General of Immigration",
            "name_1": "Direktorat Jenderal Imigrasi",
            "acronym": "DJI",
            "kind": "immigration",
            "classification": "public",
            "review_cadence_days": "182",
            "is_active": "on",
        },
    )
    diff = client.get(f"/directory/agencies/{agency.pk}/history/2/").content.decode()
    assert "<del>DGI</del>" in diff and "<ins>DJI</ins>" in diff and "Direktorat Jenderal Imigrasi" in diff

    client.post(f"/directory/agencies/{agency.pk}/history/1/restore/")
    agency.refresh_from_db()
    assert agency.acronym == "DGI" and agency.name == {"en": "Directorate General of Immigration"}

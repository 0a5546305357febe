import shutil
from datetime import date

import pytest
from django.core.management import call_command

from bphub.core.models import AuditEvent
from bphub.members.models import Body, BodyMembership, Member, SubRegion, Theme
from bphub.members.selectors import seats_on
from bphub.members.services import REFERENCE_DIR, ReferenceFileError, reference_load, reference_record_update


def test_loading_twice_changes_nothing(db):
    first = reference_load()
    counts = (Member.objects.count(), Body.objects.count(), BodyMembership.objects.count(), Theme.objects.count())
    second = reference_load()
    assert first.created["member"] == 53 and first.created["body"] == 11 and first.created["theme"] == 19
    assert not second.changed_anything
    assert counts == (
        Member.objects.count(),
        Body.objects.count(),
        BodyMembership.objects.count(),
        Theme.objects.count(),
    )


def test_members_observers_and_economies_are_told_apart(reference):
    assert Member.objects.get(code="AU").standing == Member.Standing.MEMBER
    assert Member.objects.get(code="CA").standing == Member.Standing.OBSERVER
    assert Member.objects.get(code="ICMPD").kind == Member.Kind.ORGANISATION
    assert Member.objects.get(code="HK").kind == Member.Kind.ECONOMY
    assert Member.objects.get(code="IOM").kind == Member.Kind.ORGANISATION
    assert SubRegion.objects.filter(name="South-eastern Asia").exists()


def test_unconfirmed_facts_stay_marked(reference):
    assert Member.objects.get(code="BN").is_confirmed is False  # "M" in the file
    assert Member.objects.get(code="TH").is_confirmed is True
    afghanistan_ahg = BodyMembership.objects.get(member__code="AF", body__code="AHG")
    assert afghanistan_ahg.is_confirmed is False  # "current status unconfirmed"


@pytest.fixture
def reference_copy(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def test_a_changed_file_updates_rows_without_duplicating(db, reference_copy):
    reference_load(directory=reference_copy)
    members = reference_copy / "members.csv"
    members.write_text(
        members.read_text().replace(
            "Brunei Darussalam,BN,state,South-eastern Asia,M,",
            "Brunei Darussalam,BN,state,South-eastern Asia,S,confirmed 2026",
        )
    )
    report = reference_load(directory=reference_copy)
    assert report.updated == {"member": 1}
    brunei = Member.objects.get(code="BN")
    assert brunei.is_confirmed and brunei.source_note == "confirmed 2026"
    assert Member.objects.filter(code="BN").count() == 1


def test_an_rso_correction_survives_a_reload(db, reference_copy, make_user):
    reference_load(directory=reference_copy)
    admin = make_user("rso_admin")
    thailand = Member.objects.get(code="TH")
    reference_record_update(
        actor=admin, instance=thailand, form_data={"name": {"en": "Kingdom of Thailand", "th": "ไทย"}}
    )
    report = reference_load(directory=reference_copy)
    thailand.refresh_from_db()
    assert thailand.name == {"en": "Kingdom of Thailand", "th": "ไทย"}
    assert any("TH" in item for item in report.kept_local)
    assert AuditEvent.objects.filter(verb="reference.changed", target_id=str(thailand.pk)).exists()


def test_a_bad_row_names_file_row_and_reason_and_loads_nothing(db, reference_copy):
    roles = reference_copy / "body_roles.csv"
    roles.write_text(roles.read_text() + "TIPWG,AU,co_chair,2015-13,,bad month\n")
    with pytest.raises(ReferenceFileError) as error:
        reference_load(directory=reference_copy)
    assert "body_roles.csv row 38" in str(error.value) and "2015-13" in str(error.value)
    assert Member.objects.count() == 0  # all or nothing


def test_load_reference_command_reports_and_fails_cleanly(db, capsys):
    call_command("load_reference")
    assert "created:" in capsys.readouterr().out


def test_who_sat_on_a_body_on_a_date(reference):
    tegrr = Body.objects.get(code="TEGRR")
    co_chairs_2019 = {seat.member.code for seat in seats_on(body=tegrr, day=date(2019, 6, 1))}
    co_chairs_2021 = {seat.member.code for seat in seats_on(body=tegrr, day=date(2021, 6, 1))}
    co_chairs_2022 = {seat.member.code for seat in seats_on(body=tegrr, day=date(2022, 6, 1))}
    assert co_chairs_2019 == {"PH", "AU"}
    assert co_chairs_2021 == {"AU", "LK"}
    assert co_chairs_2022 == {"AU", "IOM"}
    ahg_2020 = {seat.member.code for seat in seats_on(body=Body.objects.get(code="AHG"), day=date(2020, 1, 1))}
    assert ahg_2020 == {"AF", "MM"}  # the 2022 roster had not started


def test_partial_dates_keep_their_precision(reference):
    seat = BodyMembership.objects.get(member__code="MY", body__code="DWG")
    assert seat.valid_to == date(2017, 12, 31) and seat.valid_to_precision == "year"
    assert seat.period_label == "? – 2017"


def test_body_page_answers_who_sat_on_it_on_a_date(client, reference):
    response = client.get("/members/bodies/TEGRR/?on=2021-03-01")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Who sat on it on 1 March 2021" in text
    roster = text.split("Who sat on it on", 1)[1].split("All recorded seats")[0]
    assert "Sri Lanka" in roster and "Philippines" not in roster


def test_body_page_rejects_a_bad_date_clearly(client, reference):
    response = client.get("/members/bodies/TEGRR/?on=2021-02-30")
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_rso_admin_corrects_a_member_in_the_app(client, reference, make_user, login):
    login(make_user("rso_admin"))
    response = client.post(
        "/members/BN/edit/",
        {
            "name_0": "Brunei Darussalam",
            "name_1": "",
            "name_2": "",
            "kind": "state",
            "standing": "member",
            "is_confirmed": "on",
            "source_note": "confirmed by note verbale",
        },
    )
    assert response.status_code == 302
    brunei = Member.objects.get(code="BN")
    assert brunei.is_confirmed and brunei.edited_in_app_at is not None


def test_rso_admin_adds_a_seat_and_the_change_is_audited(client, reference, make_user, login):
    login(make_user("rso_admin"))
    fiji = Member.objects.get(code="FJ")
    response = client.post(
        "/members/bodies/AHG/seats/add/",
        {
            "member": fiji.pk,
            "role": "member",
            "valid_from": "2025-01-01",
            "valid_to": "",
            "source": "AHG SOM 2025",
            "is_confirmed": "on",
        },
    )
    assert response.status_code == 302
    assert fiji in [seat.member for seat in seats_on(body=Body.objects.get(code="AHG"), day=date(2025, 6, 1))]
    event = AuditEvent.objects.get(verb="membership.created")
    assert event.data["member"] == "FJ" and event.data["body"] == "AHG"


def test_a_seat_ending_before_it_starts_is_refused(client, reference, make_user, login):
    login(make_user("rso_admin"))
    before = BodyMembership.objects.count()
    response = client.post(
        "/members/bodies/AHG/seats/add/",
        {
            "member": Member.objects.get(code="FJ").pk,
            "role": "member",
            "valid_from": "2025-01-01",
            "valid_to": "2024-01-01",
            "source": "x",
        },
    )
    assert response.status_code == 200
    assert BodyMembership.objects.count() == before


def test_the_public_member_list_shows_a_correction_at_once(client, reference, make_user, login,
                                                           django_capture_on_commit_callbacks):
    assert "Brunei Darussalam" in client.get("/members/").content.decode()  # now cached
    admin_client = type(client)()
    login(make_user("rso_admin"), admin_client)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/members/BN/edit/", {
            "name_0": "Negara Brunei Darussalam", "name_1": "", "name_2": "", "kind": "state", "standing": "member",
            "is_confirmed": "on", "source_note": "",
        })
    assert "Negara Brunei Darussalam" in client.get("/members/").content.decode()


def test_unknown_member_list_filters_are_ignored(client, reference):
    response = client.get("/members/?kind=<script>&standing=nonsense")
    assert response.status_code == 200
    assert "Australia" in response.content.decode() and "Canada" in response.content.decode()


def test_a_correction_is_audited_with_what_it_was_and_what_it_became(client, reference, make_user, login):
    login(make_user("rso_admin"))
    client.post("/members/bodies/DWG/edit/", {
        "name_0": "Disruption Working Group", "name_1": "", "name_2": "", "kind": "working_group",
        "established": "2014", "is_confirmed": "on", "source_note": "",
    })
    event = AuditEvent.objects.get(verb="reference.changed")
    before, after = event.data["changes"]["name"]
    assert "Disruption of Criminal Networks" in before and "Disruption Working Group" in after


def test_loading_the_reference_files_is_audited(db):
    report = reference_load()
    event = AuditEvent.objects.get(verb="reference.loaded")
    assert event.data["created"] == report.created

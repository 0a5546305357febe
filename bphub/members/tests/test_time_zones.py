"""Members' time zones and weekends come with the reference data; the RSO's corrections stay."""

import shutil
from zoneinfo import available_timezones

import pytest

from bphub.members.models import Member
from bphub.members.services import REFERENCE_DIR, ReferenceFileError, reference_load, reference_record_update


def test_every_member_and_observer_gets_a_tz_database_zone(reference):
    zones = available_timezones()
    members = list(Member.objects.all())
    assert len(members) == 53
    assert all(member.time_zone in zones for member in members), [m.code for m in members if not m.time_zone]


@pytest.mark.parametrize(
    ("code", "zone", "weekend"),
    [
        ("NP", "Asia/Kathmandu", "6"),
        ("IN", "Asia/Kolkata", "6,7"),
        ("AU", "Australia/Sydney", "6,7"),
        ("BD", "Asia/Dhaka", "5,6"),
        ("BN", "Asia/Brunei", "5,7"),
        ("AE", "Asia/Dubai", "6,7"),
        ("IR", "Asia/Tehran", "5"),
        ("KI", "Pacific/Tarawa", "6,7"),
        ("US", "America/New_York", "6,7"),
        ("IOM", "Europe/Zurich", "6,7"),
        ("UNODC", "Europe/Vienna", "6,7"),
        ("ICMPD", "Europe/Vienna", "6,7"),
    ],
)
def test_capitals_and_headquarters_and_their_weekends(reference, code, zone, weekend):
    member = Member.objects.get(code=code)
    assert (member.time_zone, member.weekend) == (zone, weekend)


@pytest.fixture
def reference_copy(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def test_an_rso_correction_of_a_zone_survives_a_reload(db, reference_copy, make_user):
    reference_load(directory=reference_copy)
    admin = make_user("rso_admin")
    france = Member.objects.get(code="FR")
    reference_record_update(actor=admin, instance=france, form_data={"time_zone": "Pacific/Noumea"})
    report = reference_load(directory=reference_copy)
    france.refresh_from_db()
    assert france.time_zone == "Pacific/Noumea"
    assert "time zone of FR" in report.kept_local


def test_a_member_corrected_in_the_app_without_a_zone_gets_one(db, reference_copy, make_user):
    zones = reference_copy / "time_zones.csv"
    original = zones.read_text()
    zones.write_text("code,time_zone,weekend,note\n")
    reference_load(directory=reference_copy)
    thailand = Member.objects.get(code="TH")
    reference_record_update(actor=make_user("rso_admin"), instance=thailand, form_data={"source_note": "checked"})
    zones.write_text(original)
    reference_load(directory=reference_copy)
    thailand.refresh_from_db()
    assert thailand.time_zone == "Asia/Bangkok" and thailand.source_note == "checked"


def test_a_fixed_offset_or_unknown_zone_in_the_file_is_refused(db, reference_copy):
    zones = reference_copy / "time_zones.csv"
    zones.write_text(zones.read_text().replace("NP,Asia/Kathmandu,6", "NP,+05:45,6"))
    with pytest.raises(ReferenceFileError, match=r"time_zones.csv row \d+: '\+05:45' is not a time zone"):
        reference_load(directory=reference_copy)
    assert not Member.objects.exists()  # all or nothing

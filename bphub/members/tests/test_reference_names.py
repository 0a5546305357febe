"""Reference data in Indonesian and Thai: member, body and theme names come in both where a version
is known, the English one with its fallback mark where not; loading is idempotent and brings the
names to a database loaded before they existed."""

import shutil

import pytest

from bphub.members.models import Body, Member, Theme
from bphub.members.services import REFERENCE_DIR, ReferenceFileError, reference_load, reference_record_update


@pytest.fixture
def reference_copy(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def page(client, path: str, language: str) -> str:
    return client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_names_are_loaded_in_indonesian_and_thai(reference):
    assert Member.objects.get(code="TH").name == {"en": "Thailand", "id": "Thailand", "th": "ประเทศไทย"}
    assert Member.objects.get(code="NZ").name["id"] == "Selandia Baru"
    assert Member.objects.get(code="CA").name["th"] == "แคนาดา"  # observers too
    assert Body.objects.get(code="RSO").name["th"] == "สำนักงานสนับสนุนระดับภูมิภาค"
    assert Theme.objects.get(code="as-returns").name["id"] == "Pemulangan dan reintegrasi"
    # where no version is known, there is none (the page shows English with its mark)
    assert set(Member.objects.get(code="ICMPD").name) == {"en"}
    assert set(Body.objects.get(code="SG").name) == {"en", "id"}


@pytest.mark.parametrize(
    ("language", "member", "body"),
    [("th", "ประเทศไทย", "คณะทำงานว่าด้วยการค้ามนุษย์"), ("id", "Selandia Baru", "Kelompok Kerja Perdagangan Orang")],
)
def test_the_member_and_body_pages_speak_the_readers_language(client, reference, language, member, body):
    members, bodies = page(client, "/members/", language), page(client, "/members/bodies/", language)

    assert member in members and body in bodies
    # an observer with no name in the reader's language shows the English one, marked as such
    icmpd = members[members.index("International Centre for Migration Policy Development"):][:300]
    assert 'class="lang-mark"' in icmpd and ">EN<" in icmpd


def test_a_database_loaded_before_the_names_existed_gets_them_by_loading_again(db, reference_copy):
    # given a database loaded from the files without names.csv (as every database before it)
    names = reference_copy / "names.csv"
    kept = names.read_text(encoding="utf-8")
    names.unlink()
    reference_load(directory=reference_copy)
    assert Member.objects.get(code="JP").name == {"en": "Japan"}

    # when load_reference runs again with it, twice
    names.write_text(kept, encoding="utf-8")
    first = reference_load(directory=reference_copy)
    second = reference_load(directory=reference_copy)

    # then the names arrive once, and a second load changes nothing
    assert Member.objects.get(code="JP").name == {"en": "Japan", "id": "Jepang", "th": "ญี่ปุ่น"}
    assert first.updated["member"] == 51 and first.updated["body"] == 11 and first.updated["theme"] == 19
    assert not second.changed_anything


def test_an_rso_correction_of_a_name_survives_the_names_file(db, reference_copy, make_user):
    reference_load(directory=reference_copy)
    thailand = Member.objects.get(code="TH")
    reference_record_update(
        actor=make_user("rso_admin"), instance=thailand, form_data={"name": {"en": "Thailand", "th": "ไทย"}}
    )

    reference_load(directory=reference_copy)

    thailand.refresh_from_db()
    assert thailand.name == {"en": "Thailand", "th": "ไทย"}


def test_a_names_row_for_an_unknown_record_loads_nothing(db, reference_copy):
    names = reference_copy / "names.csv"
    names.write_text(names.read_text(encoding="utf-8") + "member,XX,Negeri Antah,ดินแดนลับแล\n", encoding="utf-8")

    with pytest.raises(ReferenceFileError, match="unknown member 'XX'"):
        reference_load(directory=reference_copy)
    assert not Member.objects.exists()

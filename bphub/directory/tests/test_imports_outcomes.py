"""The focal-point import: matching rows to people, and the outcome of each row."""


import pytest

from bphub.directory.models import FocalPoint, RoleKind
from bphub.directory.services.imports import (
    import_apply,
    import_preview,
)
from bphub.directory.services.matching import find_similar_people
from bphub.directory.services.records import focal_point_save
from bphub.directory.testing import make_focal_point
from bphub.directory.tests.imports_support import analyse, outcomes

pytestmark = pytest.mark.django_db


# -- matching and outcomes --------------------------------------------------------------------------


def test_each_row_gets_new_updated_unchanged_conflicting_or_rejected(indonesia):
    make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.go.id"], title="Director")
    make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@example.go.id"], title="Head")
    make_focal_point(indonesia, full_name="Agus Wijaya", emails=["agus@example.go.id"])
    make_focal_point(indonesia, full_name="Rina Putri", emails=["rina@example.go.id"])
    rows = [
        ["Full name", "Email", "Title"],
        ["Dewi Lestari", "dewi@example.go.id", "Analyst"],  # nobody alike
        ["SITI RAHMA", "Siti@Example.go.id", "Director-General"],  # same email, title changes
        ["Budi Santoso", "budi@example.go.id", "Head"],  # same person, nothing new
        ["Agus Wijaya", "rina@example.go.id", ""],  # Rina's email, Agus's name
        ["Tono Hartono", "not-an-email", ""],
    ]
    analysis = analyse(indonesia, rows)
    assert outcomes(analysis) == {2: "new", 3: "updated", 4: "unchanged", 5: "conflicting", 6: "rejected"}
    updated = analysis.report["rows"][1]
    assert updated["changes"] == {"title": ["Director", "Director-General"]}
    conflicting = analysis.report["rows"][3]
    assert "The email belongs to Rina Putri" in conflicting["errors"][0]["reason"]
    assert "Agus Wijaya" in conflicting["errors"][0]["reason"]


def test_names_match_across_diacritics_case_word_order_and_script(indonesia):
    viet = make_focal_point(indonesia, full_name="Nguyễn Văn An", emails=["an@example.org"])
    thai = make_focal_point(indonesia, full_name="JAIDEE Somchai", local_name="สมชาย ใจดี", emails=["sj@example.org"])
    rows = [
        ["Full name", "Local name", "Title"],
        ["Nguyen Van An", "", "Officer"],
        ["Somchai Jaidee", "", ""],
        ["Someone Else", "สมชาย ใจดี", ""],  # the own-script name, transliterated, is the same
    ]
    analysis = analyse(indonesia, rows)
    report = analysis.report["rows"]
    assert (report[0]["outcome"], report[0]["match"]) == ("updated", viet.pk)
    assert report[0]["changes"] == {"title": ["", "Officer"]}
    assert report[1]["outcome"] == "conflicting"  # rows 3 and 4 are both Somchai
    assert report[2]["outcome"] == "conflicting"
    assert "Rows 3 and 4 are both JAIDEE Somchai" in report[1]["errors"][0]["reason"]
    assert thai.pk == report[1]["match"]


def test_a_slightly_misspelt_name_matches_but_two_alike_people_conflict(indonesia):
    make_focal_point(indonesia, full_name="Muhammad Rizky Pratama", emails=["rizky@example.org"])
    make_focal_point(indonesia, full_name="Ahmad Hidayat", emails=["ahmad1@example.org"])
    make_focal_point(indonesia, full_name="Hidayat Ahmad", emails=["ahmad2@example.org"])
    analysis = analyse(indonesia, [["Full name"], ["Muhammad Rizki Pratama"], ["Ahmad Hidayat"]])
    report = analysis.report["rows"]
    assert report[0]["outcome"] == "unchanged"
    assert report[1]["outcome"] == "conflicting"
    assert "Several people have a name like this" in report[1]["errors"][0]["reason"]


def test_two_rows_of_the_file_that_are_the_same_person_both_conflict(indonesia):
    rows = [
        ["Full name", "Email"],
        ["Dewi Lestari", "dewi@example.org"],
        ["Somebody Else", "DEWI@example.org"],  # same email
        ["Lestari Dewi", "other@example.org"],  # same name, other order
        ["Rina Putri", "rina@example.org"],
    ]
    analysis = analyse(indonesia, rows)
    assert outcomes(analysis) == {2: "conflicting", 3: "conflicting", 4: "conflicting", 5: "new"}
    reasons = [e["reason"] for e in analysis.report["rows"][0]["errors"]]
    assert "Row 3 is the same person; keep one row." in reasons
    assert "Row 4 is the same person; keep one row." in reasons
    assert analysis.report["rows"][1]["errors"][0]["column"] == "Email"


def test_a_blank_cell_keeps_and_lists_only_grow(indonesia, reference):
    person = make_focal_point(
        indonesia,
        full_name="Siti Rahma",
        title="Director",
        emails=["siti@example.go.id"],
        phones=["+62215550100"],
        roles=[{"kind": RoleKind.NATIONAL, "body": None, "theme": None}],
    )
    rows = [
        ["Full name", "Title", "Email", "Phone", "Roles"],
        ["Siti Rahma", "", "s.rahma@example.org", "+62215550100", "wg:TIPWG"],
    ]
    [entry] = analyse(indonesia, rows).report["rows"]
    assert entry["match"] == person.pk
    assert entry["changes"] == {
        "emails": [["siti@example.go.id"], ["siti@example.go.id", "s.rahma@example.org"]],
        "roles": [["national"], ["national", "wg:TIPWG"]],
    }


def test_the_blocked_name_index_finds_exactly_what_comparing_every_pair_finds():
    from rapidfuzz import fuzz

    from bphub.directory.services.matching import NAME_SCORE_CUTOFF, PersonIndex, name_keys

    names = [
        "Siti Rahma",
        "Siti Rahmah",
        "Rahma Siti",
        "S. Rahma",
        "Siti Rahma Wijaya",
        "Nguyễn Văn An",
        "An Van Nguyen",
        "Nguyen Van Anh",
        "Somchai Jaidee",
        "Somchai Jaide",
        "สมชาย ใจดี",
        "Budi Santoso",
        "Budi Santosa",
        "Bo",
        "Boo",
        "Dewi Lestari",
        "Dewi Lestari Putri Anggraini",
        "Aung San",
        "San Aung",
        "Maria Clara de la Cruz",
    ]
    keys = {ref: name_keys(name) for ref, name in enumerate(names)}
    index = PersonIndex()
    for ref, name_key_list in keys.items():
        index.add(ref, keys=name_key_list)

    for query in [*names, "Siti Rahmaa", "Nguyen An", "Jaidee Somchai", "Budi", "Dewi Lestari Putri Anggrainiaaa"]:
        query_keys = name_keys(query)
        expected = {}
        for ref, ref_keys in keys.items():
            scores = [
                fuzz.ratio(a, b)
                for a in query_keys
                for b in ref_keys
                if {w[0] for w in a.split()} & {w[0] for w in b.split()}
            ]
            if scores and max(scores) >= NAME_SCORE_CUTOFF:
                expected[ref] = round(max(scores))
        assert index.match_names(query_keys) == expected, query


def test_find_similar_people_suggests_duplicates_by_email_and_name(indonesia, thailand):
    by_email = make_focal_point(indonesia, full_name="Completely Different", emails=["an@example.org"])
    by_name = make_focal_point(indonesia, full_name="NGUYỄN Văn An", emails=["other@example.org"])
    make_focal_point(indonesia, full_name="Budi Santoso")
    make_focal_point(thailand, full_name="Nguyen Van An")  # another member's person is never suggested

    found = find_similar_people(indonesia, "Van An Nguyen", "", ["AN@example.org"])

    assert [(p.pk, reason) for p, _score, reason in found] == [(by_email.pk, "email"), (by_name.pk, "name")]
    assert found[1][1] == 100
    assert find_similar_people(indonesia, "Nguyen Van An", exclude_pk=by_name.pk) == []




def test_a_change_elsewhere_in_the_directory_does_not_block_the_apply(indonesia):
    other = make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@example.go.id"])
    batch = import_preview(member=indonesia, filename="l.csv", content=b"Full name,Title\nDewi Lestari,Analyst\n")
    focal_point_save(focal_point=other, data={"title": "Head"})  # re-validated: the outcomes are the same

    import_apply(batch=batch)

    assert FocalPoint.objects.filter(full_name="Dewi Lestari", title="Analyst").exists()


def test_a_person_found_by_email_takes_a_really_new_name_but_not_a_respelling(indonesia):
    renamed = make_focal_point(indonesia, full_name="Siti Rahma", emails=["siti@example.go.id"])
    accented = make_focal_point(indonesia, full_name="Nguyễn Văn An", emails=["an@example.org"])
    rows = [["Full name", "Email"], ["Siti Rahma Wijaya", "siti@example.go.id"], ["AN VAN NGUYEN", "an@example.org"]]
    report = analyse(indonesia, rows).report["rows"]
    assert (report[0]["match"], report[0]["changes"]) == (
        renamed.pk,
        {"full_name": ["Siti Rahma", "Siti Rahma Wijaya"]},
    )
    assert (report[1]["match"], report[1]["outcome"]) == (accented.pk, "unchanged")

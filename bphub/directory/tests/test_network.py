"""The network view: a graph (JSON) and its accessible table, both through the policy."""

import pytest

from bphub.core.models import Classification
from bphub.directory.models import RoleKind
from bphub.directory.network import network_graph
from bphub.directory.selectors import DirectoryFilter
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Body, Member, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(reference):
    indonesia = Member.objects.get(code="ID")
    thailand = Member.objects.get(code="TH")
    tip = Body.objects.get(code="TIPWG")
    sea = Theme.objects.get(code="safety-at-sea")
    police = make_agency(indonesia, acronym="POLRI", themes=[sea])
    make_focal_point(
        indonesia,
        full_name="Agus Wijaya",
        agency=police,
        emails=["agus@polri.go.id"],
        phones=["+62215551234"],
        roles=[{"kind": RoleKind.WORKING_GROUP, "body": tip, "theme": None}],
    )
    make_focal_point(
        indonesia,
        full_name="Restricted Rahma",
        emails=["rahma@imigrasi.go.id"],
        classification=Classification.RESTRICTED,
    )
    make_focal_point(thailand, full_name="Somchai Thongdee", local_name="สมชาย ทองดี", emails=["somchai@tp.go.th"])
    return {"ID": indonesia, "TH": thailand, "tip": tip, "sea": sea, "police": police}


def test_the_json_has_names_and_links_but_no_contact_details(cast, make_user, login, client):
    login(make_user("member_official", member=cast["ID"]))

    response = client.get("/directory/network.json")

    assert response.status_code == 200
    body = response.content.decode()
    assert "@" not in body and "+6221" not in body
    data = response.json()
    labels = {n["data"]["label"] for n in data["nodes"]}
    assert {"Agus Wijaya", "Restricted Rahma", "POLRI", "ID", "TIPWG"} <= labels
    kinds = {e["data"]["kind"] for e in data["edges"]}
    assert {"member_agency", "agency_person", "working_group_role", "mandate", "member_person"} <= kinds


def test_the_json_never_holds_a_node_the_reader_may_not_see(cast, make_user, login, client):
    login(make_user("member_official", member=cast["TH"]))
    data = client.get("/directory/network.json?member=ID").json()
    labels = {n["data"]["label"] for n in data["nodes"]}
    assert "Agus Wijaya" in labels
    assert "Restricted Rahma" not in labels
    assert not [n for n in data["nodes"] if "Rahma" in str(n)]


def test_researchers_see_public_records_only(cast, make_user, login, client):
    make_focal_point(cast["ID"], full_name="Public Putri", classification=Classification.PUBLIC)
    login(make_user("researcher"))
    labels = {n["data"]["label"] for n in client.get("/directory/network.json?member=ID").json()["nodes"]}
    assert "Public Putri" in labels and "Agus Wijaya" not in labels


def test_filters_narrow_the_graph(cast, make_user):
    rso = make_user("rso_staff")
    by_group = network_graph(rso, DirectoryFilter(body="TIPWG"))
    names = {p.focal_point.full_name for m in by_group.members for a in m.agencies for p in a.people}
    assert names == {"Agus Wijaya"}
    assert [m.member.code for m in by_group.members] == ["ID"]

    by_member = network_graph(rso, DirectoryFilter(member="TH"))
    assert [m.member.code for m in by_member.members] == ["TH"]

    by_theme = network_graph(rso, DirectoryFilter(theme="safety-at-sea"))
    assert {a.agency.acronym for m in by_theme.members for a in m.agencies if a.agency} == {"POLRI"}


def test_a_graph_over_the_cap_is_not_built_and_says_so(cast, make_user, login, client):
    rso = make_user("rso_staff")
    graph = network_graph(rso, DirectoryFilter(), cap=2)
    assert graph.truncated and graph.members == []
    assert graph.elements()["nodes"] == []


def test_the_page_has_a_table_equivalent_and_loads_the_script_without_inline_js(cast, make_user, login, client):
    login(make_user("member_official", member=cast["ID"]))
    html = client.get("/directory/network/?member=ID").content.decode()

    assert 'src="/static/js/vendor/cytoscape/cytoscape.min.js" defer' in html
    assert 'src="/static/js/directory-network.js" defer' in html
    assert 'data-url="/directory/network.json?scope=member:ID"' in html
    main = html.split("<main", 1)[1]
    assert "<script" not in main
    assert 'scope="rowgroup"' in main and "Agus Wijaya" in main and "Restricted Rahma" in main
    assert "Working-group focal point: TIPWG" in main
    assert "agus@polri.go.id" not in main  # the map shows no contacts


def test_the_vendored_library_keeps_its_licence():
    from pathlib import Path

    vendor = Path(__file__).resolve().parents[3] / "static" / "js" / "vendor" / "cytoscape"
    assert (vendor / "cytoscape.min.js").stat().st_size > 100_000
    assert "Permission is hereby granted" in (vendor / "LICENSE").read_text()

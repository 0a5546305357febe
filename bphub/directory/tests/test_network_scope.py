"""The network view is drawn around one scope (a member, a theme, a working group), never everything."""

import re

import pytest

from bphub.core.models import Classification
from bphub.directory.models import RoleKind
from bphub.directory.permissions import agencies_visible_to
from bphub.directory.selectors import DirectoryFilter, focal_point_search
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
    hidden_unit = make_agency(indonesia, acronym="SECRETUNIT", themes=[sea], classification=Classification.RESTRICTED)
    make_focal_point(
        indonesia,
        full_name="Agus Wijaya",
        agency=police,
        roles=[{"kind": RoleKind.WORKING_GROUP, "body": tip, "theme": None}],
    )
    make_focal_point(
        indonesia,
        full_name="Restricted Rahma",
        agency=hidden_unit,
        classification=Classification.RESTRICTED,
        roles=[{"kind": RoleKind.WORKING_GROUP, "body": tip, "theme": None}],
    )
    make_focal_point(
        thailand,
        full_name="Somchai Thongdee",
        local_name="สมชาย ทองดี",
        roles=[{"kind": RoleKind.THEMATIC, "body": None, "theme": sea}],
    )
    return {"ID": indonesia, "TH": thailand, "tip": tip, "sea": sea, "police": police}


def _nodes(client, query=""):
    response = client.get(f"/directory/network.json{query}")
    assert response.status_code == 200
    return response.json()["nodes"]


def _labels(nodes):
    return {node["data"]["label"] for node in nodes}


def test_a_member_official_starts_from_their_own_member(cast, make_user, login, client):
    # given an official of Thailand
    login(make_user("member_official", member=cast["TH"]))

    # when they open the network view without choosing anything
    html = client.get("/directory/network/").content.decode()
    nodes = _nodes(client)

    # then it is Thailand's network: its heading, its chosen option, its data, and nothing of Indonesia
    assert "<h1>Network: Thailand (TH)</h1>" in html
    assert '<option value="member:TH" selected>' in html
    assert 'data-url="/directory/network.json?scope=member:TH"' in html
    assert "Somchai Thongdee\nสมชาย ทองดี" in _labels(nodes)
    assert "TH" in _labels(nodes)
    assert not {"ID", "POLRI", "Agus Wijaya"} & _labels(nodes)
    assert [n["data"]["label"] for n in nodes if n["data"].get("root")] == ["TH"]


def test_the_rso_chooses_a_scope_first_and_gets_no_graph_of_everything(cast, make_user, login, client):
    # given the RSO, who acts for no member
    login(make_user("rso_staff"))

    # when they open the network view
    html = client.get("/directory/network/").content.decode()

    # then they are asked to choose, with every member, theme and working group offered, and no graph is drawn
    assert "<h1>Network</h1>" in html
    assert "Choose a member, a theme or a working group" in html
    for value in ("member:ID", "member:TH", "theme:safety-at-sea", "body:TIPWG"):
        assert f'<option value="{value}">' in html
    assert "cytoscape" not in html and 'id="network-graph"' not in html
    assert "Agus Wijaya" not in html
    assert _nodes(client) == []


def test_researchers_and_alumni_choose_too(cast, make_user, login, client):
    for role in ("researcher", "alumnus"):
        login(make_user(role))
        assert "Choose a member, a theme or a working group" in client.get("/directory/network/").content.decode()
        assert _nodes(client) == []


@pytest.mark.parametrize("scope", ["member:ID", "member:TH", "theme:safety-at-sea", "body:TIPWG"])
@pytest.mark.parametrize("role", ["member_official", "researcher", "rso_staff"])
def test_each_scope_shows_only_records_the_reader_may_see(cast, make_user, login, client, scope, role):
    # given a reader of another member, a researcher (public records only) or the RSO
    user = make_user(role, member=cast["TH"] if role == "member_official" else None)
    login(user)

    # when they ask for a scope
    nodes = _nodes(client, f"?scope={scope}")

    # then every person and agency in it is one the policy lets them see
    people = {int(n["data"]["id"][1:]) for n in nodes if n["data"]["kind"] == "person"}
    agencies = {int(n["data"]["id"][1:]) for n in nodes if n["data"]["kind"] == "agency"}
    assert people <= set(focal_point_search(user, DirectoryFilter()).values_list("pk", flat=True))
    assert agencies <= set(agencies_visible_to(user).values_list("pk", flat=True))
    if role != "rso_staff":
        assert not {"Restricted Rahma", "SECRETUNIT"} & _labels(nodes)
    # and the page's table holds the same people as the graph
    html = client.get(f"/directory/network/?scope={scope}").content.decode()
    for node in nodes:
        if node["data"]["kind"] == "person":
            assert node["data"]["label"].split("\n")[0] in html


def test_scopes_draw_around_a_theme_and_a_working_group(cast, make_user, login, client):
    login(make_user("rso_staff"))

    by_theme = _nodes(client, "?scope=theme:safety-at-sea")
    by_group = _nodes(client, "?body=TIPWG")

    # the mandated agency (named with its member: many members have a coast guard "CG") and the
    # person with the thematic role, around the theme
    assert {"ID POLRI", "Somchai Thongdee\nสมชาย ทองดี", "ID", "TH"} <= _labels(by_theme)
    assert [n["data"]["kind"] for n in by_theme if n["data"].get("root")] == ["theme"]
    # the working group's members, and no one who is not on it
    assert {"Agus Wijaya", "Restricted Rahma", "TIPWG"} <= _labels(by_group)
    assert "Somchai Thongdee\nสมชาย ทองดี" not in _labels(by_group)
    assert [n["data"]["label"] for n in by_group if n["data"].get("root")] == ["TIPWG"]


def test_nodes_lead_to_their_pages(cast, make_user, login, client):
    login(make_user("rso_staff"))
    nodes = {n["data"]["label"]: n["data"] for n in _nodes(client, "?scope=member:ID")}

    assert nodes["Agus Wijaya"]["url"].startswith("/directory/people/")
    assert nodes["POLRI"]["url"] == cast["police"].get_absolute_url()
    assert nodes["TIPWG"]["url"] == "/directory/network/?scope=body:TIPWG"
    for data in nodes.values():
        assert client.get(data["url"]).status_code == 200


def test_an_unknown_scope_says_so_rather_than_showing_something_else(cast, make_user, login, client):
    login(make_user("member_official", member=cast["ID"]))

    response = client.get("/directory/network/?scope=member:ZZ")

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no such member, theme or working group." in html
    assert "Agus Wijaya" not in html
    assert _nodes(client, "?scope=nonsense") == []


def test_an_organisation_named_with_its_acronym_is_not_given_it_twice(reference, make_user, login, client):
    login(make_user("rso_staff"))

    html = client.get("/directory/network/?scope=member:UN-ACT").content.decode()

    heading = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert heading == "Network: UN Action for Cooperation against Trafficking in Persons (UN-ACT)"
    assert "(UN-ACT) (UN-ACT)" not in html

"""An action a person may not take is never offered: every link on a directory page opens for its reader."""

import re
from html import unescape

import pytest

from bphub.core.models import Classification
from bphub.directory.models import RoleKind
from bphub.directory.selectors import DirectoryFilter
from bphub.directory.services.lists import engagement_list_create
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member

pytestmark = pytest.mark.django_db

LIST_AUTHORS = {"rso_staff", "member_coordinator"}
READERS = ["rso_staff", "member_coordinator", "member_official", "wg_co_chair", "researcher", "alumnus"]
SAVE_LIST = "Save as engagement list"


@pytest.fixture
def directory(reference, make_user):
    indonesia = Member.objects.get(code="ID")
    agency = make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI",
                         classification=Classification.PUBLIC)
    person = make_focal_point(indonesia, full_name="Siti Rahma", agency=agency, classification=Classification.PUBLIC,
                              roles=[{"kind": RoleKind.NATIONAL, "body": None, "theme": None}])
    owner = make_user("member_coordinator", member=indonesia)
    engagement_list = engagement_list_create(user=owner, name="ID national focal points",
                                             criteria=DirectoryFilter(member="ID"))
    return {"member": indonesia, "agency": agency, "person": person, "owner": owner, "list": engagement_list}


def _reader(role, directory, make_user):
    if role == "member_coordinator":
        return directory["owner"]  # the coordinator who owns the list: every management link is theirs
    member = directory["member"] if role in {"member_official", "wg_co_chair"} else None
    return make_user(role, member=member)


def _links_in_main(html: str) -> list[str]:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return sorted({unescape(href) for href in re.findall(r'href="(/[^"#]*)', main)})


@pytest.mark.parametrize("role", READERS)
def test_save_as_engagement_list_is_offered_only_to_who_may_make_one(directory, make_user, login, role):
    # given a reader of the directory
    client = login(_reader(role, directory, make_user))

    # when they search it and open a person
    search = client.get("/directory/", {"member": "ID"}).content.decode()
    person = client.get(directory["person"].get_absolute_url()).content.decode()

    # then "Save as engagement list" is there for the RSO and coordinators only, and it opens the form
    offered = SAVE_LIST in search
    assert offered is (role in LIST_AUTHORS)
    assert ("Add to an engagement list" in person) is (role in LIST_AUTHORS)
    if offered:
        href = unescape(re.search(r'href="(/directory/lists/new/[^"]*)"', search).group(1))
        assert client.get(href).status_code == 200
    else:
        assert "/directory/lists/new/" not in search + person


def test_the_htmx_results_follow_the_same_rule(directory, make_user, login):
    official = login(make_user("member_official", member=directory["member"]))
    fragment = official.get("/directory/", {"member": "ID"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Siti Rahma" in fragment and SAVE_LIST not in fragment


@pytest.mark.parametrize("role", READERS)
def test_every_link_on_the_directory_pages_opens_for_its_reader(directory, make_user, login, role):
    # given a reader, and the directory pages they can open
    client = login(_reader(role, directory, make_user))
    pages = [
        "/directory/?member=ID",
        directory["person"].get_absolute_url(),
        "/directory/agencies/?member=ID",
        directory["agency"].get_absolute_url(),
        "/directory/lists/",
        "/directory/network/?scope=member:ID",
        "/members/ID/",
    ]
    if role in LIST_AUTHORS:
        pages.append(f"/directory/lists/{directory['list'].pk}/")

    # when they follow every link of each page's main content
    broken = []
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for href in _links_in_main(response.content.decode()):
            target = client.get(href, follow=True)
            if target.status_code != 200:
                broken.append(f"{page} -> {href}: {target.status_code}")

    # then none of them answers 404 (an action offered that the reader may not take) or another error
    assert broken == []

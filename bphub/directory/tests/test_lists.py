"""Engagement lists: saved filters that stay current, without delinquent records."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from bphub.core.models import AuditEvent, Classification
from bphub.directory.models import EngagementList, FocalPoint, RoleKind
from bphub.directory.selectors import DirectoryFilter, focal_point_search
from bphub.directory.services.lists import (
    criteria_in_words,
    engagement_list_audience,
    engagement_list_create,
)
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Member, Theme

pytestmark = pytest.mark.django_db

NATIONAL = {"kind": RoleKind.NATIONAL, "body": None, "theme": None}


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def coordinator(indonesia, make_user):
    return make_user("member_coordinator", member=indonesia)


def _names(queryset):
    return [p.full_name for p in queryset]


def test_a_coordinators_list_belongs_to_their_member_and_is_restricted_by_default(coordinator, indonesia):
    flt = DirectoryFilter(member="ID", role=RoleKind.NATIONAL)
    engagement_list = engagement_list_create(user=coordinator, name="ID national focal points", criteria=flt)

    assert engagement_list.originator == indonesia
    assert engagement_list.classification == Classification.RESTRICTED
    assert engagement_list.criteria == {"member": "ID", "role": "national"}
    assert engagement_list.owner == coordinator
    assert AuditEvent.objects.filter(verb="directory.list_created", target_id=str(engagement_list.pk)).exists()


def test_an_rso_list_has_no_originator_and_is_for_the_secretariat_by_default(reference, make_user):
    engagement_list = engagement_list_create(user=make_user("rso_staff"), name="All", criteria=DirectoryFilter())
    assert engagement_list.originator is None
    assert engagement_list.classification == Classification.SECRETARIAT


def test_officials_and_researchers_may_not_create_lists(indonesia, make_user, login, client):
    for user in (make_user("member_official", member=indonesia), make_user("researcher")):
        with pytest.raises(PermissionDenied):
            engagement_list_create(user=user, name="x", criteria=DirectoryFilter())
        login(user)
        assert client.get("/directory/lists/new/").status_code == 404


def test_a_list_stays_current_when_a_person_is_added(coordinator, indonesia):
    make_focal_point(indonesia, full_name="Ani Lestari", roles=[NATIONAL])
    engagement_list = engagement_list_create(
        user=coordinator, name="National", criteria=DirectoryFilter(member="ID", role="national")
    )
    assert _names(engagement_list_audience(engagement_list=engagement_list, user=coordinator)) == ["Ani Lestari"]

    make_focal_point(indonesia, full_name="Budi Santoso", roles=[NATIONAL])
    make_focal_point(indonesia, full_name="Not National")

    assert _names(engagement_list_audience(engagement_list=engagement_list, user=coordinator)) == [
        "Ani Lestari",
        "Budi Santoso",
    ]


def test_delinquent_people_drop_out_of_lists_but_stay_in_the_directory(coordinator, indonesia, login, client):
    person = make_focal_point(indonesia, full_name="Late Larasati", roles=[NATIONAL])
    make_focal_point(indonesia, full_name="Fresh Fajar", roles=[NATIONAL])
    FocalPoint.objects.filter(pk=person.pk).update(review_due_on=timezone.localdate() - timedelta(days=61))
    engagement_list = engagement_list_create(user=coordinator, name="N", criteria=DirectoryFilter(member="ID"))

    assert _names(engagement_list_audience(engagement_list=engagement_list, user=coordinator)) == ["Fresh Fajar"]
    login(coordinator)
    page = client.get(f"/directory/lists/{engagement_list.pk}/").content.decode()
    assert "Fresh Fajar" in page and "Late Larasati" not in page
    assert "1 delinquent record matches but is left out" in page
    assert "Late Larasati" in _names(focal_point_search(coordinator, DirectoryFilter(member="ID")))


def test_the_audience_is_what_the_reader_may_see(coordinator, indonesia, make_user):
    thailand = Member.objects.get(code="TH")
    make_focal_point(thailand, full_name="Restricted Thai", classification=Classification.RESTRICTED)
    make_focal_point(thailand, full_name="Members Thai")
    rso = make_user("rso_staff")
    engagement_list = engagement_list_create(
        user=rso, name="Thailand", criteria=DirectoryFilter(member="TH"), classification=Classification.MEMBERS
    )

    assert _names(engagement_list_audience(engagement_list=engagement_list, user=coordinator)) == ["Members Thai"]
    assert len(engagement_list_audience(engagement_list=engagement_list, user=rso)) == 2
    secret = engagement_list_create(user=rso, name="Secret", criteria=DirectoryFilter())
    with pytest.raises(PermissionDenied):
        engagement_list_audience(engagement_list=secret, user=coordinator)


def test_the_criteria_read_in_words(reference):
    theme = Theme.objects.get(code="fraudulent-documents")
    region = Member.objects.get(code="ID").sub_region
    flt = DirectoryFilter(sub_region=str(region.pk), theme=theme.code, agency_kind="immigration", engageable=True)
    words = criteria_in_words(flt)
    assert words[0] == f"Sub-region: {region.name}"
    assert words[1].startswith("Works on: ") and "mandated" in words[1]
    assert words[2] == "Agency kind: Immigration / border"
    assert words[-1] == "Delinquent records are left out."


def test_create_through_the_page_with_filter_parameters(coordinator, indonesia, login, client):
    agency = make_agency(indonesia, acronym="IMI", kind="immigration")
    make_focal_point(indonesia, full_name="Imigrasi Iwan", agency=agency)
    login(coordinator)

    form = client.get("/directory/lists/new/?member=ID&agency_kind=immigration")
    assert form.status_code == 200 and 'value="ID" selected' in form.content.decode()
    response = client.post(
        "/directory/lists/new/",
        {
            "name": "Immigration people",
            "description": "",
            "classification": "",
            "member": "ID",
            "agency_kind": "immigration",
        },
    )
    assert response.status_code == 200  # classification is required by the form
    response = client.post(
        "/directory/lists/new/",
        {"name": "Immigration people", "classification": "restricted", "member": "ID", "agency_kind": "immigration"},
    )
    engagement_list = EngagementList.objects.get(name="Immigration people")
    assert response.status_code == 302 and response["Location"] == f"/directory/lists/{engagement_list.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "Imigrasi Iwan" in detail and "Agency kind: Immigration / border" in detail


def test_owners_and_managers_edit_and_delete_others_get_404(coordinator, indonesia, make_user, login, client):
    engagement_list = engagement_list_create(
        user=coordinator, name="Mine", criteria=DirectoryFilter(member="ID"), classification=Classification.MEMBERS
    )
    login(make_user("member_official", member=indonesia))
    assert client.get(f"/directory/lists/{engagement_list.pk}/").status_code == 200
    assert client.get(f"/directory/lists/{engagement_list.pk}/edit/").status_code == 404
    assert client.post(f"/directory/lists/{engagement_list.pk}/delete/").status_code == 404
    login(make_user("member_coordinator", member=Member.objects.get(code="TH")))
    assert client.get(f"/directory/lists/{engagement_list.pk}/edit/").status_code == 404

    login(make_user("member_coordinator", member=indonesia))  # another coordinator of the same member
    response = client.post(
        f"/directory/lists/{engagement_list.pk}/edit/",
        {"name": "Renamed", "classification": "members", "member": "ID", "role": "national"},
    )
    assert response.status_code == 302
    engagement_list.refresh_from_db()
    assert engagement_list.name == "Renamed" and engagement_list.criteria == {"member": "ID", "role": "national"}

    login(coordinator)
    assert client.post(f"/directory/lists/{engagement_list.pk}/delete/").status_code == 302
    assert not EngagementList.objects.filter(pk=engagement_list.pk).exists()


def test_the_index_shows_the_lists_the_reader_may_see(coordinator, make_user, login, client):
    engagement_list_create(user=coordinator, name="Restricted ID list", criteria=DirectoryFilter())
    engagement_list_create(user=make_user("rso_staff"), name="Secretariat list", criteria=DirectoryFilter())
    login(make_user("member_official", member=Member.objects.get(code="TH")))
    html = client.get("/directory/lists/").content.decode()
    assert "Restricted ID list" not in html and "Secretariat list" not in html
    login(coordinator)
    html = client.get("/directory/lists/").content.decode()
    assert "Restricted ID list" in html and "Secretariat list" not in html

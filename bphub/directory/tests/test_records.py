"""History, restore and merge of directory records."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from bphub.core.models import AuditEvent
from bphub.directory.models import Agency, Email, FocalPoint, FocalPointRole, Freshness, Revision, RoleKind
from bphub.directory.services.merges import agency_merge, focal_point_merge
from bphub.directory.services.records import (
    focal_point_restore,
    focal_point_save,
    revision_list,
)
from bphub.directory.testing import make_agency, make_focal_point
from bphub.members.models import Body, Member, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


def test_every_change_is_a_revision_with_what_changed(indonesia, make_user):
    coordinator = make_user("member_coordinator", member=indonesia)
    person = make_focal_point(indonesia, full_name="Siti Rahma", title="Director", actor=coordinator)
    focal_point_save(focal_point=person, data={"title": "Director-General"}, actor=coordinator)

    revisions = revision_list(person)
    assert [r.number for r in revisions] == [2, 1]
    assert revisions[0].changes == {"title": ["Director", "Director-General"]}
    assert revisions[0].actor == coordinator
    assert revisions[1].source == Revision.Source.CREATED
    assert AuditEvent.objects.filter(verb="focal_point.changed", target_id=str(person.pk)).count() == 1


def test_saving_without_a_change_writes_no_revision(indonesia):
    person = make_focal_point(indonesia, title="Director")
    focal_point_save(focal_point=person, data={"title": "Director"})
    assert len(revision_list(person)) == 1


def test_restore_brings_back_an_earlier_version_as_a_new_revision(indonesia, make_user):
    rso = make_user("rso_staff", member=None)
    person = make_focal_point(indonesia, full_name="Budi Santoso", emails=["budi@imigrasi.go.id"], title="Head")
    focal_point_save(focal_point=person, data={"title": "Deputy", "emails": ["b.santoso@gmail.com"]}, actor=rso)
    first = revision_list(person)[-1]

    focal_point_restore(focal_point=person, revision=first, actor=rso)

    person.refresh_from_db()
    assert person.title == "Head"
    assert [e.address for e in person.emails.all()] == ["budi@imigrasi.go.id"]
    latest = revision_list(person)[0]
    assert latest.source == Revision.Source.RESTORE and latest.number == 3


def test_a_role_removed_is_ended_not_deleted(indonesia):
    som = {"kind": RoleKind.SOM_DELEGATE, "body": None, "theme": None}
    person = make_focal_point(indonesia, roles=[som])
    role = person.roles.get()
    role.valid_from = date(2024, 1, 1)
    role.save()
    focal_point_save(focal_point=person, data={"roles": []})
    role.refresh_from_db()
    assert role.valid_to is not None and not role.is_current


def test_merge_keeps_every_dated_role_email_and_relation_of_both(indonesia, make_user):
    rso = make_user("rso_admin", member=None)
    tip = Body.objects.get(code="TIPWG")
    sea = Theme.objects.get(code="safety-at-sea")
    agency = make_agency(indonesia, acronym="POLRI")
    a = make_focal_point(
        indonesia,
        full_name="Agus Wijaya",
        emails=["agus@polri.go.id"],
        roles=[{"kind": RoleKind.WORKING_GROUP, "body": tip, "theme": None}],
    )
    b = make_focal_point(
        indonesia,
        full_name="Wijaya Agus",
        emails=["agus.w@gmail.com"],
        agency=agency,
        title="Commissioner",
        roles=[{"kind": RoleKind.THEMATIC, "body": None, "theme": sea}],
    )
    old = FocalPointRole.objects.create(
        focal_point=b, kind=RoleKind.NATIONAL, valid_from=date(2019, 1, 1), valid_to=date(2021, 6, 30)
    )
    account = make_user("member_official", member=indonesia)
    b.user = account
    b.save()

    survivor = focal_point_merge(survivor=a, duplicate=b, actor=rso)

    assert {e.address for e in survivor.emails.all()} == {"agus@polri.go.id", "agus.w@gmail.com"}
    kinds = {(r.kind, r.valid_to) for r in survivor.roles.all()}
    assert (RoleKind.WORKING_GROUP, None) in kinds and (RoleKind.THEMATIC, None) in kinds
    assert FocalPointRole.objects.get(pk=old.pk).focal_point == survivor
    assert survivor.title == "Commissioner" and survivor.agency == agency
    survivor.refresh_from_db()
    assert survivor.user == account
    b = FocalPoint.all_objects.get(pk=b.pk)
    assert b.merged_into == survivor and not FocalPoint.objects.filter(pk=b.pk).exists()
    assert revision_list(b)[0].source == Revision.Source.MERGE


def test_merge_refuses_people_of_different_members(indonesia):
    thailand = Member.objects.get(code="TH")
    with pytest.raises(ValidationError):
        focal_point_merge(survivor=make_focal_point(indonesia), duplicate=make_focal_point(thailand), actor=None)


def test_agency_merge_moves_people_and_accounts(indonesia, make_user):
    rso = make_user("rso_admin", member=None)
    first = make_agency(indonesia, acronym="DGI", email_domains="imigrasi.go.id")
    second = make_agency(indonesia, acronym="IMI", email_domains="kemenkumham.go.id")
    person = make_focal_point(indonesia, agency=second)
    official = make_user("member_official", member=indonesia, agency=second)

    agency_merge(survivor=first, duplicate=second, actor=rso)

    person.refresh_from_db()
    official.refresh_from_db()
    assert person.agency == first and official.agency == first
    assert first.trusted_domains == {"imigrasi.go.id", "kemenkumham.go.id"}
    assert not Agency.objects.filter(pk=second.pk).exists()


def test_a_new_record_is_up_to_date_and_never_confirmed(indonesia):
    person = make_focal_point(indonesia)
    assert person.freshness == Freshness.UP_TO_DATE and person.is_never_confirmed
    assert Email.objects.filter(focal_point=person).count() == 1


def test_opening_an_invitation_is_a_sign_of_life_not_a_confirmation(indonesia, make_user, client):
    from bphub.accounts.services import invitation_create

    rso = make_user("rso_admin", member=None)
    person = make_focal_point(indonesia, emails=["ayu@imigrasi.go.id"])
    _invitation, token = invitation_create(
        actor=rso, email="Ayu@imigrasi.go.id", full_name="Ayu", role="member_official", member=indonesia
    )
    response = client.get(f"/invitations/accept/{token}/")
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.last_sign_of_life_at is not None
    assert person.last_confirmed_at is None and person.freshness == Freshness.UP_TO_DATE


def test_an_accepted_invitation_links_the_account_to_the_person(indonesia, make_user):
    from bphub.accounts.services import invitation_accept, invitation_create

    rso = make_user("rso_admin", member=None)
    person = make_focal_point(indonesia, emails=["ayu@imigrasi.go.id"])
    _invitation, token = invitation_create(
        actor=rso, email="ayu@imigrasi.go.id", full_name="Ayu", role="member_official", member=indonesia
    )
    user = invitation_accept(token=token, password="a long enough passphrase 2026")
    person.refresh_from_db()
    assert person.user == user


def test_a_short_term_in_another_script_is_searched_by_its_transliteration():
    from bphub.directory.text import query_term_forms, query_terms, search_text_for

    stored = search_text_for("Wang Xiaoming", "王小明")
    for query in ("小明", "王", "xiaoming"):
        assert all(term in stored for term in query_terms(query)), query
    assert query_terms("小明") == ["xiaoming"]
    # long enough for the index as it is, and also looked for in its Royal Thai romanisation
    assert query_term_forms("สมชาย") == [("สมชาย", "somchai")]

"""Roles and membership: who may change whose, always audited with before and after."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bphub.accounts import services
from bphub.accounts.models import Role
from bphub.accounts.tests.steps import messages_of, page_text
from bphub.core.models import AuditEvent
from bphub.members.models import Body


@pytest.fixture
def working_group(db, indonesia):
    """A working group that Indonesia co-chairs (so Indonesians may be named its co-chairs)."""
    from datetime import date

    from bphub.members.models import BodyMembership

    body = Body.objects.create(code="WG-TEST", name={"en": "Test working group"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=indonesia, body=body, role=BodyMembership.Role.CO_CHAIR,
                                  valid_from=date(2020, 1, 1))
    return body


def change_role(client, person, **data):
    return client.post(reverse("accounts:person_role", args=[person.pk]), data)


def test_rso_admin_changes_a_role_and_the_audit_keeps_before_and_after(client, make_user, login, australia,
                                                                        indonesia, working_group):
    # given an official of Australia, and an RSO admin
    person = make_user(Role.MEMBER_OFFICIAL, australia)
    admin = make_user(Role.RSO_ADMIN)
    login(admin)

    # when the admin makes them a working-group co-chair for Indonesia
    response = change_role(client, person, role=Role.WG_CO_CHAIR, member=indonesia.pk,
                           chaired_bodies=[working_group.pk])

    # then the change is made, confirmed, and audited with the state before and after
    assert response.status_code == 302
    assert "Role changed." in messages_of(client.get(response.url))
    person.refresh_from_db()
    assert (person.role, person.member) == (Role.WG_CO_CHAIR, indonesia)
    assert list(person.chaired_bodies.all()) == [working_group]
    event = AuditEvent.objects.get(verb="user.role_changed")
    assert event.actor_id == admin.pk and event.target_id == str(person.pk)
    assert event.data["before"] == {"role": "member_official", "member": "AU", "chaired_bodies": []}
    assert event.data["after"] == {"role": "wg_co_chair", "member": "ID", "chaired_bodies": ["WG-TEST"]}


def test_coordinator_changes_roles_within_their_member(client, make_user, login, australia):
    person = make_user(Role.MEMBER_OFFICIAL, australia)
    coordinator = make_user(Role.MEMBER_COORDINATOR, australia)
    login(coordinator)

    response = change_role(client, person, role=Role.MEMBER_COORDINATOR, member=australia.pk)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.role == Role.MEMBER_COORDINATOR
    assert AuditEvent.objects.filter(verb="user.role_changed", actor=coordinator).exists()


def test_coordinator_cannot_change_people_of_another_member(client, make_user, login, australia, indonesia):
    # given an official of Indonesia, and a coordinator of Australia
    person = make_user(Role.MEMBER_OFFICIAL, indonesia)
    coordinator = make_user(Role.MEMBER_COORDINATOR, australia)
    login(coordinator)

    # when the coordinator tries to change them (or to see them)
    response = change_role(client, person, role=Role.MEMBER_COORDINATOR, member=australia.pk)

    # then the person does not exist for them, and nothing changes
    assert response.status_code == 404
    assert client.get(reverse("accounts:person_detail", args=[person.pk])).status_code == 404
    person.refresh_from_db()
    assert (person.role, person.member) == (Role.MEMBER_OFFICIAL, indonesia)
    assert not AuditEvent.objects.filter(verb="user.role_changed").exists()
    # and the service refuses it too
    with pytest.raises(ValidationError):
        services.user_change_role(actor=coordinator, user=person, role=Role.MEMBER_COORDINATOR, member=indonesia)


def test_coordinator_cannot_move_someone_to_another_member(client, make_user, login, australia, indonesia):
    person = make_user(Role.MEMBER_OFFICIAL, australia)
    login(make_user(Role.MEMBER_COORDINATOR, australia))

    response = change_role(client, person, role=Role.MEMBER_OFFICIAL, member=indonesia.pk)

    assert response.status_code == 302
    assert "You can only invite people of your own member." in " ".join(messages_of(client.get(response.url)))
    person.refresh_from_db()
    assert person.member == australia


def test_coordinator_cannot_give_rso_roles(client, make_user, login, australia):
    person = make_user(Role.MEMBER_OFFICIAL, australia)
    login(make_user(Role.MEMBER_COORDINATOR, australia))

    response = change_role(client, person, role=Role.RSO_ADMIN)

    assert response.status_code == 302
    assert "Check the role form" in " ".join(messages_of(client.get(response.url)))
    person.refresh_from_db()
    assert person.role == Role.MEMBER_OFFICIAL


@pytest.mark.parametrize("role", [Role.RSO_ADMIN, Role.RSO_STAFF, Role.MEMBER_COORDINATOR])
def test_nobody_changes_their_own_role(client, make_user, login, australia, role):
    me = make_user(role, australia if role == Role.MEMBER_COORDINATOR else None)
    login(me)

    response = change_role(client, me, role=Role.RSO_ADMIN)

    assert response.status_code == 404
    me.refresh_from_db()
    assert me.role == role
    with pytest.raises(ValidationError):
        services.user_change_role(actor=me, user=me, role=Role.RSO_ADMIN)
    assert not AuditEvent.objects.filter(verb="user.role_changed").exists()


def test_rso_staff_cannot_make_an_admin_nor_touch_one(client, make_user, login):
    person = make_user(Role.RSO_STAFF)
    admin = make_user(Role.RSO_ADMIN)
    login(make_user(Role.RSO_STAFF))

    promote = change_role(client, person, role=Role.RSO_ADMIN)
    assert promote.status_code == 302
    assert "Check the role form" in " ".join(messages_of(client.get(promote.url)))
    demote = change_role(client, admin, role=Role.RSO_STAFF)
    assert demote.status_code == 404
    person.refresh_from_db()
    admin.refresh_from_db()
    assert (person.role, admin.role) == (Role.RSO_STAFF, Role.RSO_ADMIN)


@pytest.mark.parametrize("role", [Role.MEMBER_OFFICIAL, Role.WG_CO_CHAIR, Role.RESEARCHER, Role.ALUMNUS])
def test_people_without_the_capability_see_no_one(client, make_user, login, australia, role):
    person = make_user(Role.MEMBER_OFFICIAL, australia)
    login(make_user(role, australia if role in (Role.MEMBER_OFFICIAL, Role.WG_CO_CHAIR) else None))

    assert client.get(reverse("accounts:people_list")).status_code == 404
    assert client.get(reverse("accounts:person_detail", args=[person.pk])).status_code == 404
    assert change_role(client, person, role=Role.MEMBER_COORDINATOR, member=australia.pk).status_code == 404
    response = client.post(reverse("accounts:person_active", args=[person.pk]), {"active": "0"})
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.role == Role.MEMBER_OFFICIAL and person.is_active


def test_member_role_without_member_is_refused(client, make_user, login, australia):
    person = make_user(Role.RSO_STAFF)
    login(make_user(Role.RSO_ADMIN))

    response = change_role(client, person, role=Role.MEMBER_OFFICIAL)

    assert "Choose the member this person acts for." in " ".join(messages_of(client.get(response.url)))
    person.refresh_from_db()
    assert person.role == Role.RSO_STAFF and person.member is None


@pytest.mark.parametrize("data", [{"role": "emperor"}, {"role": ""}, {"role": "member_official", "member": "999999"},
                                  {"role": "member_official", "member": "not-a-number"}])
def test_bad_role_input_changes_nothing(client, make_user, login, australia, data):
    person = make_user(Role.MEMBER_OFFICIAL, australia)
    login(make_user(Role.RSO_ADMIN))

    response = change_role(client, person, **data)

    assert response.status_code == 302
    assert "Check the role form" in " ".join(messages_of(client.get(response.url)))
    person.refresh_from_db()
    assert (person.role, person.member) == (Role.MEMBER_OFFICIAL, australia)
    assert not AuditEvent.objects.filter(verb="user.role_changed").exists()


def test_coordinator_deactivates_and_reactivates_someone_of_their_member(client, make_user, login, australia):
    person = make_user(Role.MEMBER_OFFICIAL, australia)
    login(make_user(Role.MEMBER_COORDINATOR, australia))

    client.post(reverse("accounts:person_active", args=[person.pk]), {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active
    response = client.post(reverse("accounts:person_active", args=[person.pk]), {"active": "1"})
    person.refresh_from_db()
    assert person.is_active and person.deactivated_at is None
    assert "is active again." in " ".join(messages_of(client.get(response.url)))
    assert AuditEvent.objects.filter(verb="user.reactivated", target_id=str(person.pk)).exists()


def test_person_page_shows_the_role_form_to_managers(client, make_user, login, australia):
    person = make_user(Role.MEMBER_OFFICIAL, australia, full_name="Pat Person")
    login(make_user(Role.RSO_ADMIN))

    page = client.get(reverse("accounts:person_detail", args=[person.pk]))

    assert page.status_code == 200
    assert "Pat Person" in page_text(page)
    assert reverse("accounts:person_role", args=[person.pk]) in page.content.decode()


def test_nobody_is_named_co_chair_of_a_body_their_member_does_not_co_chair(client, make_user, login, australia,
                                                                            working_group):
    # given an Australian official and a working group that only Indonesia co-chairs
    person = make_user(Role.MEMBER_OFFICIAL, australia)
    login(make_user(Role.RSO_ADMIN))
    # when an admin names them co-chair of it
    response = change_role(client, person, role=Role.WG_CO_CHAIR, member=australia.pk,
                           chaired_bodies=[working_group.pk])
    # then it is refused, saying why, and nothing changes
    assert "does not co-chair WG-TEST" in " ".join(messages_of(client.get(response.url)))
    person.refresh_from_db()
    assert person.role == Role.MEMBER_OFFICIAL and not person.chaired_bodies.exists()


def test_a_changed_role_takes_django_admin_access_away(make_user, australia):
    admin = make_user(Role.RSO_ADMIN, is_staff=True, is_superuser=True)
    services.user_change_role(actor=make_user(Role.RSO_ADMIN), user=admin, role=Role.MEMBER_OFFICIAL, member=australia)
    admin.refresh_from_db()
    assert not admin.is_staff and not admin.is_superuser

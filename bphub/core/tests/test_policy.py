"""The action checks of the one policy (visibility itself is proven by the authorization matrix)."""

from datetime import date

import pytest

from bphub.core import policy
from bphub.core.models import Classification
from bphub.knowledge.models import Resource
from bphub.members.models import Body, BodyMembership, Member


@pytest.fixture
def world(db):
    a = Member.objects.create(code="AA", name={"en": "A"}, kind=Member.Kind.STATE)
    b = Member.objects.create(code="BB", name={"en": "B"}, kind=Member.Kind.STATE)
    body = Body.objects.create(code="WGX", name={"en": "WG X"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=a, body=body, valid_from=date(2020, 1, 1))
    return {"a": a, "b": b, "body": body}


def resource(world, classification, originator="a"):
    record = Resource.objects.create(
        title={"en": "r"},
        kind=Resource.Kind.REPORT,
        classification=classification,
        originator=world[originator] if originator else None,
        body=world["body"],
    )
    return record


def test_a_coordinator_changes_own_members_records_only(world, make_user):
    coordinator_a = make_user("member_coordinator", world["a"])
    coordinator_b = make_user("member_coordinator", world["b"])
    record = resource(world, Classification.MEMBERS)
    assert policy.can(coordinator_a, policy.Action.CHANGE, record)
    assert policy.can(coordinator_a, policy.Action.CLASSIFY, record)
    assert not policy.can(coordinator_b, policy.Action.CHANGE, record)
    assert policy.can(coordinator_b, policy.Action.VIEW, record)


def test_an_official_reads_but_never_changes(world, make_user):
    official = make_user("member_official", world["a"])
    record = resource(world, Classification.MEMBERS)
    assert policy.can(official, policy.Action.VIEW, record)
    assert policy.can(official, policy.Action.EXPORT, record)
    assert not policy.can(official, policy.Action.CHANGE, record)


def test_only_an_rso_admin_deletes(world, make_user):
    record = resource(world, Classification.PUBLIC, originator=None)
    assert policy.can(make_user("rso_admin"), policy.Action.DELETE, record)
    assert not policy.can(make_user("rso_staff"), policy.Action.DELETE, record)
    assert policy.can(make_user("rso_staff"), policy.Action.CHANGE, record)


def test_a_co_chair_changes_body_records_of_the_body_they_chair(world, make_user):
    co_chair = make_user("wg_co_chair", world["b"])
    record = resource(world, Classification.BODY)
    assert not policy.can(co_chair, policy.Action.CHANGE, record)  # B has no seat: cannot even see it
    BodyMembership.objects.create(member=world["b"], body=world["body"], valid_from=date(2021, 1, 1))
    co_chair = type(co_chair).objects.get(pk=co_chair.pk)  # a new request: seats are re-read
    co_chair.chaired_bodies.add(world["body"])
    assert policy.can(co_chair, policy.Action.CHANGE, record)


def test_nobody_acts_on_what_they_cannot_see(world, make_user):
    record = resource(world, Classification.SECRETARIAT, originator=None)
    for role in ("member_coordinator", "member_official", "wg_co_chair", "researcher", "alumnus"):
        user = make_user(role, world["a"] if role.startswith(("member", "wg")) else None)
        assert not any(policy.can(user, action, record) for action in policy.Action.ALL), role


def test_a_deactivated_user_sees_only_public(world, make_user):
    user = make_user("rso_admin")
    user.is_active = False
    resource(world, Classification.SECRETARIAT, originator=None)
    public = resource(world, Classification.PUBLIC)
    assert list(policy.visible_to(Resource.objects.all(), user)) == [public]


def test_a_past_seat_gives_no_access_to_body_records(world, make_user):
    BodyMembership.objects.create(
        member=world["b"], body=world["body"], valid_from=date(2010, 1, 1), valid_to=date(2012, 12, 31)
    )
    official_b = make_user("member_official", world["b"])
    record = resource(world, Classification.BODY)
    assert not policy.can_view(official_b, record)
    assert record not in policy.visible_to(Resource.objects.all(), official_b)


def test_an_unknown_action_is_a_programming_error(world, make_user):
    with pytest.raises(ValueError):
        policy.can(make_user("rso_admin"), "publish", resource(world, Classification.PUBLIC))


def test_capabilities_by_role(db, make_user):
    assert policy.may(make_user("rso_admin"), policy.Capability.VIEW_AUDIT_LOG)
    assert not policy.may(make_user("rso_staff"), policy.Capability.VIEW_AUDIT_LOG)
    assert policy.may(make_user("member_coordinator"), policy.Capability.INVITE_USERS)
    assert not policy.may(make_user("member_official"), policy.Capability.INVITE_USERS)
    assert not policy.may(None, policy.Capability.INVITE_USERS)


def test_the_gate_for_an_action_answers_404_to_who_may_only_read(world, make_user):
    from django.http import Http404

    record = resource(world, Classification.MEMBERS)
    official = make_user("member_official", world["a"])
    coordinator = make_user("member_coordinator", world["a"])
    with pytest.raises(Http404):
        policy.get_for_action_or_404(Resource.objects.all(), official, policy.Action.CHANGE, pk=record.pk)
    gate = policy.get_for_action_or_404
    assert gate(Resource.objects.all(), coordinator, policy.Action.CHANGE, pk=record.pk) == record

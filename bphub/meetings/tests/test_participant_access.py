"""Approved participants read their meeting's documents without further steps (the policy's grant)."""

import pytest

from bphub.core import policy
from bphub.core.models import Classification
from bphub.meetings.models import Delegation, Document
from bphub.meetings.testing import make_delegation, make_document, make_meeting, make_person
from bphub.members.models import Body, Member


@pytest.fixture
def members(db):
    return [Member.objects.create(code=c, name={"en": c}, kind=Member.Kind.STATE) for c in ("AA", "BB")]


def _restricted_meeting_document(members, classification=Classification.RESTRICTED):
    meeting = make_meeting(classification=Classification.RESTRICTED, originator=members[0])
    return meeting, make_document(meeting, classification=classification)


@pytest.mark.parametrize("status", [Delegation.Status.SUBMITTED, Delegation.Status.RETURNED])
def test_a_delegate_not_yet_approved_does_not_read_the_documents(members, make_user, status):
    official = make_user("member_official", members[1])
    meeting, document = _restricted_meeting_document(members)
    make_delegation(meeting, members[1], status=status, people=[make_person(members[1], user=official)])

    assert not policy.can_view(official, document)
    assert document not in policy.visible_to(Document.objects.all(), official)


def test_an_approved_participant_reads_the_documents(members, make_user):
    official = make_user("member_official", members[1])
    colleague = make_user("member_official", members[1])
    body = Body.objects.create(code="WGP", name={"en": "WG P"}, kind=Body.Kind.WORKING_GROUP)
    meeting = make_meeting(classification=Classification.MEMBERS, originator=members[0], group=body)
    document = make_document(meeting, classification=Classification.BODY, body=body)
    make_delegation(
        meeting, members[1], status=Delegation.Status.APPROVED, people=[make_person(members[1], user=official)]
    )

    assert policy.can_view(official, document)
    assert list(policy.visible_to(Document.objects.all(), official)) == [document]
    # The grant is the person's, not their member's.
    assert not policy.can_view(colleague, document)
    assert not policy.visible_to(Document.objects.all(), colleague).exists()


def test_secretariat_documents_stay_with_the_rso_even_for_participants(members, make_user):
    official = make_user("member_official", members[1])
    meeting, document = _restricted_meeting_document(members, classification=Classification.SECRETARIAT)
    make_delegation(
        meeting, members[1], status=Delegation.Status.APPROVED, people=[make_person(members[1], user=official)]
    )

    assert not policy.can_view(official, document)
    assert not policy.visible_to(Document.objects.all(), official).exists()


def test_a_deactivated_participant_loses_the_grant(members, make_user):
    official = make_user("member_official", members[1])
    meeting, document = _restricted_meeting_document(members)
    make_delegation(
        meeting, members[1], status=Delegation.Status.APPROVED, people=[make_person(members[1], user=official)]
    )
    official.is_active = False
    official.save()

    assert not policy.can_view(official, document)
    assert not policy.visible_to(Document.objects.all(), official).exists()


def test_the_cached_meeting_page_shows_each_reader_only_their_documents(members, make_user, client, login):
    """The page's fragments are cached per readership; a participant reads no more of a named release."""
    participant = make_user("member_official", members[1])
    colleague = make_user("member_official", members[1])
    meeting = make_meeting(classification=Classification.RESTRICTED, originator=members[0], released_to=[members[1]])
    make_document(meeting, title="Shared with BB", released_to=[members[1]])
    make_document(meeting, title="Only for AA", released_to=[members[0]])
    make_delegation(
        meeting, members[1], status=Delegation.Status.APPROVED, people=[make_person(members[1], user=participant)]
    )

    login(participant)
    first = client.get(f"/meetings/{meeting.pk}/").content.decode()
    login(colleague)
    second = client.get(f"/meetings/{meeting.pk}/").content.decode()

    # a grant never opens a document released to another member only
    assert "Shared with BB" in first and "Only for AA" not in first
    assert "Shared with BB" in second and "Only for AA" not in second

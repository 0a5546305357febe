"""The leaks a probe found (issue 9), one plain test each: a part of a meeting is read only while
its meeting is, and an approved delegate reads no more of a meeting than their member may.

The world (`policy_world.build_world`): member A originates; `mr` is restricted to B and C, `mb`
belongs to body W1 (seats: B, C; W2 seats C and D); each meeting has a document at its own level,
one restricted to B, an outcome and an action item; `del_c` (of C) sits in the approved delegation
to `mr`, `del_d` (of D) in those to `mr` and `mb`.
"""

import pytest

from bphub.core.tests.policy_world import SEARCH_WORD, build_world
from bphub.meetings.services.lifecycle import meeting_update


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.API_RATE_LIMIT_ANONYMOUS = settings.API_RATE_LIMIT_TOKEN = "100000/m"
    return build_world(feeds=False)


def answers(client, path, params=None) -> int:
    status = client.get(path, params or {}).status_code
    assert status in (200, 404), f"{path}: {status}"
    return status


def text(client, path, params=None) -> str:
    response = client.get(path, params or {})
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return response.content.decode()


def document_routes(document) -> list[str]:
    return [
        f"/meetings/documents/{document.pk}/",
        f"/meetings/documents/{document.pk}/download/",
        f"/api/v1/documents/{document.pk}",
        f"/api/v1/documents/{document.pk}/download",
    ]


def narrow_mr_to_b(world):
    meeting_update(meeting=world.meetings["mr"], actor=world.admin, released_to=[world.members["B"]])


def move_mb_to_w2(world):
    w2 = world.bodies["W2"]
    meeting_update(meeting=world.meetings["mb"], actor=world.admin, body=w2, group=w2)


def test_a_member_removed_from_a_meetings_release_no_longer_opens_or_downloads_its_documents(world):
    client, meeting = world.readers["off_c"].client, world.meetings["mr"]
    document = meeting.documents.get(title__en="Document zqmrdoczq")
    assert all(answers(client, path) == 200 for path in document_routes(document))
    narrow_mr_to_b(world)
    assert answers(client, f"/meetings/{meeting.pk}/") == 404
    assert {path: answers(client, path) for path in document_routes(document)} == {
        path: 404 for path in document_routes(document)
    }


def test_a_member_removed_from_a_meetings_release_no_longer_reads_its_action_items(world):
    client, meeting = world.readers["off_c"].client, world.meetings["mr"]
    action = meeting.action_items.get()
    narrow_mr_to_b(world)
    assert answers(client, f"/meetings/{meeting.pk}/") == 404
    assert answers(client, f"/meetings/actions/{action.pk}/") == 404
    assert answers(client, f"/api/v1/action-items/{action.pk}") == 404


def test_a_member_removed_from_a_meetings_release_no_longer_sees_it_in_the_action_list(world):
    client, meeting = world.readers["off_c"].client, world.meetings["mr"]
    assert "zqmractzq" in text(client, "/meetings/actions/")
    narrow_mr_to_b(world)
    for listed in (text(client, "/meetings/actions/"), text(client, "/meetings/actions/", {"meeting": meeting.pk})):
        assert "zqmractzq" not in listed
        assert "zqmrzq" not in listed  # nor the meeting's title beside it


def test_a_member_removed_from_a_meetings_release_no_longer_finds_its_documents_by_their_text(world):
    client = world.readers["off_c"].client
    assert "zqmrdoczq" in text(client, "/meetings/documents/", {"q": SEARCH_WORD})
    narrow_mr_to_b(world)
    found = text(client, "/meetings/documents/", {"q": SEARCH_WORD})
    assert "zqmrdoczq" not in found
    assert "zqmrzq" not in found


def test_the_api_counts_no_action_items_of_a_meeting_that_answers_404(world):
    client, meeting = world.readers["off_c"].client, world.meetings["mr"]
    narrow_mr_to_b(world)
    assert answers(client, f"/api/v1/meetings/{meeting.pk}") == 404
    page = client.get("/api/v1/action-items", {"meeting": meeting.pk}).json()
    assert (page["count"], page["results"]) == (0, [])


def test_a_body_meeting_moved_to_another_body_closes_its_documents_to_the_old_bodys_members(world):
    client, meeting = world.readers["off_b"].client, world.meetings["mb"]
    document = meeting.documents.get(title__en="Document zqmbdoczq")
    move_mb_to_w2(world)
    assert answers(client, f"/meetings/{meeting.pk}/") == 404
    assert {path: answers(client, path) for path in document_routes(document)} == {
        path: 404 for path in document_routes(document)
    }
    assert "zqmbdoczq" not in text(client, "/meetings/documents/", {"q": SEARCH_WORD})


def test_a_body_meeting_moved_to_another_body_closes_its_action_items_to_the_old_bodys_members(world):
    client, meeting = world.readers["off_b"].client, world.meetings["mb"]
    action = meeting.action_items.get()
    move_mb_to_w2(world)
    assert answers(client, f"/meetings/{meeting.pk}/") == 404
    assert answers(client, f"/meetings/actions/{action.pk}/") == 404
    assert answers(client, f"/api/v1/action-items/{action.pk}") == 404
    assert client.get("/api/v1/action-items", {"meeting": meeting.pk}).json()["count"] == 0
    listed = text(client, "/meetings/actions/")
    assert "zqmbactzq" not in listed and "zqmbzq" not in listed


def test_an_approved_delegate_does_not_read_a_document_released_to_another_member_only(world):
    client, meeting = world.readers["del_c"].client, world.meetings["mr"]
    only_for_b = meeting.documents.get(title__en="Document zqmrnarrowzq")
    assert answers(client, f"/meetings/{meeting.pk}/") == 200  # C may read the meeting itself
    assert {path: answers(client, path) for path in document_routes(only_for_b)} == {
        path: 404 for path in document_routes(only_for_b)
    }
    assert "zqmrnarrowzq" not in text(client, "/meetings/documents/", {"q": SEARCH_WORD})
    assert "zqmrnarrowzq" not in text(client, f"/meetings/{meeting.pk}/")


def test_an_approved_delegate_reads_nothing_of_a_meeting_hidden_from_them(world):
    """D holds no seat on W1: the delegate of D meets `mb` (and `mr`, not released to D) as missing."""
    client = world.readers["del_d"].client
    for marker in ("mb", "mr"):
        meeting = world.meetings[marker]
        assert answers(client, f"/meetings/{meeting.pk}/") == 404
        for document in meeting.documents.all():
            assert {path: answers(client, path) for path in document_routes(document)} == {
                path: 404 for path in document_routes(document)
            }
    found = text(client, "/meetings/documents/", {"q": SEARCH_WORD})
    assert "zqmbdoczq" not in found and "zqmbzq" not in found and "zqmrzq" not in found


def widen_mb_to_members(world):
    meeting_update(meeting=world.meetings["mb"], actor=world.admin, classification="members")


def test_an_approved_delegate_reads_the_body_documents_of_a_meeting_they_may_read(world):
    """The participants' grant, kept within its bounds: once `mb` is open to all members, D's
    approved delegate reads its W1 document; D's other officials and the B-only document stay shut."""
    widen_mb_to_members(world)
    meeting = world.meetings["mb"]
    body_document = meeting.documents.get(title__en="Document zqmbdoczq")
    only_for_b = meeting.documents.get(title__en="Document zqmbnarrowzq")
    delegate, colleague = world.readers["del_d"].client, world.readers["off_d"].client
    assert answers(delegate, f"/meetings/{meeting.pk}/") == 200
    assert {answers(delegate, path) for path in document_routes(body_document)} == {200}
    assert {answers(colleague, path) for path in document_routes(body_document)} == {404}
    assert {answers(delegate, path) for path in document_routes(only_for_b)} == {404}


def test_a_delegate_whose_focal_point_is_retired_loses_the_participants_grant(world):
    """A person the directory retired (an inactive focal point, as a merge leaves a duplicate) has no
    part in a meeting any more, even while their account stays active."""
    widen_mb_to_members(world)
    body_document = world.meetings["mb"].documents.get(title__en="Document zqmbdoczq")
    person = world.readers["del_d"].user.focal_point
    person.is_active = False
    person.save(update_fields=["is_active"])
    delegate = world.readers["del_d"].client
    assert {answers(delegate, path) for path in document_routes(body_document)} == {404}

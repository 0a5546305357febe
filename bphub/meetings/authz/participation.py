"""Authorization-matrix registrations: participation (invitations, delegations, participants, documents).

- A document's page and its download are about ONE classified record: a document of a meeting at
  the same level (`make_classified_document`); so a member official of a member that is not named
  on a restricted meeting's document gets 404, as for one that does not exist.
- The document search lists exactly the documents the reader may see (ClassifiedListRoute).
- The participant list is about one meeting: whoever may see the meeting reads it (names are shown
  only where the reader may see the person's directory record).
- Managing a meeting (invite, approve or return a nomination, record attendance, add documents or
  versions) is the RSO's and the meeting's body's co-chairs' (`can_manage_meeting`), not the
  originating member's: RoleRoutes on a members-level meeting built for the route, where the
  matrix's co-chair chairs no body and so gets 404 like everyone else.
- Nominating and the note verbale are the RSO's and the member's own coordinators' (`own_member_only`):
  a coordinator of another member gets 404. The delegations overview lists what the policy shows
  (approved delegations to the meeting's readers, anonymous ones included, as the API does): of an
  invited delegation, only to the RSO and the member's coordinators.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register
from bphub.meetings.testing import (
    MINIMAL_PDF,
    make_classified_document,
    make_classified_meeting,
    make_delegation,
    make_document,
    make_meeting,
    make_person,
)

RSO = frozenset({"rso_admin", "rso_staff"})
NOMINATORS = RSO | {"member_coordinator"}


def _open_meeting(**fields):
    from bphub.meetings.models import Meeting

    return make_meeting(title="Matrix meeting", status=Meeting.Status.REGISTRATION_OPEN, **fields)


def _delegation_path(suffix: str = "", *, status=None, head=False, note_verbale=False):
    def path(ctx) -> str:
        from bphub.meetings.models import Delegation

        meeting = _open_meeting()
        people = [make_person(ctx["member"], name="Matrix Head")] if head else []
        delegation = make_delegation(meeting, ctx["member"], status=status or Delegation.Status.INVITED, people=people)
        if note_verbale:
            delegation.note_verbale.save("nv.pdf", ContentFile(MINIMAL_PDF), save=False)
            delegation.note_verbale_name = "nv.pdf"
            delegation.note_verbale_content_type = "application/pdf"
            delegation.save()
        return f"/meetings/{meeting.pk}/delegations/{ctx['member'].code}/{suffix}"

    return path


def _submitted_decide_path(ctx) -> str:
    from bphub.meetings.models import Delegation

    return _delegation_path("decide/", status=Delegation.Status.SUBMITTED, head=True)(ctx)


def _started_meeting_attendance_path(ctx) -> str:
    meeting = _open_meeting(starts_at=timezone.now() - timedelta(hours=1))
    return f"/meetings/{meeting.pk}/participants/attendance/"


register(
    RoleRoute("meetings:meeting_invite", lambda ctx: f"/meetings/{_open_meeting().pk}/invite/", allowed=RSO),
    RoleRoute(
        "meetings:delegation_list",
        lambda ctx: _delegation_path()(ctx).removesuffix(f"{ctx['member'].code}/"),  # the list, not one delegation
        allowed=NOMINATORS,
        own_member_only=True,
        anonymous_status=404,
    ),
    RoleRoute("meetings:delegation_edit", _delegation_path(), allowed=NOMINATORS, own_member_only=True),
    RoleRoute(
        "meetings:delegation_decide",
        _submitted_decide_path,
        method="POST",
        data={"decision": "approve"},
        allowed=RSO,
        success_status=302,
    ),
    RoleRoute(
        "meetings:note_verbale",
        _delegation_path("note-verbale/", note_verbale=True),
        allowed=NOMINATORS,
        own_member_only=True,
    ),
    ClassifiedRoute(
        "meetings:participants",
        make_classified_meeting,
        lambda meeting: f"/meetings/{meeting.pk}/participants/",
    ),
    RoleRoute(
        "meetings:attendance_record",
        _started_meeting_attendance_path,
        method="POST",
        data={},
        allowed=RSO,
        success_status=302,
    ),
    RoleRoute("meetings:document_upload", lambda ctx: f"/meetings/{_open_meeting().pk}/documents/new/", allowed=RSO),
    RoleRoute(
        "meetings:document_new_version",
        lambda ctx: f"/meetings/documents/{make_document(_open_meeting()).pk}/versions/new/",
        allowed=RSO,
    ),
    ClassifiedRoute(
        "meetings:document_detail",
        make_classified_document,
        lambda document: f"/meetings/documents/{document.pk}/",
    ),
    ClassifiedRoute(
        "meetings:document_download",
        make_classified_document,
        lambda document: f"/meetings/documents/{document.pk}/download/",
    ),
    ClassifiedListRoute(
        "meetings:document_search",
        make_classified_document,
        lambda: "/meetings/documents/?q=",
    ),
)

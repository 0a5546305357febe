"""Authorization-matrix registrations: the meetings API (/api/v1/meetings, /documents, /action-items).

Like the resource routes, the reads answer anonymous callers too (public records only); the policy
decides every record, and a record one may not read answers 404. The sub-lists of a meeting (agenda,
delegations, documents, outcomes) are about that ONE meeting: they answer 404 when it may not be read.

The one write, a progress update on an action item, follows the action owner's rule
(`permissions.can_update_action`), not the matrix's "change" rule (RSO + the originator's
coordinators): the owning member's officials may report progress too, and a coordinator of the
originating member may not when another member owns the action. So it is a RoleRoute on a public
action owned by member A: the RSO and member A's coordinators and officials succeed (201); everyone
else signed in can read the action but not update it (403 `permission_denied`); anonymous 401.
"""

from django.urls import reverse

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register
from bphub.meetings.testing import make_classified_action, make_classified_document, make_classified_meeting

ACTION_OWNERS = frozenset({"rso_admin", "rso_staff", "member_coordinator", "member_official"})


def _meeting_path(name: str):
    return lambda record: reverse(f"api:{name}", kwargs={"meeting_id": record.pk})


def _owned_public_action_path(ctx) -> str:
    from bphub.core.models import Classification
    from bphub.meetings.testing import make_action, make_meeting

    meeting = make_meeting(title="Matrix meeting", classification=Classification.PUBLIC, originator=ctx["member"])
    action = make_action(meeting, title="Matrix action", owner_member=ctx["member"])
    return reverse("api:action_update_create", kwargs={"action_id": action.pk})


register(
    ClassifiedListRoute(
        name="api:meeting_list",
        make_record=make_classified_meeting,
        api=True,
        path=lambda: reverse("api:meeting_list") + "?page_size=200",
    ),
    ClassifiedRoute(
        name="api:meeting_detail", make_record=make_classified_meeting, api=True, path=_meeting_path("meeting_detail")
    ),
    ClassifiedRoute(
        name="api:meeting_agenda", make_record=make_classified_meeting, api=True, path=_meeting_path("meeting_agenda")
    ),
    ClassifiedRoute(
        name="api:meeting_delegations",
        make_record=make_classified_meeting,
        api=True,
        path=_meeting_path("meeting_delegations"),
    ),
    ClassifiedRoute(
        name="api:meeting_documents",
        make_record=make_classified_meeting,
        api=True,
        path=_meeting_path("meeting_documents"),
    ),
    ClassifiedRoute(
        name="api:meeting_outcomes",
        make_record=make_classified_meeting,
        api=True,
        path=_meeting_path("meeting_outcomes"),
    ),
    ClassifiedRoute(
        name="api:document_detail",
        make_record=make_classified_document,
        api=True,
        path=lambda record: reverse("api:document_detail", kwargs={"document_id": record.pk}),
    ),
    ClassifiedRoute(
        name="api:document_download",
        make_record=make_classified_document,
        api=True,
        path=lambda record: reverse("api:document_download", kwargs={"document_id": record.pk}),
    ),
    ClassifiedListRoute(
        name="api:action_list",
        make_record=make_classified_action,
        api=True,
        path=lambda: reverse("api:action_list") + "?page_size=200",
    ),
    ClassifiedRoute(
        name="api:action_detail",
        make_record=make_classified_action,
        api=True,
        path=lambda record: reverse("api:action_detail", kwargs={"action_id": record.pk}),
    ),
    RoleRoute(
        name="api:action_update_create",
        path=_owned_public_action_path,
        method="POST",
        api=True,
        allowed=ACTION_OWNERS,
        own_member_only=True,
        success_status=201,
        denied_status=403,
        anonymous_status=401,
        data={"text": "Matrix progress", "status": "in_progress"},
    ),
)

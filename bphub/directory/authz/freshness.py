"""Authorization-matrix registrations: confirmation links, proposed changes, verification.

- The confirmation link page needs no sign-in: anyone holding a valid link gets it (200).
- The list of proposals is for the people who manage a member's directory (the RSO, coordinators;
  a coordinator of another member sees an empty list); everyone else gets 404.
- A proposal's page and its approve/reject actions are about ONE focal point, so they are
  registered as ClassifiedRoutes with action "change": the RSO and the coordinators of the
  record's member (when they may see it) succeed, everyone else - a coordinator of another member
  included - gets 404. So is the nomination that verifies a person.
"""

import secrets
from datetime import timedelta

from bphub.core.authz import ROLES, ClassifiedRoute, RoleRoute, register
from bphub.directory.authz.records import make_focal_point

MANAGERS = frozenset({"rso_admin", "rso_staff", "member_coordinator"})


def _confirmation_path(ctx) -> str:
    from django.utils import timezone

    from bphub.core.models import Classification
    from bphub.core.tokens import token_digest
    from bphub.directory.models import ConfirmationRequest

    marker = secrets.token_hex(4)
    person = make_focal_point(
        classification=Classification.MEMBERS, originator=ctx["member"], body=None, released_to=[], marker=marker
    )
    token = secrets.token_urlsafe(32)
    ConfirmationRequest.objects.create(
        focal_point=person,
        token_digest=token_digest(token),
        for_review_due_on=person.review_due_on,
        sent_to=f"{marker}@contact.example",
        expires_at=timezone.now() + timedelta(days=14),
    )
    return f"/directory/confirm/{token}/"


def make_proposal(*, classification, originator, body, released_to, marker):
    """A pending change proposal on a focal point of member A at `classification`."""
    from bphub.directory.models import ChangeProposal

    person = make_focal_point(
        classification=classification, originator=originator, body=body, released_to=released_to, marker=marker
    )
    return ChangeProposal.objects.create(focal_point=person, proposed={"title": f"Director {marker}"})


def _proposal_list_path(ctx) -> str:
    from bphub.core.models import Classification

    make_proposal(
        classification=Classification.MEMBERS,
        originator=ctx["member"],
        body=None,
        released_to=[],
        marker=secrets.token_hex(4),
    )
    return "/directory/proposals/"


register(
    RoleRoute("directory:confirm", _confirmation_path, allowed=frozenset(ROLES)),
    RoleRoute("directory:proposal_list", _proposal_list_path, allowed=MANAGERS),
    ClassifiedRoute(
        "directory:proposal_detail",
        make_proposal,
        lambda proposal: f"/directory/proposals/{proposal.pk}/",
        login_required=True,
        action="change",
    ),
    ClassifiedRoute(
        "directory:proposal_approve",
        make_proposal,
        lambda proposal: f"/directory/proposals/{proposal.pk}/approve/",
        method="POST",
        login_required=True,
        success_status=302,
        action="change",
    ),
    ClassifiedRoute(
        "directory:proposal_reject",
        make_proposal,
        lambda proposal: f"/directory/proposals/{proposal.pk}/reject/",
        method="POST",
        data={"note": "Not now"},
        login_required=True,
        success_status=302,
        action="change",
    ),
    ClassifiedRoute(
        "directory:person_verify",
        make_focal_point,
        lambda person: f"/directory/people/{person.pk}/verify/",
        method="POST",
        login_required=True,
        success_status=302,
        action="change",
    ),
)

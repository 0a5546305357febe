"""The audit log, for RSO admins only (404 for everyone else, as if it were not there)."""

from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate

from bphub.api.auth import AUTH_REQUIRED
from bphub.api.pagination import PageNumberPagination
from bphub.api.schemas import AuditEventOut, ErrorOut
from bphub.api.types import Day
from bphub.core import policy
from bphub.core.audit import audit_event_list

router = Router(tags=["audit"], auth=AUTH_REQUIRED)


@router.get("/audit-events", response={200: list[AuditEventOut], 401: ErrorOut, 404: ErrorOut},
            url_name="audit_event_list")
@paginate(PageNumberPagination)
def audit_events(
    request,
    verb: str = Query("", description="Verb or dotted prefix, e.g. \"auth.\" or \"record.read\"."),
    actor: str = Query("", description="Part of the actor's email address."),
    since: Day | None = Query(None, description="Events on or after this day (YYYY-MM-DD)."),
    until: Day | None = Query(None, description="Events on or before this day (YYYY-MM-DD)."),
):
    """The append-only audit log, newest first."""
    if not policy.may(request.auth, policy.Capability.VIEW_AUDIT_LOG):
        raise Http404
    return audit_event_list(verb=verb.strip(), actor_email=actor.strip(), since=since, until=until)

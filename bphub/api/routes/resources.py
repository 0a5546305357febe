"""The exchange library: every read goes through the access policy, as in the web pages."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from bphub.api.auth import AUTH_OPTIONAL, AUTH_REQUIRED, OPTIONAL_SECURITY
from bphub.api.errors import ApiError
from bphub.api.pagination import PageNumberPagination
from bphub.api.schemas import ErrorOut, ResourceIn, ResourceListItemOut, ResourceOut
from bphub.api.types import RecordId
from bphub.core import policy
from bphub.core.audit import audit_sensitive_read
from bphub.knowledge.models import Resource
from bphub.knowledge.selectors import get_resource_for_reader, resource_list_visible_to
from bphub.knowledge.services import resource_create
from bphub.members.models import Body, Member, Theme

router = Router(tags=["resources"])


@router.get("/resources", response=list[ResourceListItemOut], auth=AUTH_OPTIONAL, url_name="resource_list",
            openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def resources(
    request,
    kind: Resource.Kind | None = None,
    theme: str = Query("", description="Theme code."),
    q: str = Query("", description="Words in the title."),
):
    """The resources you may read (anonymous callers: public ones only).

    Each item is a short form without `summary` or `url`: fetch `GET /resources/{resource_id}` for the
    whole record (reads of restricted and secretariat records are written to the audit log).
    """
    resources = resource_list_visible_to(user=request.auth, kind=kind or "", theme=theme, q=q.strip())
    return resources.select_related("originator", "body").prefetch_related("themes")


@router.get("/resources/{resource_id}", response={200: ResourceOut, 404: ErrorOut}, auth=AUTH_OPTIONAL,
            url_name="resource_detail", openapi_extra=OPTIONAL_SECURITY)
def resource(request, resource_id: RecordId):
    """One resource; 404 when it does not exist or you may not read it. Reads of restricted and
    secretariat records are written to the audit log."""
    record = get_resource_for_reader(user=request.auth, resource_id=resource_id)
    audit_sensitive_read(user=request.auth, record=record, request=request, via="api")
    return record


def _resolve_codes(model, codes: list[str], field: str) -> list:
    found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        reason = _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(missing)}
        raise ApiError(422, "validation_error", _("The request is not valid."),
                       [{"location": "body", "field": field, "reason": reason, "type": "unknown_code"}])
    return [found[code] for code in codes]


@router.post("/resources", response={201: ResourceOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
             auth=AUTH_REQUIRED, url_name="resource_create")
def create_resource(request, payload: ResourceIn):
    """Add a resource, originated by your member (or the RSO).

    Roles that cannot add records (member officials, researchers, alumni) get 403 `permission_denied`.
    """
    user = request.auth
    if not policy.may(user, policy.Capability.CREATE_RECORDS):
        raise ApiError(403, "permission_denied", _("You cannot add resources."))
    data = payload.model_dump()
    data["body"] = _resolve_codes(Body, [data["body"]], "body")[0] if data.get("body") else None
    data["released_to"] = _resolve_codes(Member, data["released_to"], "released_to")
    data["themes"] = _resolve_codes(Theme, data["themes"], "themes")
    record = resource_create(actor=user, data=data, request=request)
    return Status(201, record)

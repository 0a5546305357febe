"""The caller's own account and personal access tokens."""

from ninja import Router, Status
from ninja.pagination import paginate

from bphub.api.auth import AUTH_REQUIRED
from bphub.api.pagination import PageNumberPagination
from bphub.api.schemas import ErrorOut, MeOut, TokenCreatedOut, TokenIn, TokenOut
from bphub.api.selectors import get_token_for_owner, token_list_for
from bphub.api.services import token_create, token_revoke
from bphub.api.types import RecordId

router = Router(tags=["account"], auth=AUTH_REQUIRED)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, url_name="me")
def me(request):
    """Who you are calling as."""
    return request.auth


@router.get("/tokens", response={200: list[TokenOut], 401: ErrorOut}, url_name="token_list")
@paginate(PageNumberPagination)
def tokens(request):
    """Your personal access tokens (never the secrets)."""
    return token_list_for(user=request.auth)


@router.post("/tokens", response={201: TokenCreatedOut, 401: ErrorOut, 422: ErrorOut}, url_name="token_create")
def create_token(request, payload: TokenIn):
    """Create a token for yourself. The `token` field is shown this once only.

    A token created while authenticated with a token expires no later than that token.
    """
    calling_token = getattr(request, "api_token", None)
    token, raw_token = token_create(user=request.auth, name=payload.name, days=payload.days, request=request,
                                    not_after=calling_token.expires_at if calling_token else None)
    token.token = raw_token
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None, 401: ErrorOut, 404: ErrorOut}, url_name="token_revoke")
def revoke_token(request, token_id: RecordId):
    """Revoke one of your tokens at once. Someone else's token answers 404."""
    token_revoke(token=get_token_for_owner(user=request.auth, token_id=token_id), actor=request.auth, request=request)
    return Status(204, None)

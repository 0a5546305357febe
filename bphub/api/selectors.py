from django.http import Http404

from bphub.api.models import ApiToken


def token_list_for(*, user):
    """The user's own tokens, newest first (revoked and expired ones included, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def get_token_for_owner(*, user, token_id: int) -> ApiToken:
    """The token if it belongs to `user`; Http404 otherwise, as for a token that does not exist."""
    try:
        return ApiToken.objects.select_related("user").get(pk=token_id, user=user)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404 from None

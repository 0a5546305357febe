"""Personal access tokens: created, revoked and checked only here."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.api.models import ApiToken
from bphub.core.audit import audit_record
from bphub.core.tokens import token_digest

TOKEN_SCHEME = "bph"


@transaction.atomic
def token_create(*, user, name: str, days: int | None = None, not_after=None, actor=None,
                 request=None) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns (token, raw token). The raw token is never stored: show it once.

    `not_after` caps the expiry (a token made with another token never outlives it).

    Raises ValidationError when the user is deactivated, the name is empty or `days` is outside
    1..settings.API_TOKEN_MAX_DAYS.
    """
    name = (name or "").strip()
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not user.is_active:
        raise ValidationError(_("A deactivated account cannot have API tokens."))
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": _("A token lasts between 1 and %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}}
        )
    now = timezone.now()
    prefix = secrets.token_hex(4)
    raw_token = f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user, name=name, prefix=prefix, token_hash=token_digest(raw_token),
        created_at=now, expires_at=min(now + timedelta(days=days), not_after or now + timedelta(days=days)),
    )
    token.full_clean()
    token.save()
    audit_record(verb="api_token.created", actor=actor or user, target=token, request=request,
                 token_owner=user.email, expires_at=token.expires_at.isoformat())
    return token, raw_token


@transaction.atomic
def token_revoke(*, token: ApiToken, actor=None, request=None) -> ApiToken:
    """Revoke `token` at once and for good; revoking a revoked token changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(verb="api_token.revoked", actor=actor, target=token, request=request,
                     token_owner=token.user.email)
    return token


def token_authenticate(raw_token: str) -> ApiToken | None:
    """The usable token (with its user) for a raw token, or None when it is unknown, expired, revoked
    or its owner is deactivated. Notes the use at most once a minute."""
    parts = (raw_token or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME:
        return None
    try:
        token = ApiToken.objects.select_related("user").get(token_hash=token_digest(raw_token.strip()))
    except ApiToken.DoesNotExist:
        return None
    if not secrets.compare_digest(token.prefix, parts[1]) or not token.is_usable:
        return None
    token.note_used()  # at most once a minute, and never at the cost of the request
    return token

"""Personal calendar feed addresses: created, used, revoked.

A personal feed's address carries a secret token. Only its digest is stored
(`bphub.core.tokens.token_digest`), so the token is shown once, when it is made. A person has at
most one working address: making a new one revokes the old. A revoked or unknown token, or one
whose owner's account is deactivated, finds nothing (the feed answers 404).
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bphub.core.audit import audit_record
from bphub.core.db import optional_write
from bphub.core.tokens import token_digest
from bphub.meetings.models import CalendarFeedToken

LAST_USED_RESOLUTION = timedelta(hours=1)  # a feed fetched every few minutes writes once an hour


@transaction.atomic
def calendar_feed_token_create(*, actor, request=None) -> tuple[CalendarFeedToken, str]:
    """A new personal feed token for `actor`, revoking any earlier one.

    Returns the record and the raw token: the only time the raw token exists outside the
    person's calendar application.
    """
    now = timezone.now()
    revoked = CalendarFeedToken.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=now)
    raw = secrets.token_urlsafe(32)
    record = CalendarFeedToken.objects.create(user=actor, token_hash=token_digest(raw), created_at=now)
    audit_record(verb="calendar.feed_token_created", actor=actor, target=record, request=request, replaced=revoked)
    return record, raw


@transaction.atomic
def calendar_feed_token_revoke(*, actor, request=None) -> int:
    """Stop `actor`'s personal feed address(es); returns how many were working. Idempotent."""
    revoked = CalendarFeedToken.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        audit_record(verb="calendar.feed_token_revoked", actor=actor, request=request, revoked=revoked)
    return revoked


def calendar_feed_tokens_revoke_on_deactivation(*, user, actor=None, **_signal) -> int:
    """Stop every personal feed address of a deactivated `user` for good (receiver of
    `accounts.signals.user_deactivated`): a reactivated person makes a new address, the old one
    never works again. Returns how many were working."""
    revoked = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        audit_record(
            verb="calendar.feed_token_revoked", actor=actor, target=user, revoked=revoked, reason="deactivated"
        )
    return revoked


def calendar_feed_token_resolve(raw: str) -> CalendarFeedToken | None:
    """The working token for `raw`, with its active owner; None for a revoked or unknown token or
    a deactivated owner. Marks it used (at most once an hour)."""
    if not raw or len(raw) > 200:
        return None
    token = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        row = CalendarFeedToken.objects.filter(pk=token.pk)
        if optional_write("calendar feed last use", lambda: row.update(last_used_at=now)):
            token.last_used_at = now
    return token


def calendar_feed_token_of(user) -> CalendarFeedToken | None:
    """The user's working feed token, if any (its raw value is not known any more)."""
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()

"""Writing to and reading the append-only audit log."""

from datetime import date, datetime, time, timedelta

from django.db import models
from django.utils import timezone

from bphub.core.models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    from allauth.core.internal.httpkit import get_client_ip

    # The same reading as the login throttle: X-Forwarded-For only from trusted proxies.
    return get_client_ip(request)


def audit_record(*, verb: str, actor=None, target: models.Model | None = None, request=None, **data) -> AuditEvent:
    """Append one event. `verb` is dotted (`auth.login_failed`, `resource.read`); `data` is JSON."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=getattr(actor, "email", "") or data.pop("actor_email", ""),
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        ip_address=client_ip(request),
        data=data,
    )


def audit_sensitive_read(*, user, record, request=None, via: str = "web") -> None:
    """Every read of a restricted or secretariat record is logged."""
    if getattr(record, "is_sensitive", False):
        audit_record(
            verb="record.read",
            actor=user,
            target=record,
            request=request,
            via=via,
            classification=record.classification,
        )


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def audit_event_list(*, verb: str = "", actor_email: str = "", target_type: str = "", since=None, until=None):
    """Events filtered by verb prefix, actor, record type and days `since`..`until` (inclusive,
    in the reader's time zone). Shared by the audit page and the API."""
    events = AuditEvent.objects.all()
    if verb:
        events = events.filter(verb__startswith=verb)
    if actor_email:
        events = events.filter(actor_email__icontains=actor_email)
    if target_type:
        events = events.filter(target_type=target_type)
    if since:
        events = events.filter(occurred_at__gte=_start_of(since))
    if until and until < date.max:
        events = events.filter(occurred_at__lt=_start_of(until + timedelta(days=1)))
    return events

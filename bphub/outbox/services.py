"""The mail outbox: queue in the caller's transaction, deliver exactly once from a task."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone

from bphub.outbox.models import OutboundEmail

logger = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 1 min, 2 min, ... capped at 1 hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@transaction.atomic
def outbox_queue_message(message) -> OutboundEmail:
    """Store an EmailMessage and enqueue its delivery task in the same transaction."""
    from bphub.outbox.tasks import deliver_email

    html_body = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html_body = content
    headers = dict(message.extra_headers or {})
    message_id = headers.pop("Message-ID", None) or make_msgid(domain="bphub")
    email = OutboundEmail.objects.create(
        message_id=message_id,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        subject=str(message.subject),
        body=message.body,
        html_body=html_body,
        headers=headers,
    )
    deliver_email.enqueue(email_id=email.pk)
    return email


def _build_message(email: OutboundEmail, connection) -> EmailMultiAlternatives:
    headers = {**email.headers, "Message-ID": email.message_id}
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body, from_email=email.from_email, to=email.to, cc=email.cc,
        bcc=email.bcc, reply_to=email.reply_to, headers=headers, connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def outbox_deliver(*, email_id: int) -> str:
    """Send one queued email if it is still due. Returns what happened.

    The row is locked for the whole send, so two workers never send it both; the SENT mark is
    committed with the lock. On failure the attempt is recorded and a retry is enqueued with
    backoff; after OUTBOX_MAX_ATTEMPTS the message stays as FAILED for an admin to see.
    """
    from bphub.outbox.tasks import deliver_email

    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        if email is None:
            return "locked-or-missing"
        if email.status != OutboundEmail.Status.PENDING:
            return f"already-{email.status}"
        email.attempts += 1
        try:
            with mailers["delivery"] as connection:
                _build_message(email, connection).send()
        except Exception as error:  # noqa: BLE001 - any delivery failure is retried
            logger.warning("Delivery of %s failed (attempt %s): %s", email.message_id, email.attempts, error)
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            else:
                email.next_attempt_at = timezone.now() + backoff(email.attempts)
                deliver_email.using(run_after=email.next_attempt_at).enqueue(email_id=email.pk)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return "retry" if email.status == OutboundEmail.Status.PENDING else "failed"
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return "sent"

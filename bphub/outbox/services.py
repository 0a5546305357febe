"""The mail outbox: queue in the caller's transaction, deliver exactly once from a task."""

import base64
import logging
from datetime import datetime, timedelta
from email.mime.base import MIMEBase
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bphub.outbox.models import OutboundEmail
from bphub.outbox.signals import delivery_given_up

logger = logging.getLogger(__name__)

DELIVER_TASK_PATH = "bphub.outbox.tasks.deliver_email"


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 1 min, 2 min, ... capped at 1 hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _message_id_domain() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return domain or "bphub"


def _stored_attachments(message) -> list[dict]:
    stored = []
    for attachment in message.attachments or []:
        if isinstance(attachment, MIMEBase):
            raise ValueError("The outbox stores (filename, content, mimetype) attachments, not MIME objects.")
        filename, content, mimetype = attachment
        is_text = isinstance(content, str)
        data = content.encode() if is_text else bytes(content)
        stored.append(
            {
                "filename": filename,
                "mimetype": mimetype,
                "is_text": is_text,
                "content": base64.b64encode(data).decode("ascii"),
            }
        )
    return stored


@transaction.atomic
def outbox_queue_message(message) -> OutboundEmail:
    """Store an EmailMessage and enqueue its delivery task, both in the caller's transaction.

    If the caller's transaction rolls back, neither the email nor its task exists: nothing is
    sent for a change that did not happen. The Message-ID is fixed now (the caller's if it gave
    one) and sent unchanged on every attempt. Raises ValueError for MIME-object attachments.
    """
    from bphub.outbox.tasks import deliver_email

    html_body = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html_body = content
    headers = {}
    message_id = None
    for name, value in (message.extra_headers or {}).items():
        if name.lower() == "message-id":
            message_id = str(value)
        else:
            headers[name] = str(value)
    email = OutboundEmail.objects.create(
        message_id=message_id or make_msgid(domain=_message_id_domain()),
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        subject=str(message.subject)[:998],
        body=message.body or "",
        html_body=html_body,
        headers=headers,
        attachments=_stored_attachments(message),
    )
    deliver_email.enqueue(email_id=email.pk)
    return email


def _build_message(email: OutboundEmail, connection) -> EmailMultiAlternatives:
    headers = {**email.headers, "Message-ID": email.message_id}
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=email.to,
        cc=email.cc,
        bcc=email.bcc,
        reply_to=email.reply_to,
        headers=headers,
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for attachment in email.attachments:
        data = base64.b64decode(attachment["content"])
        message.attach(attachment["filename"], data.decode() if attachment["is_text"] else data, attachment["mimetype"])
    return message


def outbox_deliver(*, email_id: int) -> str:
    """Send one queued email if it is still pending and due. Returns what happened.

    The row is locked (SELECT ... FOR UPDATE SKIP LOCKED) for the whole send and the SENT mark is
    committed with the lock, so two workers never both send it and a re-run of the task for a SENT
    email sends nothing. On SQLite, which has no row locks, the transaction starts with BEGIN
    IMMEDIATE (settings) and so holds the database's write lock: senders are serialised the same
    way. On failure the attempt is recorded and a retry is enqueued with backoff, in the same
    transaction; after OUTBOX_MAX_ATTEMPTS the message stays as FAILED for an admin to see.

    Exactly once holds unless the process dies after the SMTP server accepted the message and
    before the commit: then the message is sent again, with the same Message-ID.
    """
    from bphub.outbox.tasks import deliver_email

    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        if email is None:
            return "locked-or-missing"
        if email.status != OutboundEmail.Status.PENDING:
            return f"already-{email.status}"
        if email.next_attempt_at > timezone.now():
            # A stray earlier task (e.g. one handed back by the reaper); the retry task that set
            # next_attempt_at will come.
            return "not-due"
        email.attempts += 1
        try:
            with mailers["delivery"] as connection:
                _build_message(email, connection).send()
        except Exception as error:  # noqa: BLE001 - any delivery failure is retried
            logger.warning("Delivery of %s failed (attempt %s): %s", email.message_id, email.attempts, error)
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
                logger.error("Gave up on %s after %s attempts.", email.message_id, email.attempts)
                # Listeners (the directory) mark addresses the receiving server refused for good.
                delivery_given_up.send(sender=OutboundEmail, recipients=[*email.to, *email.cc, *email.bcc], error=error)
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


def outbox_requeue_orphans(*, now: datetime | None = None) -> list[int]:
    """Enqueue delivery again for PENDING emails that no task will deliver. Returns their ids.

    An email can lose its task when the task ends without recording the outcome: the worker was
    stopped with a second Ctrl+C mid-send (django_tasks_db marks the task FAILED), or the database
    failed at commit. Emails due for longer than TASK_WORKER_STALE_AFTER_SECONDS with no READY or
    RUNNING delivery task get a new one. Racing with a running delivery is harmless: a surplus task
    finds the email locked, SENT or not due and does nothing.
    """
    from bphub.outbox.tasks import deliver_email

    now = now or timezone.now()
    overdue = list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING,
            next_attempt_at__lt=now - timedelta(seconds=settings.TASK_WORKER_STALE_AFTER_SECONDS),
        ).values_list("pk", flat=True)[:500]
    )
    if not overdue:
        return []
    covered = {
        (args_kwargs.get("kwargs") or {}).get("email_id")
        for args_kwargs in DBTaskResult.objects.filter(
            task_path=DELIVER_TASK_PATH, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).values_list("args_kwargs", flat=True)
    }
    orphans = [pk for pk in overdue if pk not in covered]
    for pk in orphans:
        logger.warning("Email %s had no delivery task; enqueued one.", pk)
        deliver_email.enqueue(email_id=pk)
    return orphans

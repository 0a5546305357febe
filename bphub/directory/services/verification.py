"""Verification of focal points, and addresses that bounce.

A focal point is verified for a year (VERIFICATION_VALID_DAYS, `verified_until`) either by a
nomination of its member's coordinator (or the RSO), or automatically when one of its addresses
is on a trusted domain of its member's agencies. Nothing has to expire a verification: it simply
is no longer valid after `verified_until`; the daily sweep renews trusted-domain ones that still
match. A bounced address is kept (history, the health page) but never used for reminders.
"""

import smtplib
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.directory.models import Email, FocalPoint, VerifiedVia, directory_today
from bphub.directory.permissions import can_manage_member
from bphub.directory.services.records import focal_point_verify, trusted_domain_matches

NOMINATION = VerifiedVia.NOMINATION
TRUSTED_DOMAIN = VerifiedVia.TRUSTED_DOMAIN


def focal_point_nominate(*, focal_point: FocalPoint, actor) -> FocalPoint:
    """A coordinator of the person's member (or the RSO) vouches for them: verified for a year.

    Nominating again renews the year. Raises PermissionDenied when `actor` may not change the
    record (views check first and answer 404).
    """
    if not (policy.can(actor, policy.Action.CHANGE, focal_point) and can_manage_member(actor, focal_point.member)):
        raise PermissionDenied
    return focal_point_verify(focal_point=focal_point, via=NOMINATION, actor=actor)


def verification_auto(focal_point: FocalPoint, *, today: date | None = None) -> bool:
    """Verify `focal_point` through a trusted domain if it needs it and qualifies.

    It needs it when it is not verified, or its verification ends today or has ended; it
    qualifies when one of its addresses is on a trusted domain of its member's agencies
    (`records.trusted_domain_matches`). Returns True when it was verified now. For the import
    and edit code to call after a save, and for the daily sweep.
    """
    today = today or directory_today()
    if focal_point.verified_until is not None and focal_point.verified_until > today:
        return False
    if not focal_point.is_active or not trusted_domain_matches(focal_point):
        return False
    focal_point_verify(focal_point=focal_point, via=TRUSTED_DOMAIN)
    return True


@transaction.atomic
def email_mark_bounced(*, address: str, reason: str) -> int:
    """Mark every directory address equal to `address` (any case) as bounced, with `reason`.

    Returns how many Email rows were marked. Reminders skip bounced addresses from then on.
    """
    address = (address or "").strip().lower()
    if not address:
        return 0
    emails = list(Email.objects.filter(address=address).select_related("focal_point"))
    if not emails:
        return 0
    Email.objects.filter(pk__in=[e.pk for e in emails]).update(bounced_at=timezone.now(), bounce_reason=reason[:300])
    for email in emails:
        audit_record(verb="focal_point.email_bounced", target=email.focal_point, address=address, reason=reason[:300])
    return len(emails)


def _enhanced_status(answer) -> str:
    text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer or "")
    return text.strip().split(" ", 1)[0]


def email_bounces_from_delivery_failure(*, recipients: list[str], error: BaseException) -> int:
    """Called by the outbox when it gives up on a message: mark the addresses that bounced.

    Only a refusal of the address counts as a bounce: the recipients an SMTP server refused
    (SMTPRecipientsRefused names them), or every recipient for a permanent mailbox answer (5.1.x).
    A server that could not be reached says nothing about the address, so nothing is marked.
    Returns how many Email rows were marked.
    """
    refused: dict[str, str] = {}
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        for address, answer in error.recipients.items():
            code, message = answer if isinstance(answer, tuple) else (0, answer)
            text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
            refused[address] = f"{code} {text}".strip()
    elif (
        isinstance(error, smtplib.SMTPDataError)
        and 500 <= error.smtp_code < 600
        and _enhanced_status(error.smtp_error).startswith("5.1.")
    ):
        # 5.1.x: the destination mailbox (RFC 3463). Other permanent answers (authentication,
        # the sender, the content) say nothing about the address and must not mark it bounced.
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else str(error)
        refused = {address: f"{error.smtp_code} {text}" for address in recipients}
    return sum(email_mark_bounced(address=address, reason=reason) for address, reason in refused.items())

"""Keeping the directory accurate: the daily sweep and the single-use confirmation links.

The sweep (`freshness_sweep`, run once a day by `freshness_sweep_if_due` from every worker's upkeep)
1. mails every OVERDUE focal point one single-use link per review cycle (ConfirmationRequest,
   one per `review_due_on`), to its first address that has not bounced;
2. tells each member's coordinators, in one digest per sweep, which records turned DELINQUENT
   (once per review cycle: `delinquency_notified_for`);
3. counts the records it could not reach (no usable address), left for the health page;
4. verifies (or renews) people whose address is on a trusted domain of their member's agencies.

Everything it does is keyed on the record's state, so running it again the same day sends nothing.
A link's token is random and only its digest is stored; opening the link is a sign of life, never
a confirmation.
"""

import logging
import secrets
import zoneinfo
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bphub.accounts.models import Role, User
from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.core.tokens import token_digest
from bphub.directory.models import (
    Agency,
    ConfirmationRequest,
    ConfirmedVia,
    Email,
    FocalPoint,
    Freshness,
    ScheduledRun,
    directory_date,
    directory_today,
    freshness_filter,
)
from bphub.directory.services.records import focal_point_confirm, focal_point_sign_of_life
from bphub.directory.services.verification import verification_auto

logger = logging.getLogger(__name__)

CONFIRMATION_VALID_FOR = timedelta(days=14)
SWEEP_JOB_NAME = "directory.freshness_sweep"


class ConfirmationUnusable(Exception):
    """The link exists but was used or has expired (the page says so, with whom to contact)."""

    def __init__(self, confirmation: ConfirmationRequest, reason: str):
        super().__init__(reason)
        self.confirmation = confirmation
        self.reason = reason


# -- helpers ------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    """A link for an email: no request at hand, so the configured site address (as invitations)."""
    return f"{settings.SITE_URL}{path}"


def mail_language(code: str | None) -> str:
    """The interface language closest to `code` (a person's preferred language), else the default."""
    supported = {c for c, _name in settings.LANGUAGES}
    code = (code or "").lower()
    for candidate in (code, code.split("-")[0]):
        if candidate in supported:
            return candidate
    return settings.LANGUAGE_CODE.split("-")[0]


def usable_email(focal_point: FocalPoint) -> Email | None:
    """The address reminders go to: the primary one, else the next, never a bounced one."""
    return focal_point.emails.filter(bounced_at__isnull=True).order_by("-is_primary", "id").first()


def member_coordinators(member) -> list[User]:
    """The active coordinators of `member`, who review its directory."""
    return list(
        User.objects.filter(role=Role.MEMBER_COORDINATOR, member=member, is_active=True).order_by("full_name", "pk")
    )


def mail_queue(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    """Queue one plain-text message in the outbox (inside the caller's transaction), written in
    the active language, which its Content-Language header names."""
    EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(template, context),
        to=to,
        headers={"Content-Language": translation.get_language() or settings.LANGUAGE_CODE},
    ).send()


# -- confirmation requests ----------------------------------------------------------------------


@transaction.atomic
def _zone_of(focal_point):
    """The person's own time zone for dates in their mail (the site's when unknown)."""
    try:
        return zoneinfo.ZoneInfo(focal_point.time_zone) if focal_point.time_zone else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@transaction.atomic
def confirmation_request_send(*, focal_point: FocalPoint) -> ConfirmationRequest | None:
    """Mail `focal_point` a single-use link for its current review cycle, unless it has one.

    Returns the new request, or None when the record already has a request for its current
    `review_due_on` or has no address that has not bounced. The token exists only in the email;
    the request stores its digest. The email is queued in the outbox in this transaction.
    """
    # Lock the person's row only: PostgreSQL cannot lock the nullable side (agency) of an outer join.
    focal_point = (
        FocalPoint.objects.select_for_update(of=("self",)).select_related("member", "agency").get(pk=focal_point.pk)
    )
    if ConfirmationRequest.objects.filter(
        focal_point=focal_point, for_review_due_on=focal_point.review_due_on
    ).exists():
        return None
    email = usable_email(focal_point)
    if email is None:
        return None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    confirmation = ConfirmationRequest.objects.create(
        focal_point=focal_point,
        token_digest=token_digest(token),
        for_review_due_on=focal_point.review_due_on,
        sent_to=email.address,
        created_at=now,
        expires_at=now + CONFIRMATION_VALID_FOR,
    )
    with translation.override(mail_language(focal_point.preferred_language)):
        context = {
            "person": focal_point,
            "link": absolute_url(reverse("directory:confirm", kwargs={"token": token})),
            "expires_on": timezone.localdate(confirmation.expires_at, _zone_of(focal_point)),
            "valid_days": CONFIRMATION_VALID_FOR.days,
        }
        mail_queue(
            subject=_("Please check your entry in the Bali Process directory"),
            template="directory/email/confirmation_request.txt",
            context=context,
            to=[email.address],
        )
    audit_record(
        verb="focal_point.confirmation_requested",
        target=focal_point,
        confirmation=confirmation.pk,
        for_review_due_on=focal_point.review_due_on.isoformat() if focal_point.review_due_on else None,
    )
    return confirmation


def confirmation_for_token(token: str) -> ConfirmationRequest:
    """The request behind `token`, compared by digest only.

    Raises Http404 for an unknown token and ConfirmationUnusable for one that was used, has
    expired, or whose record is no longer in the directory.
    """
    confirmation = (
        ConfirmationRequest.objects.select_related("focal_point", "focal_point__member", "focal_point__agency")
        .filter(token_digest=token_digest(token or ""))
        .first()
    )
    if confirmation is None:
        raise Http404
    person = confirmation.focal_point
    if confirmation.used_at is not None:
        raise ConfirmationUnusable(confirmation, "used")
    if confirmation.expires_at <= timezone.now():
        raise ConfirmationUnusable(confirmation, "expired")
    if person.merged_into_id is not None or not person.is_active:
        raise ConfirmationUnusable(confirmation, "gone")
    return confirmation


def confirmation_open(*, confirmation: ConfirmationRequest) -> None:
    """Record that the link was opened: the first opening, and a sign of life of the person.

    Never a confirmation: the review date does not move.
    """
    now = timezone.now()
    ConfirmationRequest.objects.filter(pk=confirmation.pk, opened_at__isnull=True).update(opened_at=now)
    focal_point_sign_of_life(focal_point=confirmation.focal_point, at=now)


def confirmation_claim(confirmation: ConfirmationRequest, *, outcome: str) -> ConfirmationRequest:
    """Mark the request used with `outcome`, inside the caller's transaction.

    The row is locked and re-checked, so two submissions of one link cannot both count; raises
    ConfirmationUnusable when the link was used or expired meanwhile.
    """
    locked = ConfirmationRequest.objects.select_for_update().get(pk=confirmation.pk)
    if locked.used_at is not None:
        raise ConfirmationUnusable(locked, "used")
    if locked.expires_at <= timezone.now():
        raise ConfirmationUnusable(locked, "expired")
    locked.used_at = timezone.now()
    locked.outcome = outcome
    locked.save(update_fields=["used_at", "outcome"])
    return locked


@transaction.atomic
def confirmation_confirm(*, confirmation: ConfirmationRequest) -> FocalPoint:
    """ "Confirm without change" through the link: the review clock restarts, the link is used up.

    Raises ConfirmationUnusable when the link was used or expired meanwhile (nothing changes).
    """
    confirmation_claim(confirmation, outcome="confirmed")
    return focal_point_confirm(
        focal_point=confirmation.focal_point,
        via=ConfirmedVia.LINK,
        actor_label="confirmation link",
        source_ref=f"confirmation:{confirmation.pk}",
    )


# -- delinquency digest -------------------------------------------------------------------------


def _notify_delinquent(member, records: list[FocalPoint]) -> int:
    """One digest per coordinator of `member` listing the delinquent `records` they may see.

    Marks every record as notified for its current review date (even when no coordinator can
    be told: the health page shows them to the RSO). Returns the number of messages queued.
    """
    sent = 0
    for coordinator in member_coordinators(member):
        visible = [record for record in records if policy.can_view(coordinator, record)]
        if not visible:
            continue
        with translation.override(mail_language(coordinator.language)):
            context = {
                "coordinator": coordinator,
                "member": member,
                "records": [(record, absolute_url(record.get_absolute_url())) for record in visible],
                "proposals_link": absolute_url(reverse("directory:proposal_list")),
                "directory_link": absolute_url(reverse("directory:person_list") + "?freshness=delinquent"),
            }
            mail_queue(
                subject=ngettext(
                    "Directory: %(count)s focal point record needs your attention",
                    "Directory: %(count)s focal point records need your attention",
                    len(visible),
                )
                % {"count": len(visible)},
                template="directory/email/delinquent_digest.txt",
                context=context,
                to=[coordinator.email],
            )
        sent += 1
    for record in records:
        FocalPoint.all_objects.filter(pk=record.pk).update(delinquency_notified_for=record.review_due_on)
    audit_record(
        verb="directory.delinquency_notified",
        target=member,
        records=[record.pk for record in records],
        coordinators_told=sent,
    )
    return sent


# -- the sweep ----------------------------------------------------------------------------------


def _auto_verify_candidates(today: date):
    """People not verified past today whose address may be on a trusted domain of their member."""
    domains_by_member: dict[int, set[str]] = defaultdict(set)
    for agency in Agency.objects.exclude(email_domains="").only("member_id", "email_domains"):
        domains_by_member[agency.member_id] |= agency.trusted_domains
    for member_id, domains in domains_by_member.items():
        on_domain = Q()
        for domain in sorted(domains):
            on_domain |= Q(address__endswith=f"@{domain}")
        addresses = Email.objects.filter(on_domain, focal_point=OuterRef("pk"))
        yield from FocalPoint.objects.filter(
            Q(verified_until__isnull=True) | Q(verified_until__lte=today),
            Exists(addresses),
            member_id=member_id,
            is_active=True,
        )


def freshness_sweep(*, today: date | None = None) -> dict:
    """Run the daily upkeep of the directory for `today`; returns what it did, as counts.

    Keys: reminders_sent, reminders_already_sent, no_usable_email, delinquent_notified,
    digests_sent, verified. Safe to run again: a record gets one link per review cycle and its
    coordinators one word per review cycle. Each record (and each member's digest) is its own
    transaction, so one failure does not undo the others' mail.
    """
    today = today or directory_today()
    counts = dict.fromkeys(
        ("reminders_sent", "reminders_already_sent", "no_usable_email", "delinquent_notified", "digests_sent"), 0
    )
    counts["verified"] = 0

    # 1 and 3: overdue records get one link per review cycle, if they have an address that works.
    active = FocalPoint.objects.filter(is_active=True)
    asked = ConfirmationRequest.objects.filter(focal_point=OuterRef("pk"), for_review_due_on=OuterRef("review_due_on"))
    overdue = active.filter(freshness_filter(Freshness.OVERDUE, today))
    counts["reminders_already_sent"] = overdue.filter(Exists(asked)).count()
    reachable = Email.objects.filter(focal_point=OuterRef("pk"), bounced_at__isnull=True)
    to_ask = overdue.exclude(Exists(asked))
    counts["no_usable_email"] = to_ask.exclude(Exists(reachable)).count()
    for focal_point in to_ask.filter(Exists(reachable)).order_by("pk"):
        if confirmation_request_send(focal_point=focal_point) is not None:
            counts["reminders_sent"] += 1

    # 2: delinquent records not yet reported for their current review date, one digest per member.
    delinquent = active.filter(freshness_filter(Freshness.DELINQUENT, today)).exclude(
        delinquency_notified_for__isnull=False, delinquency_notified_for=F("review_due_on")
    )
    by_member: dict = defaultdict(list)
    for record in delinquent.select_related("member").order_by("member__code", "full_name", "pk"):
        by_member[record.member].append(record)
    for member, records in by_member.items():
        with transaction.atomic():
            counts["digests_sent"] += _notify_delinquent(member, records)
        counts["delinquent_notified"] += len(records)

    # 4: automatic verification (and its yearly renewal) on trusted domains.
    for focal_point in _auto_verify_candidates(today):
        if verification_auto(focal_point, today=today):
            counts["verified"] += 1
    return counts


def freshness_sweep_if_due(*, now: datetime | None = None) -> dict | None:
    """Run `freshness_sweep` unless it already ran today; returns its counts, or None if it had.

    Called by every worker after each heartbeat: the day is claimed under a row lock
    (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), so
    of several workers exactly one runs the sweep each day. The day is claimed before the sweep
    runs, so a failed sweep is logged and tried again the next day (it is idempotent: nothing is
    lost, only delayed).
    """
    now = now or timezone.now()
    today = directory_date(now)
    if ScheduledRun.objects.filter(name=SWEEP_JOB_NAME, last_run_on__gte=today).exists():
        return None  # the usual case, every heartbeat: a read, no write lock
    ScheduledRun.objects.get_or_create(name=SWEEP_JOB_NAME)
    with transaction.atomic():
        run = ScheduledRun.objects.select_for_update().get(name=SWEEP_JOB_NAME)
        if run.last_run_on is not None and run.last_run_on >= today:
            return None
        run.last_run_on = today
        run.last_run_at = now
        run.last_result = {"status": "running"}
        run.save()
    try:
        result = freshness_sweep(today=today)
    except Exception as error:
        ScheduledRun.objects.filter(name=SWEEP_JOB_NAME).update(
            last_result={"status": "failed", "error": f"{type(error).__name__}: {error}"[:500]}
        )
        logger.exception("The directory freshness sweep failed; it runs again tomorrow.")
        raise
    ScheduledRun.objects.filter(name=SWEEP_JOB_NAME).update(last_result={"status": "done", **result})
    logger.info("Directory freshness sweep for %s: %s", today, result)
    return result

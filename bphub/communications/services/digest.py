"""The weekly digest: what changed in the past week that the reader may see now.

Once a week (Monday 06:00 UTC) every worker's upkeep calls `digest_run_if_due`; one of them claims
the week (row lock on a `ScheduledRun`) and sends each recipient one digest: first what needs them
now (the home page's list, from the same `bphub.core.home.needs_for`), then what changed in the
seven days before that Monday 06:00: new announcements, meetings announced or changed, new documents,
outcomes published, the open action items of the reader's member, bodies or the RSO that fall
due within the coming week or are overdue, and their other notifications that wait for the digest.
Every item goes through the policy (`visible_to`) as the reader may see it NOW; an empty digest is
not sent.

Recipients: every active user of the RSO and member roles with at least one topic on "weekly
digest" (documents and action items are by default). Researchers and alumni read public news on
the site and get no digest.

Exactly once: a `DigestRun` row (unique user + week) is written in the same transaction as the
mail is queued in the outbox, so a re-run, a second worker or `manage.py send_digest` sends none
twice, and a worker killed after the commit loses nothing (the outbox delivers the mail later).
A run that stopped half-way is taken up again after DIGEST_LEASE by the next worker's upkeep.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bphub.accounts.models import User
from bphub.communications.models import Announcement, DigestRun, Preference, Topic
from bphub.communications.services import absolute_url, channels_for
from bphub.core import policy
from bphub.core.home import needs_for
from bphub.core.i18n import localize

logger = logging.getLogger(__name__)

DIGEST_JOB_NAME = "communications.weekly_digest"
DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR_UTC = 6
DIGEST_LEASE = timedelta(minutes=30)  # a run silent for this long is taken over by another worker
SECTION_LIMIT = 25
# Notifications on these topics are covered by a section of their own.
TOPICS_WITH_A_SECTION = {Topic.ANNOUNCEMENT, Topic.DOCUMENT, Topic.ACTION}


@dataclass
class DigestItem:
    title: str
    url: str
    note: str = ""
    language: str = ""


@dataclass
class DigestSection:
    key: str
    title: str
    items: list[DigestItem]
    more: int = 0
    more_url: str = ""


@dataclass
class Digest:
    user: User
    week_starting: date
    since: datetime
    until: datetime
    sections: list[DigestSection] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(section.items) + section.more for section in self.sections)


def digest_week_start(now: datetime | None = None) -> datetime:
    """The digest moment of the current week: the latest Monday 06:00 UTC at or before `now`."""
    now = (now or timezone.now()).astimezone(UTC)
    start = (now - timedelta(days=(now.weekday() - DIGEST_WEEKDAY) % 7)).replace(
        hour=DIGEST_HOUR_UTC, minute=0, second=0, microsecond=0
    )
    return start if start <= now else start - timedelta(days=7)


def digest_recipients():
    """Active RSO and member users with at least one topic on the weekly digest (defaults count)."""
    default_digest = [topic for topic, channel in Preference.DEFAULTS.items() if channel == Preference.Channel.DIGEST]
    return (
        User.objects.filter(policy.secretariat_people_q() | policy.member_people_q(), is_active=True)
        .annotate(
            chose_digest=Count(
                "notification_preferences", filter=Q(notification_preferences__channel=Preference.Channel.DIGEST)
            ),
            left_default=Count(
                "notification_preferences",
                filter=Q(notification_preferences__topic__in=default_digest)
                & ~Q(notification_preferences__channel=Preference.Channel.DIGEST),
            ),
        )
        .filter(Q(chose_digest__gt=0) | Q(left_default__lt=len(default_digest)))
        .order_by("pk")
    )


# -- collecting -------------------------------------------------------------------------------------


def _day(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "j M Y")


def _text(value) -> tuple[str, str]:
    text = localize(value)
    return text.text, text.language


def _url_or(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _section(key, title, rows, make_item, more_url="") -> DigestSection | None:
    rows = list(rows[: SECTION_LIMIT + 1])
    if not rows:
        return None
    shown = rows[:SECTION_LIMIT]
    return DigestSection(
        key=key,
        title=title,
        items=[make_item(row) for row in shown],
        more=max(len(rows) - SECTION_LIMIT, 0),
        more_url=more_url,
    )


def _needs(user) -> DigestSection | None:
    """What needs the reader now: the home page's list (same code, same order, same counts)."""

    def item(need):
        parts = [ngettext("%(count)s item", "%(count)s items", need.count) % {"count": need.count}]
        if need.due is not None:
            label = need.due_label or (_("Overdue since") if need.is_overdue else _("Due"))
            when = (
                formats.date_format(timezone.localtime(need.due), "j M Y, H:i")
                if isinstance(need.due, datetime)
                else _day(need.due)
            )
            parts.append(f"{label} {when}")
        if need.note:
            parts.append(need.note)
        return DigestItem(need.title, need.url, " · ".join(parts))

    return _section("needs", _("What needs you"), needs_for(user), item, "/")


def _announcements(user, since, until) -> DigestSection | None:
    rows = policy.visible_to(
        Announcement.objects.filter(published_at__gte=since, published_at__lt=until), user
    ).order_by("-published_at", "-id")

    def item(announcement):
        title, language = _text(announcement.title)
        return DigestItem(title, announcement.get_absolute_url(), _day(announcement.published_at), language)

    return _section("announcements", _("New announcements"), rows, item, reverse("communications:announcement_list"))


def _meetings(user, since, until) -> DigestSection | None:
    from bphub.meetings.models import Meeting

    changed = Q(updated_at__gte=since, updated_at__lt=until) | Q(
        status_changed_at__gte=since, status_changed_at__lt=until
    )
    rows = (
        policy.visible_to(Meeting.objects.exclude(status=Meeting.Status.DRAFT).filter(changed), user)
        .order_by("starts_at", "id")
        .distinct()
    )

    def item(meeting):
        title, language = _text(meeting.title)
        if since <= meeting.status_changed_at < until:
            what = meeting.get_status_display()
        else:
            what = _("Changed")
        note = _("%(what)s · starts %(day)s") % {"what": what, "day": _day(meeting.starts_at)}
        return DigestItem(title, meeting.get_absolute_url(), note, language)

    return _section(
        "meetings", _("Meetings announced or changed"), rows, item, _url_or("meetings:meeting_list", "/meetings/")
    )


def _documents(user, since, until) -> DigestSection | None:
    from bphub.meetings.models import Document, Meeting

    rows = (
        policy.visible_to(Document.objects.filter(created_at__gte=since, created_at__lt=until), user)
        .exclude(meeting__status=Meeting.Status.DRAFT)
        .order_by("-created_at", "-id")
        .distinct()
    )

    def item(document):
        title, language = _text(document.title)
        return DigestItem(title, document.get_absolute_url(), document.get_doc_type_display(), language)

    return _section("documents", _("New documents"), rows, item, _url_or("meetings:meeting_list", "/meetings/"))


def _outcomes(user, since, until) -> DigestSection | None:
    from bphub.meetings.models import Meeting, Outcome

    published = [Meeting.Status.OUTCOMES_PUBLISHED, Meeting.Status.CLOSED]
    fresh = Q(created_at__gte=since, created_at__lt=until) | Q(
        meeting__status=Meeting.Status.OUTCOMES_PUBLISHED,
        meeting__status_changed_at__gte=since,
        meeting__status_changed_at__lt=until,
    )
    visible = policy.visible_to(Outcome.objects.filter(fresh, meeting__status__in=published), user)
    rows = (
        Meeting.objects.filter(pk__in=visible.values("meeting_id"))
        .annotate(fresh_outcomes=Count("outcomes", filter=Q(outcomes__in=visible.values("pk"))))
        .order_by("-starts_at", "id")
    )

    def item(meeting):
        title, language = _text(meeting.title)
        note = ngettext("%(count)s outcome", "%(count)s outcomes", meeting.fresh_outcomes) % {
            "count": meeting.fresh_outcomes
        }
        return DigestItem(title, meeting.get_absolute_url(), note, language)

    return _section("outcomes", _("Outcomes published"), rows, item)


def _actions(user, until) -> DigestSection | None:
    from bphub.meetings.models import ActionItem, Meeting

    if policy.is_rso(user):
        owned = Q(owner_kind=ActionItem.Owner.RSO)
    else:
        bodies = set(policy.seated_body_ids(user)) | set(policy.chaired_body_ids(user))
        owned = Q(owner_member_id=user.member_id) | Q(owner_body_id__in=bodies)
    horizon = until.date() + timedelta(days=7)
    rows = (
        policy.visible_to(
            ActionItem.objects.filter(owned, status__in=ActionItem.OPEN_STATUSES, due_on__lte=horizon), user
        )
        .exclude(meeting__status=Meeting.Status.DRAFT)
        .order_by("due_on", "id")
    )
    today = until.date()

    def item(action):
        title, language = _text(action.title)
        if action.due_on < today:
            note = _("Overdue: was due %(day)s · %(owner)s") % {"day": _day(action.due_on), "owner": action.owner_label}
        else:
            note = _("Due %(day)s · %(owner)s") % {"day": _day(action.due_on), "owner": action.owner_label}
        return DigestItem(title, action.get_absolute_url(), note, language)

    rows = rows.select_related("owner_member", "owner_body")
    return _section("actions", _("Action items due or overdue"), rows, item)


def _notifications(user, since, until, digest_topics) -> DigestSection | None:
    from bphub.communications.selectors import notifications_visible_to

    topics = set(digest_topics) - TOPICS_WITH_A_SECTION
    if not topics:
        return None
    rows = notifications_visible_to(user).filter(
        topic__in=topics, read_at__isnull=True, created_at__gte=since, created_at__lt=until
    )

    def item(notification):
        return DigestItem(notification.title, notification.url, notification.get_topic_display())

    return _section(
        "notifications", _("Your other notifications"), rows, item, reverse("communications:notification_list")
    )


def digest_collect(user, *, week_start: datetime) -> Digest:
    """The digest of `user` for the week ending at `week_start` (as they may see it now)."""
    since, until = week_start - timedelta(days=7), week_start
    channels = channels_for([user.pk], Topic.values)
    digest_topics = [topic for topic in Topic.values if channels[(user.pk, topic)] == Preference.Channel.DIGEST]
    sections = [
        _needs(user),
        _announcements(user, since, until),
        _meetings(user, since, until),
        _documents(user, since, until),
        _outcomes(user, since, until),
        _actions(user, until),
        _notifications(user, since, until, digest_topics),
    ]
    return Digest(
        user=user,
        week_starting=week_start.date(),
        since=since,
        until=until,
        sections=[section for section in sections if section is not None],
    )


# -- sending ----------------------------------------------------------------------------------------


def _message(digest: Digest) -> EmailMultiAlternatives:
    for section in digest.sections:
        section.more_url = absolute_url(section.more_url) if section.more_url else ""
        for item in section.items:
            item.url = absolute_url(item.url)
    context = {
        "digest": digest,
        "user": digest.user,
        "since": _day(digest.since),
        "until": _day(digest.until - timedelta(seconds=1)),
        "site_link": absolute_url("/"),
        "preferences_link": absolute_url(reverse("communications:preferences")),
    }
    subject = ngettext(
        "[bphub] Your weekly digest: %(count)s update",
        "[bphub] Your weekly digest: %(count)s updates",
        digest.item_count,
    ) % {"count": digest.item_count}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("communications/email/digest.txt", context),
        to=[digest.user.email],
        headers={"Content-Language": translation.get_language() or settings.LANGUAGE_CODE},
    )
    message.attach_alternative(render_to_string("communications/email/digest.html", context), "text/html")
    return message


def digest_send(user, *, week_start: datetime, dry_run: bool = False) -> tuple[str, Digest | None]:
    """Send `user` their digest for the week of `week_start` unless one was already written.

    Returns (outcome, digest): "sent", "empty" (nothing to tell: recorded, not sent),
    "already-sent" (a DigestRun exists: nothing done), or with dry_run "would-send"/"empty"
    (nothing written). The DigestRun row and the outbox mail are written in one transaction.
    """
    week = week_start.date()
    if DigestRun.objects.filter(user=user, week_starting=week).exists():
        return "already-sent", None
    with translation.override(user.language or settings.LANGUAGE_CODE), timezone.override(_user_zone(user)):
        digest = digest_collect(user, week_start=week_start)
        message = _message(digest) if digest.item_count else None
    if dry_run:
        return ("would-send" if message else "empty"), digest
    with transaction.atomic():
        _run, created = DigestRun.objects.get_or_create(
            user=user, week_starting=week, defaults={"item_count": digest.item_count}
        )
        if not created:
            return "already-sent", None
        if message is None:
            return "empty", digest
        message.send()
    return "sent", digest


def _user_zone(user):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def digest_send_all(*, week_start: datetime, users=None, dry_run: bool = False, report=None) -> dict:
    """Send every recipient (or each of `users`) their digest for the week; returns the counts.

    One user's failure is logged and counted; the others still get theirs (a later run retries).
    `report(user, outcome, digest)` is called for each user (the management command prints).
    """
    counts = {"sent": 0, "empty": 0, "already-sent": 0, "would-send": 0, "failed": 0}
    for user in users if users is not None else digest_recipients().iterator():
        try:
            outcome, digest = digest_send(user, week_start=week_start, dry_run=dry_run)
        except Exception:  # noqa: BLE001 - one reader's failure must not stop the others' digests
            logger.exception("The weekly digest for user %s failed.", user.pk)
            outcome, digest = "failed", None
        counts[outcome] += 1
        if report is not None:
            report(user, outcome, digest)
    return counts


def digest_run_if_due(*, now: datetime | None = None) -> dict | None:
    """The worker job: send this week's digests unless they were sent (or are being sent).

    Called by every worker after each heartbeat. Usually one read. The week is claimed under a
    row lock (SELECT ... FOR UPDATE; SQLite's IMMEDIATE transactions serialise writers), so one
    worker sends; a claim older than DIGEST_LEASE that did not finish (the worker died) is taken
    over, and the per-user DigestRun rows make the second pass send only what the first did not.
    """
    from bphub.directory.models import ScheduledRun

    now = now or timezone.now()
    week_start = digest_week_start(now)
    week = week_start.date()

    def settled(run) -> bool:
        if run is None or run.last_run_on is None or run.last_run_on < week:
            return False
        if run.last_result.get("status") == "done":
            return True
        return run.last_run_at is not None and run.last_run_at > now - DIGEST_LEASE

    if settled(ScheduledRun.objects.filter(name=DIGEST_JOB_NAME).first()):
        return None
    ScheduledRun.objects.get_or_create(name=DIGEST_JOB_NAME)
    with transaction.atomic():
        run = ScheduledRun.objects.select_for_update().get(name=DIGEST_JOB_NAME)
        if settled(run):
            return None
        run.last_run_on = week
        run.last_run_at = now
        run.last_result = {"status": "running", "week": week.isoformat()}
        run.save()
    try:
        counts = digest_send_all(week_start=week_start)
    except Exception as error:  # noqa: BLE001 - logged; the lease lets the next upkeep try again
        ScheduledRun.objects.filter(name=DIGEST_JOB_NAME).update(
            last_result={
                "status": "failed",
                "week": week.isoformat(),
                "error": f"{type(error).__name__}: {error}"[:500],
            }
        )
        logger.exception("The weekly digest for %s failed; it is tried again later.", week)
        return None
    status = "failed" if counts["failed"] else "done"
    ScheduledRun.objects.filter(name=DIGEST_JOB_NAME).update(
        last_result={"status": status, "week": week.isoformat(), **counts}
    )
    logger.info("Weekly digest for %s: %s", week, counts)
    return counts

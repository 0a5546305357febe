"""Writes of the communications area. `notify` is THE entry point other modules call.

- `notify` (here): in-app notifications, and mail right away for readers who asked for it;
- `announcements`: announcements to an audience (`announcement_create`, `announcement_publish`);
- `notifications`: marking notifications read; `preferences`: how a user hears about each topic;
- `digest`: the weekly digest and the worker job that sends it once a week.
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from bphub.communications.models import Notification, Preference, Topic
from bphub.core import policy

logger = logging.getLogger(__name__)


def unread_cache_key(user_id: int) -> str:
    return f"communications:unread:{user_id}"


def unread_count_forget(user_ids: Iterable[int]) -> None:
    """Drop the cached unread counts of these users (after new notifications or a read)."""
    cache.delete_many([unread_cache_key(pk) for pk in user_ids])


def notify(
    *,
    users: Iterable,
    topic: str,
    verb: str,
    title: str | Callable[[], str],
    url: str = "",
    target=None,
    email: bool = True,
) -> list[Notification]:
    """Tell each of `users` about `target` (a record) in the app, and by mail as their preference says.

    Only users who may see `target` through the policy are told (deactivated accounts never are),
    so a caller may pass a wide audience. `title` must not say more than `target` itself shows; pass
    it as a function (`lambda: _("…") % {...}`) to have it written in each reader's own language.
    Mail goes through the outbox after the transaction commits (`email=False`: in the app only,
    whatever the preferences say). Returns the notifications written.
    """
    if topic not in Topic.values:
        raise ValueError(f"Unknown topic {topic!r}")
    content_type = ContentType.objects.get_for_model(target) if target is not None else None
    made = []
    seen = set()
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if target is not None and hasattr(target, "classification") and not policy.can_view(user, target):
            continue
        if callable(title):
            with translation.override(user.language or settings.LANGUAGE_CODE):
                text = str(title())
        else:
            text = str(title)
        made.append(
            Notification(
                user=user,
                topic=topic,
                verb=verb,
                title=text[:300],
                url=url,
                target_type=content_type,
                target_id=target.pk if target is not None else None,
            )
        )
    Notification.objects.bulk_create(made)
    told = [notification.user_id for notification in made]
    unread_count_forget(told)  # now, and again at the commit (a read meanwhile may have cached the old count)
    transaction.on_commit(lambda: unread_count_forget(told))
    if email:
        transaction.on_commit(lambda: _deliver_immediate(made))
    return made


def channels_for(user_ids: Iterable[int], topics: Iterable[str]) -> dict[tuple[int, str], str]:
    """{(user id, topic): channel} for these users and topics, defaults filled in (one query)."""
    user_ids, topics = set(user_ids), set(topics)
    chosen = {
        (user_id, topic): channel
        for user_id, topic, channel in Preference.objects.filter(user_id__in=user_ids, topic__in=topics).values_list(
            "user_id", "topic", "channel"
        )
    }
    return {
        (user_id, topic): chosen.get((user_id, topic), Preference.DEFAULTS.get(topic, Preference.Channel.APP))
        for user_id in user_ids
        for topic in topics
    }


def absolute_url(path: str) -> str:
    """A link for a mail: SITE_URL + a path of this site (full URLs are kept as they are)."""
    if not path:
        return settings.SITE_URL + "/"
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else "/" + path)


def _deliver_immediate(notifications: list[Notification]) -> None:
    """Mail the notifications whose readers asked for email right away (see Preference).

    One message per notification, in the reader's language, with only the notification's title
    and a link (nothing the title does not already show). Each notification is mailed at most
    once: `emailed_at` is set in the same transaction that queues the message in the outbox.
    Runs after the caller's commit; a failure is logged (the notifications stay in the app).
    """
    pending = [n for n in notifications if n.pk is not None and n.emailed_at is None]
    if not pending:
        return
    try:
        _mail_notifications(pending)
    except Exception:  # noqa: BLE001 - the change is committed; the notifications are in the app
        logger.exception("Could not queue notification mail for %s notification(s).", len(pending))


def _mail_notifications(pending: list[Notification]) -> None:
    channels = channels_for({n.user_id for n in pending}, {n.topic for n in pending})
    wanted = [n.pk for n in pending if channels[(n.user_id, n.topic)] == Preference.Channel.EMAIL]
    if not wanted:
        return
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(pk__in=wanted, emailed_at__isnull=True, user__is_active=True)
            .select_related("user")
        )
        now = timezone.now()
        for notification in rows:
            _send_notification_mail(notification)
            notification.emailed_at = now
        Notification.objects.bulk_update(rows, ["emailed_at"])


def _send_notification_mail(notification: Notification) -> None:
    user = notification.user
    title = " ".join(notification.title.split())
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "title": title,
            "link": absolute_url(notification.url),
            "preferences_link": absolute_url(reverse("communications:preferences")),
            "topic": Topic(notification.topic).label,
        }
        EmailMultiAlternatives(
            subject=f"[bphub] {title}"[:300],
            body=render_to_string("communications/email/notification.txt", context),
            to=[user.email],
            headers={"Content-Language": translation.get_language() or settings.LANGUAGE_CODE},
        ).send()

"""Writes of the communications area. `notify` is THE entry point other modules call."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from bphub.communications.models import Notification, Topic
from bphub.core import policy


def notify(*, users: Iterable, topic: str, verb: str, title: str, url: str = "", target=None) -> list[Notification]:
    """Tell each of `users` about `target` (a record) in the app, and by mail as their preference says.

    Only users who may see `target` through the policy are told (deactivated accounts never are),
    so a caller may pass a wide audience. `title` must not say more than `target` itself shows.
    Mail goes through the outbox after the transaction commits. Returns the notifications written.
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
        made.append(
            Notification(
                user=user,
                topic=topic,
                verb=verb,
                title=title[:300],
                url=url,
                target_type=content_type,
                target_id=target.pk if target is not None else None,
            )
        )
    Notification.objects.bulk_create(made)
    transaction.on_commit(lambda: _deliver_immediate(made))
    return made


def _deliver_immediate(notifications: list[Notification]) -> None:
    """Mail the notifications whose readers asked for email right away (see Preference)."""
    # Filled in by the communications work: preferences, the user's language, the outbox.
    return None

"""Reads of the communications area, filtered by the policy.

A notification is shown only while its reader may still see its target: the filter is built
from the policy (`visible_to`) for each kind of target, so a record narrowed or removed after
the notification was written drops out of the list and the count, title and all.
"""

import functools

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet

from bphub.communications.models import Announcement, Notification
from bphub.communications.services import unread_cache_key
from bphub.core import policy
from bphub.core.models import ClassifiedModel

UNREAD_CACHE_SECONDS = 60


def announcements_visible_to(user) -> QuerySet[Announcement]:
    """Published announcements the user may read, newest first."""
    queryset = Announcement.objects.filter(published_at__isnull=False).select_related(
        "originator", "audience_body", "audience_sub_region"
    )
    return policy.visible_to(queryset, user).order_by("-published_at", "-id")


@functools.cache
def _classified_models() -> tuple:
    return tuple(model for model in apps.get_models() if issubclass(model, ClassifiedModel))


def _visible_targets(user) -> Q:
    """No target, a target that is not a classified record, or one the user may see now.

    One correlated EXISTS per kind of classified record, on its primary key: cheap for the few
    rows of one user. (Content types come from Django's in-process cache.)
    """
    types = ContentType.objects.get_for_models(*_classified_models(), for_concrete_models=False)
    condition = Q(target_type__isnull=True) | ~Q(target_type_id__in=[ct.pk for ct in types.values()])
    for model, content_type in types.items():
        targets = policy.visible_to(model._default_manager.filter(pk=OuterRef("target_id")), user)
        condition |= Q(target_type_id=content_type.pk) & Exists(targets)
    return condition


def notifications_visible_to(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first, left out where the target may not be seen now."""
    return Notification.objects.filter(user=user).filter(_visible_targets(user)).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """How many of the user's visible notifications are unread; cached for a minute per user.

    The cache entry is dropped when the user is notified or reads; a target narrowed meanwhile
    drops out of the count within the minute (the count names nothing).
    """
    if not getattr(user, "is_authenticated", False):
        return 0
    key = unread_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = notifications_visible_to(user).filter(read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count

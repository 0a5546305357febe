"""Marking a user's own notifications read."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from bphub.communications.models import Notification
from bphub.communications.services import unread_count_forget


@transaction.atomic
def notification_mark_read(*, user, notification_id) -> Notification:
    """Mark one of `user`'s notifications read (again is harmless). Http404 for anyone else's."""
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        unread_count_forget([user.pk])
        transaction.on_commit(lambda: unread_count_forget([user.pk]))
    return notification


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of `user` read; returns how many there were."""
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    unread_count_forget([user.pk])
    transaction.on_commit(lambda: unread_count_forget([user.pk]))
    return count

"""Per-user mail preferences: how a user hears about each topic."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bphub.communications.models import Preference, Topic
from bphub.core.audit import audit_record


def preferences_of(user) -> dict[str, str]:
    """{topic: channel} for every topic, the defaults filled in where the user chose nothing."""
    chosen = dict(Preference.objects.filter(user=user).values_list("topic", "channel"))
    return {topic: chosen.get(topic, Preference.DEFAULTS[topic]) for topic in Topic.values}


@transaction.atomic
def preferences_save(*, user, channels: dict[str, str], request=None) -> dict[str, str]:
    """Save `user`'s channel for each topic in `channels` ({topic: channel}); returns them all.

    Raises ValidationError naming the topic for an unknown topic or channel; nothing is saved then.
    """
    errors = {}
    for topic, channel in channels.items():
        if topic not in Topic.values:
            errors[topic] = _("Unknown topic.")
        elif channel not in Preference.Channel.values:
            errors[topic] = _("Choose email right away, the weekly digest, or in the app only.")
    if errors:
        raise ValidationError(errors)
    before = preferences_of(user)
    changed = {topic: channel for topic, channel in channels.items() if before[topic] != channel}
    for topic, channel in channels.items():
        Preference.objects.update_or_create(user=user, topic=topic, defaults={"channel": channel})
    if changed:
        audit_record(verb="preferences.notifications_changed", actor=user, target=user, request=request, **changed)
    return preferences_of(user)

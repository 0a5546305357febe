"""Time zones by their tz-database names, shared by every app that stores one (members, meetings,
people): never a fixed offset, since offsets change with daylight saving and with the law."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    """A name from the tz database ("Asia/Kathmandu"), never a fixed offset."""
    if value not in available_timezones():
        raise ValidationError(_("“%(zone)s” is not a time zone of the tz database."), params={"zone": value})


def zone(name: str) -> ZoneInfo:
    """The zone of `name`, the site's zone for an empty name, UTC for a name the tz database lacks."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")

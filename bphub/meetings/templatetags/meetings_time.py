"""Times as meetings show them: in the reader's zone, with the host's beside it when it differs."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from bphub.meetings.models import zone

register = template.Library()


@register.simple_tag
def both_times(instant, time_zone_name, fmt="D j M Y, H:i"):
    """`<time>` in the reader's zone, and "(… in Asia/Bangkok)" when the host's zone differs."""
    if instant is None:
        return ""
    reader_zone = timezone.get_current_timezone()
    host_zone = zone(time_zone_name)
    mine = timezone.localtime(instant, reader_zone)
    theirs = timezone.localtime(instant, host_zone)
    shown = format_html('<time datetime="{}">{}</time>', instant.isoformat(), date_format(mine, fmt, use_l10n=True))
    if mine.utcoffset() == theirs.utcoffset() and str(reader_zone) == str(host_zone):
        return shown
    return format_html(
        '{} <span class="host-time">({})</span>',
        shown,
        _("%(time)s in %(zone)s") % {"time": date_format(theirs, fmt, use_l10n=True), "zone": host_zone.key},
    )


@register.filter
def in_zone(instant, time_zone_name):
    """The instant as a local datetime in the named zone (for formatting with |date)."""
    if instant is None:
        return None
    return timezone.localtime(instant, zone(time_zone_name))

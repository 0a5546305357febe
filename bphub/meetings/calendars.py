"""iCalendar feeds (RFC 5545, built with `icalendar`).

Each meeting is one VEVENT: a UID stable for the meeting's life (`meeting-<pk>@<site host>`),
DTSTART/DTEND in the host's zone with TZID (and the matching VTIMEZONE, generated from the tz
database), SEQUENCE and LAST-MODIFIED from `updated_at`, the meeting's URL, its venue and online
link as LOCATION, STATUS, and two reminders (a day and an hour before).

A feed body is the same for every reader who sees the same meetings, so it is cached keyed on the
feed, the readership (`readership_key`), the language, the site host and the newest `updated_at`
and count of its meetings: any change to a meeting (every service calls `meeting_touch`) or to
who may see it gives a new key, so a fetch never shows a stale feed.
"""

import hashlib
from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, vText

from bphub.core.i18n import localize
from bphub.core.models import Classification
from bphub.meetings.models import Kind, Meeting, zone

FEED_FORMAT_VERSION = 1  # bump when the shape of the feed changes, so cached bodies are rebuilt
FEED_CACHE_SECONDS = 24 * 3600
PRODID = "-//Bali Process Regional Support Office//bphub//EN"
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
STATUS_FOR_FEED = {
    Meeting.Status.DRAFT: "TENTATIVE",
    Meeting.Status.ANNOUNCED: "CONFIRMED",
    Meeting.Status.REGISTRATION_OPEN: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.OUTCOMES_PUBLISHED: "CONFIRMED",
    Meeting.Status.CLOSED: "CONFIRMED",
}
REMINDERS = (timedelta(days=1), timedelta(hours=1))


def meeting_path(pk: int) -> str:
    try:
        return reverse("meetings:meeting_detail", kwargs={"pk": pk})
    except NoReverseMatch:  # the meeting page is another part's; a feed must not fail without it
        return f"/meetings/{pk}/"


def sequence_of(updated_at: datetime) -> int:
    """An increasing SEQUENCE from the last change (seconds since 2020: fits RFC 5545's integer)."""
    return max(0, int((updated_at - SEQUENCE_EPOCH).total_seconds()))


@lru_cache(maxsize=256)
def vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of `tzid` from `first_year` to `last_year`, from the tz database (cached)."""
    component = Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1))
    return component.to_ical()


class _EventCache:
    """Serialized VEVENTs by (meeting, updated_at, language, site), so that a feed rebuilt after a
    change re-serializes only the meetings that changed: first in this process (bounded LRU), then
    in the shared cache (every worker, across restarts)."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict = OrderedDict()

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        found = {}
        for key in keys:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
                found[key] = value
        missing = [key for key in keys if key not in found]
        if missing:
            shared = cache.get_many(missing)
            for key, value in shared.items():
                self._remember(key, value)
            found.update(shared)
        return found

    def set_many(self, values: dict[str, bytes]) -> None:
        for key, value in values.items():
            self._remember(key, value)
        if values:
            cache.set_many(values, FEED_CACHE_SECONDS)

    def _remember(self, key: str, value: bytes) -> None:
        self.entries[key] = value
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


_events = _EventCache(size=5000)
CALENDAR_END = b"END:VCALENDAR\r\n"


def _event_key(row: dict, language: str | None, site: str) -> str:
    stamp = row["updated_at"].astimezone(UTC).strftime("%Y%m%dT%H%M%S.%f")
    # Classification and status as well: they change what the event says even if a careless write
    # forgot to touch updated_at.
    return (
        f"calendar-event:{FEED_FORMAT_VERSION}:{row['id']}:{stamp}:{row['classification']}:{row['status']}:"
        f"{language}:{site}"
    )


def build_feed(rows: list[dict], *, name: str, base_url: str, host: str, language: str | None = None) -> bytes:
    """The iCalendar body for `rows` (from `selectors.calendars.feed_rows`)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    years: dict[str, tuple[int, int]] = {}
    for row in rows:
        tzid = zone(row["time_zone"]).key
        first, last = years.get(tzid, (row["starts_at"].year, row["ends_at"].year))
        years[tzid] = (min(first, row["starts_at"].year), max(last, row["ends_at"].year))
    site = hashlib.sha256(f"{base_url}|{host}".encode()).hexdigest()[:16]
    keys = [_event_key(row, language, site) for row in rows]
    known = _events.get_many(keys)
    kind_labels = dict(Kind.choices)
    made = {}
    for key, row in zip(keys, rows, strict=True):
        if key not in known:
            made[key] = _event(
                row, zone(row["time_zone"]), base_url=base_url, host=host, kind_labels=kind_labels, language=language
            ).to_ical()
    _events.set_many(made)
    events = [known.get(key) or made[key] for key in keys]
    # VTIMEZONEs cover whole years around the feed's meetings, so they change rarely (and cache well).
    timezones = [
        vtimezone_ical(tzid, first - 1, last + 1) for tzid, (first, last) in sorted(years.items()) if tzid != "UTC"
    ]
    head = calendar.to_ical()
    assert head.endswith(CALENDAR_END)
    return b"".join([head[: -len(CALENDAR_END)], *timezones, *events, CALENDAR_END])


def _event(row: dict, host_zone, *, base_url: str, host: str, kind_labels: dict, language: str | None) -> Event:
    event = Event()
    url = base_url + meeting_path(row["id"])
    event.add("uid", f"meeting-{row['id']}@{host}")
    event.add("dtstamp", row["updated_at"].astimezone(UTC))
    event.add("dtstart", row["starts_at"].astimezone(host_zone))
    event.add("dtend", row["ends_at"].astimezone(host_zone))
    event.add("summary", localize(row["title"], language).text or _("Meeting"))
    kind = str(kind_labels.get(row["kind"], row["kind"]))
    lines = [kind]
    if row["group__code"]:
        lines[0] = f"{kind} · {row['group__code']}"
    if row["classification"] != Classification.PUBLIC:
        lines.append(
            _("Classification: %(level)s. Do not forward.") % {"level": Classification(row["classification"]).label}
        )
    description = localize(row["description"], language).text
    if description:
        lines.append(description)
    if row["online_url"]:
        lines.append(_("Online: %(url)s") % {"url": row["online_url"]})
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    location = " · ".join(part for part in (row["venue"], row["online_url"]) if part)
    if location:
        event.add("location", vText(location))
    event.add("url", url)
    event.add("status", STATUS_FOR_FEED.get(row["status"], "CONFIRMED"))
    event.add("sequence", sequence_of(row["updated_at"]))
    event.add("created", row["created_at"].astimezone(UTC))
    event.add("last-modified", row["updated_at"].astimezone(UTC))
    event.add("class", "PUBLIC" if row["classification"] == Classification.PUBLIC else "CONFIDENTIAL")
    event.add("categories", [kind])
    summary = localize(row["title"], language).text
    for before in REMINDERS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary or _("Meeting"))
        alarm.add("trigger", -before)
        event.add_component(alarm)
    return event


def feed_cache_key(*parts) -> str:
    raw = "|".join(str(part) for part in (FEED_FORMAT_VERSION, *parts))
    return "calendar-feed:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_feed(key: str, build) -> bytes:
    """The cached body under `key`, built (and stored) by `build()` when missing."""
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, FEED_CACHE_SECONDS)
    return body


def feed_language() -> str:
    return (get_language() or "en").lower()

"""Time zones by their tz-database names, shared by every app that stores one (members, meetings,
people): never a fixed offset, since offsets change with daylight saving and with the law.

Choosing a zone: the tz database's own table of zones by country (zone.tab) gives the canonical
names (about 420, not the ~600 names with their legacy aliases), the region each belongs to and
the zones of a member's country, so a person is offered their member's zones first, then every zone
grouped by region, and can narrow the list by a city, a region or a country name.
"""

import functools
import unicodedata
import zoneinfo
from datetime import datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The regions of the tz database, in the order a person of the Bali Process region looks for them.
REGIONS = {
    "Asia": _("Asia"),
    "Pacific": _("Pacific"),
    "Australia": _("Australia"),
    "Indian": _("Indian Ocean"),
    "Europe": _("Europe"),
    "America": _("Americas"),
    "Africa": _("Africa"),
    "Atlantic": _("Atlantic"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
}
OTHER_REGION = _("Other")


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, for matching what a person types."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


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


def home_zone_name(member=None) -> str:
    """The zone a person works in until they choose another: their member's (the capital's or the
    headquarters'), else the RSO's (Bangkok). Never UTC for someone in Bangkok or Jakarta."""
    name = getattr(member, "time_zone", "") or ""
    return name if name in available_timezones() else settings.RSO_TIME_ZONE


def _zone_table() -> str:
    """zone.tab from the tz database zoneinfo reads (the system's, else the tzdata package's)."""
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ""


@functools.cache
def zone_catalog() -> dict[str, tuple[str, str]]:
    """Every canonical zone this machine knows: name -> (country code, the table's comment)."""
    known = available_timezones()
    catalog: dict[str, tuple[str, str]] = {}
    for line in _zone_table().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _coordinates, name, *comment = line.split("\t")
        if name in known:
            catalog[name] = (country, comment[0] if comment else "")
    if not catalog:  # no zone table: every name with a region
        catalog = {name: ("", "") for name in known if name.split("/")[0] in REGIONS}
    return catalog


def country_zones(country: str) -> list[str]:
    """The zones of a country (ISO 3166 alpha-2), in the table's order (most populous first)."""
    country = (country or "").upper()
    return [name for name, (code, _comment) in zone_catalog().items() if code == country]


def offset_label(name: str, now: datetime | None = None) -> str:
    """“UTC+07:00” for Asia/Bangkok today (an offset changes with daylight saving and the law)."""
    offset = (now or datetime.now(tz=ZoneInfo("UTC"))).astimezone(zone(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(name: str, *, with_comment: bool = False) -> str:
    """“Asia/Makassar (UTC+08:00)”, with the table's note on where it applies when asked."""
    label = f"{name.replace('_', ' ')} ({offset_label(name)})"
    comment = zone_catalog().get(name, ("", ""))[1]
    return f"{label}: {comment}" if with_comment and comment else label


def zone_matches(name: str, query: str, country_names=lambda code: []) -> bool:
    """Whether `query` names `name`: part of the zone's name, its note, its region or its country."""
    words = _fold(query.replace("_", " ").replace("/", " ")).split()
    if not words:
        return True
    country, comment = zone_catalog().get(name, ("", ""))
    region = REGIONS.get(name.split("/")[0], "")
    haystack = _fold(" ".join([name.replace("_", " "), comment, str(region), *country_names(country)]))
    return all(word in haystack for word in words)


def grouped_zone_choices(*, first: list[str], first_label: str, query: str = "", keep: str = "",
                         country_names=lambda code: []) -> list[tuple[str, list[tuple[str, str]]]]:
    """Zone choices as option groups: `first` (a member's own zones) under `first_label`, then every
    zone by region, then UTC; only those `query` names (and `keep`, the stored value, always)."""

    country_names = functools.cache(country_names)  # asked once per country, not once per zone

    def wanted(name: str) -> bool:
        return name == keep or zone_matches(name, query, country_names)

    catalog = zone_catalog()
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    known = available_timezones()
    own = [name for name in dict.fromkeys(first) if name in known and wanted(name)]
    if own:
        groups.append((first_label, [(name, zone_label(name, with_comment=True)) for name in own]))
    by_region: dict[str, list[str]] = {region: [] for region in REGIONS}
    shown_first = set(own) if query else set()  # a short list of matches names each zone once
    for name in sorted(catalog):
        region = name.split("/")[0]
        if region in by_region and name not in shown_first and wanted(name):
            by_region[region].append(name)
    for region, names in by_region.items():
        if names:
            groups.append((str(REGIONS[region]), [(name, zone_label(name)) for name in names]))
    others = [name for name in ("UTC", keep) if name and name not in catalog and name in known]
    others = [name for name in dict.fromkeys(others) if wanted(name)]
    if others:
        groups.append((str(OTHER_REGION), [(name, zone_label(name)) for name in others]))
    return groups

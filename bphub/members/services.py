"""Loading and correcting the reference data."""

import calendar
import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.core.audit import audit_record
from bphub.members.models import Body, BodyMembership, Member, SubRegion, Theme

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    kept_local: list[str] = field(default_factory=list)

    def count(self, bucket: str, kind: str) -> None:
        target = getattr(self, bucket)
        target[kind] = target.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


REFERENCE_VERSION_KEY = "members:reference-version"


def reference_version() -> int:
    """A number that changes whenever reference data changes (keys cached fragments of its pages)."""
    from django.core.cache import cache

    return cache.get_or_set(REFERENCE_VERSION_KEY, 1, timeout=None)


def reference_version_bump() -> None:
    from django.core.cache import cache

    cache.set(REFERENCE_VERSION_KEY, reference_version() + 1, timeout=None)


class ReferenceFileError(ValueError):
    """A reference file row that cannot be loaded; names the file, row and reason."""


def parse_partial_date(text: str, *, end: bool, where: str) -> tuple[date | None, str]:
    """'2017' -> 2017-01-01 (start) or 2017-12-31 (end), with its precision."""
    text = (text or "").strip()
    if not text:
        return None, BodyMembership.Precision.DAY
    match = PARTIAL_DATE.match(text)
    if not match:
        raise ReferenceFileError(f"{where}: {text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if day:
            return date(year, int(month), int(day)), BodyMembership.Precision.DAY
        if month:
            last = calendar.monthrange(year, int(month))[1]
            return date(year, int(month), last if end else 1), BodyMembership.Precision.MONTH
        return date(year, 12, 31) if end else date(year, 1, 1), BodyMembership.Precision.YEAR
    except ValueError as error:
        raise ReferenceFileError(f"{where}: {text!r} is not a real date ({error})") from None


def _read(path: Path) -> list[tuple[int, dict]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [(number, row) for number, row in enumerate(csv.DictReader(handle), start=2)]


def _upsert(model, lookup: dict, values: dict, report: LoadReport, kind: str):
    """Create or update one row; a row corrected in the app keeps the correction."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        report.count("created", kind)
        return instance
    if getattr(instance, "edited_in_app_at", None):
        report.kept_local.append(f"{kind} {lookup}")
        return instance
    changed = False
    for name, value in values.items():
        if name == "name":
            # The files give English and the versions names.csv has; any other language is kept.
            value = {**(instance.name or {}), **value}
        if getattr(instance, f"{name}_id" if name in {"sub_region", "member", "body"} else name) != (
            value.pk if hasattr(value, "pk") else value
        ):
            setattr(instance, name, value)
            changed = True
    if changed:
        instance.full_clean()
        instance.save()
        report.count("updated", kind)
    else:
        report.count("unchanged", kind)
    return instance


NAME_TABLES = ("member", "body", "theme")


def _read_names(directory: Path) -> dict[tuple[str, str], dict[str, str]]:
    """names.csv: each reference record's name in other languages, {(table, code): {"th": "…"}}.

    A language left empty has no version yet: the English name is shown with its fallback mark.
    """
    path = directory / "names.csv"
    if not path.exists():
        return {}
    from bphub.core.i18n import content_language_codes

    names: dict[tuple[str, str], dict[str, str]] = {}
    for number, row in _read(path):
        where = f"names.csv row {number}"
        table, code = (row.pop("table") or "").strip(), (row.pop("code") or "").strip()
        if table not in NAME_TABLES:
            raise ReferenceFileError(f"{where}: table {table!r} is not one of {', '.join(NAME_TABLES)}")
        unknown = sorted(set(row) - (content_language_codes() - {"en"}))  # English comes from the main files
        if unknown:
            raise ReferenceFileError(f"{where}: column(s) {', '.join(unknown)} are not other content languages")
        names[(table, code)] = {language: text.strip() for language, text in row.items() if (text or "").strip()}
    return names


def _check_names_known(names: dict[tuple[str, str], dict[str, str]]) -> None:
    """Every row of names.csv names a record the files loaded (a typo must not pass unseen)."""
    known = {
        "member": set(Member.objects.values_list("code", flat=True)),
        "body": set(Body.objects.values_list("code", flat=True)),
        "theme": set(Theme.objects.values_list("code", flat=True)),
    }
    for table, code in names:
        if code not in known[table]:
            raise ReferenceFileError(f"names.csv: unknown {table} {code!r}")


WEEKEND_PATTERN = re.compile(r"^[1-7](,[1-7]){0,5}$")


def _load_time_zones(directory: Path, report: LoadReport) -> None:
    """Fill each member's time zone and weekend from time_zones.csv (when the file is there).

    A member corrected in the app keeps what it has: only an empty time zone is filled in, and
    its weekend is left as the RSO set it.
    """
    path = directory / "time_zones.csv"
    if not path.exists():
        return
    from bphub.core.timezones import validate_time_zone

    members = {member.code: member for member in Member.objects.all()}
    for number, row in _read(path):
        where = f"time_zones.csv row {number}"
        member = members.get(row["code"].strip())
        if member is None:
            raise ReferenceFileError(f"{where}: unknown member {row['code']!r}")
        zone_name, weekend = row["time_zone"].strip(), row["weekend"].strip().replace(" ", "")
        try:
            validate_time_zone(zone_name)
        except ValidationError:
            raise ReferenceFileError(f"{where}: {zone_name!r} is not a time zone of the tz database") from None
        if not WEEKEND_PATTERN.match(weekend):
            raise ReferenceFileError(f"{where}: weekend {weekend!r} is not ISO weekdays such as 6,7")
        values = {"time_zone": zone_name, "weekend": weekend}
        if member.edited_in_app_at:
            if member.time_zone:
                report.kept_local.append(f"time zone of {member.code}")
                continue
            values = {"time_zone": zone_name}
        changed = {name: value for name, value in values.items() if getattr(member, name) != value}
        if changed:
            Member.objects.filter(pk=member.pk).update(**changed, updated_at=timezone.now())
            report.count("updated", "member time zone")
        else:
            report.count("unchanged", "member time zone")


@transaction.atomic
def reference_load(*, directory: Path = REFERENCE_DIR) -> LoadReport:
    """Load the reference files: idempotent, never duplicates, all or nothing.

    Raises ReferenceFileError naming the file, row and reason; nothing is changed then.
    """
    report = LoadReport()
    regions: dict[str, SubRegion] = {}
    names = _read_names(directory)

    def region(name: str) -> SubRegion | None:
        name = name.strip()
        if not name:
            return None
        if name not in regions:
            regions[name], created = SubRegion.objects.get_or_create(name=name)
            report.count("created" if created else "unchanged", "sub-region")
        return regions[name]

    for number, row in _read(directory / "members.csv"):
        where = f"members.csv row {number}"
        kind = row["kind"].strip()
        if kind not in {"state", "organisation"}:
            raise ReferenceFileError(f"{where}: kind {kind!r} is not state or organisation")
        if "SAR" in row["name"] or "participant economy" in row.get("note", ""):
            kind = Member.Kind.ECONOMY
        _upsert(
            Member,
            {"code": row["code"].strip()},
            {
                "name": {"en": row["name"].strip(), **names.get(("member", row["code"].strip()), {})},
                "country": row["iso3166_alpha2"].strip(),
                "kind": kind,
                "standing": Member.Standing.MEMBER,
                "sub_region": region(row["sub_region"]),
                "is_confirmed": row["confirmed"].strip() == "S",
                "source_note": row.get("note", "").strip(),
            },
            report,
            "member",
        )

    for number, row in _read(directory / "observers.csv"):
        where = f"observers.csv row {number}"
        name = row["name"].strip()
        acronym = re.search(r"\(([^)]+)\)\s*$", name)
        code = row["iso3166_alpha2"].strip() or (acronym[1] if acronym else "")
        if not code:
            raise ReferenceFileError(f"{where}: an observer needs an ISO code or an acronym in brackets")
        _upsert(
            Member,
            {"code": code[:16]},
            {
                "name": {"en": name, **names.get(("member", code[:16]), {})},
                "country": row["iso3166_alpha2"].strip(),
                "kind": Member.Kind.STATE if row["kind"].strip() == "state" else Member.Kind.ORGANISATION,
                "standing": Member.Standing.OBSERVER,
                "sub_region": None,
                "is_confirmed": row["confirmed"].strip() == "S",
                "source_note": row.get("note", "").strip(),
            },
            report,
            "member",
        )

    _load_time_zones(directory, report)

    for number, row in _read(directory / "bodies.csv"):
        where = f"bodies.csv row {number}"
        if row["kind"].strip() not in Body.Kind.values:
            raise ReferenceFileError(f"{where}: kind {row['kind']!r} is unknown")
        established = row["established"].strip()
        if established:
            parse_partial_date(established, end=False, where=where)
        _upsert(
            Body,
            {"code": row["code"].strip()},
            {
                "name": {"en": row["name"].strip(), **names.get(("body", row["code"].strip()), {})},
                "kind": row["kind"].strip(),
                "established": established,
                "is_confidential": row["confidential"].strip().lower() == "yes",
                "source_note": row.get("note", "").strip(),
            },
            report,
            "body",
        )

    members = {member.code: member for member in Member.objects.all()}
    bodies = {body.code: body for body in Body.objects.all()}
    for number, row in _read(directory / "body_roles.csv"):
        where = f"body_roles.csv row {number}"
        member, body = members.get(row["member"].strip()), bodies.get(row["body"].strip())
        if member is None or body is None:
            raise ReferenceFileError(f"{where}: unknown member {row['member']!r} or body {row['body']!r}")
        role = row["role"].strip()
        if role not in BodyMembership.Role.values:
            raise ReferenceFileError(f"{where}: role {role!r} is unknown")
        valid_from, from_precision = parse_partial_date(row["valid_from"], end=False, where=f"{where} valid_from")
        valid_to, to_precision = parse_partial_date(row["valid_to"], end=True, where=f"{where} valid_to")
        note = row.get("source_note", "").strip()
        _upsert(
            BodyMembership,
            {"member": member, "body": body, "role": role, "valid_from": valid_from},
            {
                "valid_from_precision": from_precision,
                "valid_to": valid_to,
                "valid_to_precision": to_precision,
                "source": note or "Reference data (public sources)",
                # Open-ended seats with no dates, or marked unconfirmed, stay marked as such.
                "is_confirmed": valid_from is not None and "unconfirmed" not in note,
            },
            report,
            "seat",
        )

    for position, (_number, row) in enumerate(_read(directory / "themes.csv")):
        source = Theme.Source.ADELAIDE if "Adelaide" in row["source"] else Theme.Source.SEED
        _upsert(
            Theme,
            {"code": row["code"].strip()},
            {
                "name": {"en": row["name"].strip(), **names.get(("theme", row["code"].strip()), {})},
                "source": source,
                "position": position,
                "source_note": row["source"].strip(),
            },
            report,
            "theme",
        )
    _check_names_known(names)
    audit_record(verb="reference.loaded", created=report.created, updated=report.updated,
                 kept_local=report.kept_local)
    transaction.on_commit(reference_version_bump)
    return report


@transaction.atomic
def reference_record_update(*, actor, instance, form_data: dict, request=None):
    """An RSO admin's correction of a reference record; kept when the files are loaded again."""
    from bphub.core import policy

    if not policy.may(actor, policy.Capability.EDIT_REFERENCE_DATA):
        raise ValidationError(_("Only RSO admins can correct reference data."))
    # Read "before" from the database: a bound ModelForm has already put the new values on `instance`.
    stored = type(instance).objects.get(pk=instance.pk)
    before = {name: str(getattr(stored, name)) for name in form_data}
    for name, value in form_data.items():
        setattr(instance, name, value)
    instance.edited_in_app_at = timezone.now()
    instance.full_clean()
    instance.save()
    after = {name: str(getattr(instance, name)) for name in form_data}
    changes = {name: [before[name], after[name]] for name in form_data if before[name] != after[name]}
    verb = "membership.changed" if isinstance(instance, BodyMembership) else "reference.changed"
    audit_record(verb=verb, actor=actor, target=instance, request=request, changes=changes)
    transaction.on_commit(reference_version_bump)
    return instance


@transaction.atomic
def body_membership_create(*, actor, request=None, **values) -> BodyMembership:
    from bphub.core import policy

    if not policy.may(actor, policy.Capability.EDIT_REFERENCE_DATA):
        raise ValidationError(_("Only RSO admins can change who sits on a body."))
    seat = BodyMembership(**values, edited_in_app_at=timezone.now())
    seat.full_clean()
    seat.save()
    audit_record(
        verb="membership.created",
        actor=actor,
        target=seat,
        request=request,
        member=seat.member.code,
        body=seat.body.code,
        role=seat.role,
        valid_from=str(seat.valid_from or ""),
        valid_to=str(seat.valid_to or ""),
    )
    transaction.on_commit(reference_version_bump)
    return seat

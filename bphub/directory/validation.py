"""Field rules shared by the forms, the spreadsheet import, proposals and the API.

Each `clean_*` returns the normalised value or raises ValidationError with a message a person
can act on; callers add the row and column.
"""

import functools
import zoneinfo

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from bphub.directory.models import RoleKind


def clean_email(raw: str) -> str:
    address = (raw or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(_("“%(value)s” is not a valid email address.") % {"value": raw}) from None
    return address


def clean_emails(raw: str | list) -> list[str]:
    """One or more addresses, separated by commas, semicolons or spaces; duplicates dropped."""
    items = raw if isinstance(raw, list) else str(raw or "").replace(";", ",").replace(" ", ",").split(",")
    result: list[str] = []
    for item in items:
        if str(item).strip():
            address = clean_email(str(item))
            if address not in result:
                result.append(address)
    return result


def clean_phone(raw: str, *, region: str = "") -> str:
    """The number in E.164 (+6221...). Numbers without a country code are read in `region`."""
    text = str(raw or "").strip()
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        if not text.startswith("+") and not region:
            raise ValidationError(_("“%(value)s” needs a country code, e.g. +62 21 555 0100.") % {"value": text})
        raise ValidationError(_("“%(value)s” is not a valid phone number.") % {"value": text})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_phones(raw: str | list, *, region: str = "") -> list[str]:
    items = raw if isinstance(raw, list) else str(raw or "").replace(";", ",").split(",")
    result: list[str] = []
    for item in items:
        if str(item).strip():
            number = clean_phone(str(item), region=region)
            if number not in result:
                result.append(number)
    return result


def format_phone(e164: str) -> str:
    """International format for display (+62 21 5550100)."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def clean_language(raw: str) -> str:
    code = (raw or "").strip().lower()
    if not code:
        return ""
    codes = {c for c, _name in settings.CONTENT_LANGUAGES}
    names = {str(name).lower(): c for c, name in settings.CONTENT_LANGUAGES}
    if code in codes:
        return code
    if code in names:
        return names[code]
    raise ValidationError(_("“%(value)s” is not a language code we know (e.g. en, id, th).") % {"value": raw})


@functools.cache
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # reads the disk: once per process


def clean_time_zone(raw: str) -> str:
    name = (raw or "").strip()
    if not name:
        return ""
    if name not in _time_zone_names():
        raise ValidationError(_("“%(value)s” is not a time zone name (e.g. Asia/Jakarta).") % {"value": raw})
    return name


ROLE_ALIASES = {
    "national": RoleKind.NATIONAL,
    "national focal point": RoleKind.NATIONAL,
    "nfp": RoleKind.NATIONAL,
    "som": RoleKind.SOM_DELEGATE,
    "som delegate": RoleKind.SOM_DELEGATE,
    "senior officials' meeting delegate": RoleKind.SOM_DELEGATE,
    "wg": RoleKind.WORKING_GROUP,
    "working group": RoleKind.WORKING_GROUP,
    "working-group": RoleKind.WORKING_GROUP,
    "theme": RoleKind.THEMATIC,
    "thematic": RoleKind.THEMATIC,
}


def clean_roles(raw: str, *, bodies: dict, themes: dict) -> list[dict]:
    """Roles written as `national; som; wg:WG-TIP; theme:safety-at-sea`.

    `bodies` maps upper-case body codes to Body, `themes` maps theme codes to Theme.
    Returns [{"kind", "body", "theme"}] without duplicates.
    """
    result: list[dict] = []
    for part in str(raw or "").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        head, _sep, tail = part.partition(":")
        kind = ROLE_ALIASES.get(" ".join(head.lower().split()))
        if kind is None:
            raise ValidationError(
                _("“%(value)s” is not a role (use national, som, wg:CODE or theme:CODE).") % {"value": part}
            )
        role = {"kind": str(kind), "body": None, "theme": None}
        if kind == RoleKind.WORKING_GROUP:
            body = bodies.get(tail.strip().upper())
            if body is None:
                raise ValidationError(_("“%(value)s” names no working group we know.") % {"value": part})
            role["body"] = body
        elif kind == RoleKind.THEMATIC:
            theme = themes.get(tail.strip().lower())
            if theme is None:
                raise ValidationError(_("“%(value)s” names no theme we know.") % {"value": part})
            role["theme"] = theme
        if role not in result:
            result.append(role)
    return result


def role_code(kind: str, body_code: str | None = None, theme_code: str | None = None) -> str:
    """A role as the spreadsheet writes it (national, som, wg:CODE, theme:code): clean_roles' inverse."""
    if kind == RoleKind.WORKING_GROUP:
        return f"wg:{body_code}"
    if kind == RoleKind.THEMATIC:
        return f"theme:{theme_code}"
    return {RoleKind.NATIONAL: "national", RoleKind.SOM_DELEGATE: "som"}.get(kind, kind)


def role_label_for_sheet(role) -> str:
    """role_code of one FocalPointRole (exports)."""
    return role_code(role.kind, role.body.code if role.body_id else None, role.theme.code if role.theme_id else None)

"""Template helpers of the record pages: the language of a name in its own script."""

from django import template

from bphub.directory.forms import member_language

register = template.Library()


@register.filter
def name_lang(person) -> str:
    """BCP 47 code for `person.local_name`: their member's script language, else their preferred
    language, else "und" (undetermined) so screen readers do not read it as the page language."""
    own = member_language(person.member) if person.member_id else ""
    return own or (person.preferred_language if person.preferred_language not in ("", "en") else "und")


@register.filter
def own_names(agency) -> list[tuple[str, str]]:
    """The agency's names other than English, as (language, text)."""
    return [(code, text) for code, text in sorted((agency.name or {}).items()) if code != "en" and text]


@register.filter
def english_name(agency) -> str:
    names = agency.name or {}
    return names.get("en") or next((text for text in names.values() if text), "")

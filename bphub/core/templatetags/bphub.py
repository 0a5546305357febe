from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bphub.core.i18n import localize, name_shows_code, with_code

register = template.Library()


@register.simple_tag
def translated(value, language=None):
    """Render multilingual text in the reader's language, marking a fallback with its language."""
    text = localize(value, language)
    if not text.text:
        return ""
    if text.is_fallback:
        return format_html(
            '<span lang="{}">{}</span> <abbr class="lang-mark" title="{}">{}</abbr>',
            text.language,
            text.text,
            _("Shown in %(language)s: no version in your language yet") % {"language": text.language.upper()},
            text.language.upper(),
        )
    return format_html('<span lang="{}">{}</span>', text.language, text.text)


@register.filter
def localized(value):
    return localize(value).text


def _name_and_code(record) -> tuple[str, str]:
    """A member's, body's or agency's name (in the reader's language) and its code or acronym."""
    name = localize(record.name).text if isinstance(getattr(record, "name", None), dict) else str(record)
    return name, getattr(record, "code", "") or getattr(record, "acronym", "") or ""


@register.filter
def needs_code(record) -> bool:
    """`{% if member|needs_code %} ({{ member.code }}){% endif %}`: False when the name already
    shows the code ("… (UN-ACT)"), so it is never written twice."""
    if record is None:
        return False
    name, code = _name_and_code(record)
    return bool(code) and not name_shows_code(name, code)


@register.filter(name="with_code")
def with_code_filter(record) -> str:
    """`{{ member|with_code }}`: "Indonesia (ID)", and "UN Action … (UN-ACT)" only once."""
    if record is None:
        return ""
    name, code = _name_and_code(record)
    return with_code(name, code)


@register.filter
def email_breaks(address) -> str:
    """An email address that may wrap only after its "@" and before its dots (`<wbr>`), so a
    narrow screen shows "siti.rahma@" / "imigrasi" / ".go.id", never "siti.rah" / "ma@…"."""
    parts = [conditional_escape(part) for part in str(address or "").split("@")]
    local = mark_safe("@<wbr>".join(parts))  # noqa: S308 - every part is escaped above
    return mark_safe(local.replace(".", "<wbr>."))  # noqa: S308 - only <wbr> is added to escaped text

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from bphub.core.i18n import localize

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

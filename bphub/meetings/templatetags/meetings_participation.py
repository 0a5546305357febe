"""Panels of the meeting page owned by the participation part (delegations, documents)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def delegations_panel(context, meeting):
    """The delegations of `meeting` as the reader may see them (filled in by the participation work)."""
    return ""


@register.simple_tag(takes_context=True)
def documents_panel(context, meeting):
    """The documents of `meeting` the reader may see (filled in by the participation work)."""
    return ""

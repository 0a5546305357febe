"""Panels of the meeting page owned by the follow-up part (outcomes, action items)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def outcomes_panel(context, meeting):
    """The outcomes of `meeting` the reader may see (filled in by the follow-up work)."""
    return ""


@register.simple_tag(takes_context=True)
def actions_panel(context, meeting):
    """Open actions of `meeting`, and those carried forward from its series (filled in by the follow-up work)."""
    return ""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bphub.directory import permissions
from bphub.directory.permissions import managed_member_ids
from bphub.directory.validation import format_phone

register = template.Library()

# (key, label, URL name, only for people who manage a directory)
TABS = (
    ("people", _("Focal points"), "directory:person_list", False),
    ("agencies", _("Agencies"), "directory:agency_list", False),
    ("coverage", _("Coverage"), "directory:coverage", False),
    ("network", _("Network"), "directory:network", False),
    ("health", _("Health"), "directory:health", True),
    ("lists", _("Engagement lists"), "directory:list_index", False),
    ("import", _("Import"), "directory:import_start", True),
    ("proposals", _("Proposed changes"), "directory:proposal_list", True),
)


@register.inclusion_tag("directory/_tabs.html", takes_context=True)
def directory_tabs(context, active: str = ""):
    """The directory's sub-navigation; management tabs only for the RSO and coordinators."""
    user = context["request"].user
    managed = managed_member_ids(user)
    manages = managed is None or bool(managed)
    tabs = []
    for key, label, url_name, management in TABS:
        if management and not manages:
            continue
        try:
            tabs.append((key, label, reverse(url_name)))
        except NoReverseMatch:
            continue  # a part not built yet
    return {"tabs": tabs, "active": active}


@register.simple_tag
def freshness(record):
    """The freshness badge of an agency or focal point (shown wherever the record appears).

    Built here rather than from a template: lists show it on every row, and a sub-template per
    row cost more than the rest of the row.
    """
    title = ""
    if record.review_due_on:
        title = gettext("Review due %(day)s") % {"day": date_format(record.review_due_on, "j M Y")}
    badge = format_html('<span class="freshness {}" title="{}">{}</span>', record.freshness, title,
                        record.freshness_label)
    if record.is_never_confirmed:
        badge += format_html(' <span class="freshness never">{}</span>', gettext("never confirmed"))
    return badge


@register.filter
def phone(e164: str) -> str:
    return format_phone(e164)


@register.filter
def shown_agency(person, user):
    """`{% with agency=person|shown_agency:request.user %}`: the person's agency, or None when
    the reader may not see it (then show nothing of it)."""
    return permissions.shown_agency(user, person)

import functools

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bphub.core import policy

# The areas of the brief, in the order people look for them.
AREAS = [
    ("home", _("Home"), "home"),
    ("meetings", _("Meetings"), "meetings:meeting_list"),
    ("members", _("Members & bodies"), "members:member_list"),
    ("directory", _("Directory"), "directory:person_list"),
    ("exchange", _("Exchange"), "knowledge:resource_list"),
    ("research", _("Research"), "area_research"),
    ("secondments", _("Secondments & alumni"), "area_secondments"),
    ("trends", _("Trends"), "area_trends"),
]


@functools.cache
def _nav_urls() -> tuple[str, ...]:
    # URLs do not change while the process runs; reversing them once saves work on every page.
    return tuple(reverse(url_name) for _key, _label, url_name in AREAS)


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_areas": [(key, label, url) for (key, label, _name), url in zip(AREAS, _nav_urls(), strict=True)],
        "can_invite": policy.may(user, policy.Capability.INVITE_USERS),
        "can_view_audit": policy.may(user, policy.Capability.VIEW_AUDIT_LOG),
    }

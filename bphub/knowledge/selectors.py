from django.conf import settings
from django.db.models import Q

from bphub.core import policy
from bphub.core.i18n import content_language_codes
from bphub.knowledge.models import Resource


def _title_matches(q: str) -> Q:
    """`q` in any language version of the title: the values, never the JSON keys or punctuation."""
    codes = sorted(content_language_codes() | {code for code, _name in settings.LANGUAGES})
    condition = Q()
    for code in codes:
        condition |= Q(**{f"title__{code}__icontains": q})
    return condition


def resource_list_visible_to(*, user, kind: str = "", theme: str = "", q: str = ""):
    """Resources `user` may read, newest first. Callers that show themes prefetch them."""
    resources = policy.visible_to(Resource.objects.all(), user)
    if kind:
        resources = resources.filter(kind=kind)
    if theme:
        resources = resources.filter(themes__code=theme)
    if q:
        resources = resources.filter(_title_matches(q))
    return resources.order_by("-published_on", "-id")


def get_resource_for_reader(*, user, resource_id: int) -> Resource:
    """The resource if `user` may read it; Http404 otherwise."""
    return policy.get_visible_or_404(Resource.objects.select_related("originator", "body"), user, pk=resource_id)

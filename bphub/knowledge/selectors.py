from bphub.core import policy
from bphub.knowledge.models import Resource


def resource_list_visible_to(*, user, kind: str = "", theme: str = "", q: str = ""):
    resources = policy.visible_to(Resource.objects.all(), user).prefetch_related("themes")
    if kind:
        resources = resources.filter(kind=kind)
    if theme:
        resources = resources.filter(themes__code=theme)
    if q:
        resources = resources.filter(title__icontains=q)
    return resources.order_by("-published_on", "-id")


def get_resource_for_reader(*, user, resource_id: int) -> Resource:
    """The resource if `user` may read it; Http404 otherwise."""
    return policy.get_visible_or_404(Resource.objects.select_related("originator", "body"), user, pk=resource_id)

"""A test URLconf: the project's routes plus three planted leaks, to prove the matrix catches them
(bphub/core/tests/test_authorization_matrix.py, the `bites` tests). Never included in config/urls.py."""

from django.core.cache import cache
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def resource_for_everyone(request, resource_id: int):
    """The leak: the record is read without the policy, so everyone gets it."""
    from bphub.knowledge.models import Resource

    return HttpResponse(str(Resource.objects.get(pk=resource_id).title))


def resources_for_everyone(request):
    from bphub.knowledge.models import Resource

    return HttpResponse("\n".join(str(resource.title) for resource in Resource.objects.all()))


def resource_cached_too_coarsely(request, resource_id: int):
    """The policy is asked, but only on a cache miss: the first reader's page is served to the next."""
    from bphub.knowledge.selectors import get_resource_for_reader

    key = f"matrix-leak:{resource_id}"
    page = cache.get(key)
    if page is None:
        page = str(get_resource_for_reader(user=request.user, resource_id=resource_id).title)
        cache.set(key, page)
    return HttpResponse(page)


urlpatterns = [
    path("matrix-leak/<int:resource_id>/", resource_for_everyone, name="matrix_leak_detail"),
    path("matrix-leak/", resources_for_everyone, name="matrix_leak_list"),
    path("matrix-leak/cached/<int:resource_id>/", resource_cached_too_coarsely, name="matrix_leak_cached"),
    *project_urlpatterns,
]

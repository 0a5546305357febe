"""Seeing the map: the coverage matrix, directory health and the network view."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from bphub.directory.coverage import coverage_matrix, directory_health, health_chart, sub_region_choices
from bphub.directory.models import RoleKind
from bphub.directory.network import network_for_scope, network_scope_choices, network_scope_from
from bphub.directory.permissions import managed_member_ids
from bphub.members.models import Member


@login_required
def coverage(request):
    sub_region = request.GET.get("sub_region", "").strip()
    role = request.GET.get("role", "").strip()
    matrix = coverage_matrix(request.user, sub_region=sub_region, role=role)
    return render(
        request,
        "directory/maps/coverage.html",
        {
            "matrix": matrix,
            "sub_regions": sub_region_choices(),
            "role_kinds": RoleKind.choices,
            "area_key": "directory",
        },
    )


def _health_page(request, member):
    report = directory_health(request.user, member=member)
    return render(
        request,
        "directory/maps/health.html",
        {
            "report": report,
            "chart": health_chart(report, width=360 if member else 480),
            "member": member,
            "is_overview": member is None,
            "can_see_all": managed_member_ids(request.user) is None,
            "area_key": "directory",
        },
    )


@login_required
def health(request):
    """The RSO's overview; a coordinator is taken to their own member's page; anyone else: 404."""
    managed = managed_member_ids(request.user)
    if managed is None:
        return _health_page(request, None)
    if len(managed) == 1:
        member = Member.objects.get(pk=next(iter(managed)))
        return redirect("directory:health_member", code=member.code)
    raise Http404


@login_required
def health_member(request, code):
    member = get_object_or_404(Member, code=code.upper())
    managed = managed_member_ids(request.user)
    if managed is not None and member.pk not in managed:
        raise Http404
    return _health_page(request, member)


@login_required
def network(request):
    """The network of one member, theme or working group (default: the reader's own member)."""
    scope, asked = network_scope_from(request.GET, request.user)
    graph = network_for_scope(request.user, scope)
    return render(
        request,
        "directory/maps/network.html",
        {
            "graph": graph,
            "scope": scope,
            "unknown_scope": asked and scope is None,
            "scope_choices": network_scope_choices(),
            "data_url": scope.url("directory:network_data") if scope else "",
            "area_key": "directory",
        },
    )


@login_required
def network_data(request):
    """The graph as JSON for the browser: names, kinds and links only, never contact details."""
    scope, _asked = network_scope_from(request.GET, request.user)
    return JsonResponse(network_for_scope(request.user, scope).elements())


urlpatterns = [
    path("coverage/", coverage, name="coverage"),
    path("health/", health, name="health"),
    path("health/<str:code>/", health_member, name="health_member"),
    path("network/", network, name="network"),
    path("network.json", network_data, name="network_data"),
]

"""The focal-point directory: search, detail, edit, history, merge."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from bphub.directory.models import AgencyKind, Freshness, RoleKind
from bphub.directory.permissions import can_see_contacts
from bphub.directory.selectors import DirectoryFilter, focal_point_page_shape, focal_point_search
from bphub.members.selectors import theme_list


@login_required
def person_list(request):
    flt = DirectoryFilter.from_params(request.GET)
    with_contacts = can_see_contacts(request.user)
    people = focal_point_page_shape(focal_point_search(request.user, flt), with_contacts=with_contacts)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/people/list.html",
        {
            "page": page,
            "filter": flt,
            "with_contacts": with_contacts,
            "themes": theme_list(),
            "role_kinds": RoleKind.choices,
            "agency_kinds": AgencyKind.choices,
            "freshness_states": Freshness.choices,
            "area_key": "directory",
        },
    )


urlpatterns = [
    path("", person_list, name="person_list"),
]

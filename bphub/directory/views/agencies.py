"""Members' agencies: list, detail, create/edit, history (diff, restore), merge."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bphub.core.audit import audit_sensitive_read
from bphub.directory.forms import AgencyForm
from bphub.directory.models import Agency, AgencyKind
from bphub.directory.permissions import (
    agencies_visible_to,
    can_add_records,
    can_see_contacts,
    focal_points_visible_to,
    get_agency_for_change,
    get_agency_for_view,
    visible_only,
)
from bphub.directory.selectors import agency_search, focal_point_page_shape
from bphub.directory.services import merges, records
from bphub.directory.views._common import (
    add_service_error,
    confirmed_via_for,
    history_rows,
    is_htmx,
    may_manage,
    member_for_new_record,
    merged_survivor,
)
from bphub.directory.views._history import MergeKind, merge_page, restore_revision, revision_page
from bphub.members.models import Member
from bphub.members.selectors import theme_list

PAGE_SIZE = 50
TRUSTED_DOMAINS = {"email_domains"}


SUGGESTIONS = 5


def _duplicates(agency: Agency, user) -> list[Agency]:
    """Likely duplicates of `agency` that `user` may see (found among all the member's agencies)."""
    return visible_only(merges.agency_duplicate_candidates(agency, limit=SUGGESTIONS * 4), user)[:SUGGESTIONS]


@login_required
def agency_list(request):
    params = {key: request.GET.get(key, "").strip()[:200] for key in ("q", "member", "kind", "theme")}
    agencies = agency_search(request.user, **params).prefetch_related("themes")
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filter": params, "area_key": "directory"}
    if is_htmx(request):
        response = render(request, "directory/agencies/list.html#results", context)
    else:
        context.update(
            members=Member.objects.order_by("code"),
            kinds=AgencyKind.choices,
            themes=theme_list(),
            can_create=can_add_records(request.user),
        )
        response = render(request, "directory/agencies/list.html", context)
    response["Vary"] = "HX-Request"
    return response


@login_required
def agency_detail(request, agency_id: int):
    try:
        agency = get_agency_for_view(request.user, agency_id)
    except Http404:
        survivor = merged_survivor(Agency, request.user, agency_id)
        if survivor is None:
            raise
        return redirect(survivor)
    audit_sensitive_read(user=request.user, record=agency, request=request)
    with_contacts = can_see_contacts(request.user)
    people = focal_point_page_shape(
        focal_points_visible_to(request.user).filter(agency=agency, is_active=True).order_by("full_name", "id"),
        with_contacts=with_contacts,
    )
    manages = may_manage(request.user, agency)
    return render(
        request,
        "directory/agencies/detail.html",
        {
            "agency": agency,
            "themes": list(agency.themes.all()),
            "children": list(agencies_visible_to(request.user).filter(parent=agency).order_by("acronym")),
            "parent": agencies_visible_to(request.user).filter(pk=agency.parent_id).first()
            if agency.parent_id
            else None,
            "page": Paginator(people, PAGE_SIZE).get_page(request.GET.get("page")),
            "with_contacts": with_contacts,
            "manages": manages,
            "duplicates": _duplicates(agency, request.user) if manages else [],
            "revision_count": records.revision_count(agency),
            "area_key": "directory",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_create(request):
    member, chooser = member_for_new_record(request)
    if member is None:
        return render(
            request, "directory/choose_member.html", {"chooser": chooser, "kind": "agency", "area_key": "directory"}
        )
    form = AgencyForm(request.POST or None, member=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            agency = records.agency_save(
                member=member,
                data=form.service_data(),
                actor=request.user,
                confirmed_via=confirmed_via_for(request.user) if form.cleaned_data["confirm"] else "",
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Agency added."))
            return redirect(agency)
    return render(
        request,
        "directory/agencies/form.html",
        {"form": form, "member": member, "agency": None, "area_key": "directory"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request, agency_id: int):
    agency = get_agency_for_change(request.user, agency_id)
    form = AgencyForm(request.POST or None, member=agency.member, agency=agency, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            records.agency_save(
                agency=agency,
                data=form.service_data(),
                actor=request.user,
                confirmed_via=confirmed_via_for(request.user) if form.cleaned_data["confirm"] else "",
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(agency)
    return render(
        request,
        "directory/agencies/form.html",
        {"form": form, "member": agency.member, "agency": agency, "area_key": "directory"},
    )


@login_required
def agency_history(request, agency_id: int):
    agency = get_agency_for_view(request.user, agency_id)
    audit_sensitive_read(user=request.user, record=agency, request=request)
    manages = may_manage(request.user, agency)
    rows = history_rows(
        agency,
        records.revision_list(agency),
        record_type="agency",
        detail_url_name="directory:agency_detail",
        hidden=set() if manages else TRUSTED_DOMAINS,
        with_contacts=can_see_contacts(request.user),
    )
    return render(
        request,
        "directory/agencies/history.html",
        {"record": agency, "rows": rows, "manages": manages, "area_key": "directory"},
    )


@login_required
def agency_revision(request, agency_id: int, number: int):
    agency = get_agency_for_view(request.user, agency_id)
    manages = may_manage(request.user, agency)
    return revision_page(
        request,
        agency,
        number,
        kind="agency",
        template="directory/agencies/revision.html",
        with_contacts=can_see_contacts(request.user),
        hidden=set() if manages else TRUSTED_DOMAINS,
        manages=manages,
    )


@login_required
@require_POST
def agency_restore(request, agency_id: int, number: int):
    agency = get_agency_for_change(request.user, agency_id)
    return restore_revision(
        request,
        agency,
        number,
        restore=lambda record, revision, actor: records.agency_restore(agency=record, revision=revision, actor=actor),
        history_url="directory:agency_history",
        agency_id=agency.pk,
    )


def merge_side(agency: Agency, user) -> dict:
    """What a reviewer compares before a merge; units and parent only as far as `user` may see them."""
    visible = agencies_visible_to(user)
    return {
        "record": agency,
        "themes": list(agency.themes.all()),
        "people_count": agency.focal_points.count(),
        "children": list(visible.filter(parent=agency).order_by("acronym")),
        "parent": visible.filter(pk=agency.parent_id).first() if agency.parent_id else None,
        "accounts_count": agency.users.count(),
        "history_count": records.revision_count(agency),
    }


AGENCY_MERGE = MergeKind(
    pick_template="directory/agencies/merge_pick.html",
    merge_template="directory/agencies/merge.html",
    get_for_change=get_agency_for_change,
    suggestions=_duplicates,
    search=lambda agency, user, query: list(
        agency_search(user, q=query, member=agency.member.code).exclude(pk=agency.pk)[:20]
    ),
    merge=lambda survivor, duplicate, actor: merges.agency_merge(survivor=survivor, duplicate=duplicate, actor=actor),
    side=merge_side,
)


@login_required
@require_http_methods(["GET", "POST"])
def agency_merge(request, agency_id: int):
    return merge_page(request, get_agency_for_change(request.user, agency_id), AGENCY_MERGE)


urlpatterns = [
    path("agencies/", agency_list, name="agency_list"),
    path("agencies/new/", agency_create, name="agency_create"),
    path("agencies/<id:agency_id>/", agency_detail, name="agency_detail"),
    path("agencies/<id:agency_id>/edit/", agency_edit, name="agency_edit"),
    path("agencies/<id:agency_id>/history/", agency_history, name="agency_history"),
    path("agencies/<id:agency_id>/history/<id:number>/", agency_revision, name="agency_revision"),
    path("agencies/<id:agency_id>/history/<id:number>/restore/", agency_restore, name="agency_restore"),
    path("agencies/<id:agency_id>/merge/", agency_merge, name="agency_merge"),
]

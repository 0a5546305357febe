"""The focal-point directory: search, detail, create/edit, history (diff, restore), merge."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bphub.core.audit import audit_sensitive_read
from bphub.directory.forms import FocalPointForm
from bphub.directory.models import AgencyKind, FocalPoint, Freshness, RoleKind, freshness_filter
from bphub.directory.permissions import (
    can_add_records,
    can_create_engagement_list,
    can_see_contacts,
    get_focal_point_for_change,
    get_focal_point_for_view,
    visible_only,
)
from bphub.directory.selectors import (
    DirectoryFilter,
    focal_point_page_shape,
    focal_point_search,
    focal_points_in_name_order,
)
from bphub.directory.services import merges, records
from bphub.directory.services.matching import find_similar_people
from bphub.directory.services.verification import verification_auto
from bphub.directory.views._common import (
    CONTACT_FIELDS,
    add_service_error,
    confirmed_via_for,
    history_rows,
    is_htmx,
    may_manage,
    member_for_new_record,
    merged_survivor,
)
from bphub.directory.views._history import MergeKind, merge_page, restore_revision, revision_page
from bphub.members.models import Body, Member, SubRegion
from bphub.members.selectors import theme_list
from bphub.members.services import reference_version

PAGE_SIZE = 25  # a name search rarely needs more; small pages for slow links


SUGGESTIONS = 5


def _find_similar(person: FocalPoint, user) -> list[FocalPoint]:
    """Duplicate suggestions that `user` may see. The candidates are found among all the member's
    people, so they are filtered through the policy here (a coordinator never learns of a
    secretariat record this way)."""
    found = find_similar_people(
        person.member,
        person.full_name,
        person.local_name,
        emails=[e.address for e in person.emails.all()],
        exclude_pk=person.pk,
    )
    candidates = [other for other, _score, _reason in found if other.pk != person.pk]
    return visible_only(candidates, user)[:SUGGESTIONS]


# -- list --------------------------------------------------------------------------------------


@login_required
def person_list(request):
    flt = DirectoryFilter.from_params(request.GET)
    with_contacts = can_see_contacts(request.user)
    matching = focal_point_search(request.user, flt)
    if flt.is_empty:
        # The whole directory: its freshness breakdown is the health page's; one count is enough.
        counts = {"total": matching.count(), "stale": None, "never": None}
    else:
        counts = matching.aggregate(
            total=Count("id"),
            stale=Count("id", filter=freshness_filter("stale")),
            never=Count("id", filter=Q(last_confirmed_at__isnull=True)),
        )
    matching = focal_points_in_name_order(matching, q=flt.q, total=counts["total"])
    paginator = Paginator(focal_point_page_shape(matching, with_contacts=with_contacts), PAGE_SIZE)
    paginator.__dict__["count"] = counts["total"]  # counted above: spare the paginator its own COUNT
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "counts": counts,
        "filter": flt,
        "filter_query": urlencode(flt.as_params()),
        "with_contacts": with_contacts,
        "can_save_list": can_create_engagement_list(request.user),
        "area_key": "directory",
    }
    if is_htmx(request):
        response = render(request, "directory/people/list.html#results", context)
    else:
        context.update(
            # The filter lists are a cached fragment, keyed on this and the chosen values (the
            # querysets below are lazy: read only when the fragment is built).
            reference_version=reference_version(),
            members=Member.objects.order_by("code"),
            sub_regions=SubRegion.objects.order_by("name"),
            working_groups=Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("code"),
            themes=theme_list(),
            role_kinds=RoleKind.choices,
            agency_kinds=AgencyKind.choices,
            freshness_states=Freshness.choices,
            can_create=can_add_records(request.user),
        )
        response = render(request, "directory/people/list.html", context)
    response["Vary"] = "HX-Request"
    return response


# -- detail --------------------------------------------------------------------------------------


@login_required
def person_detail(request, person_id: int):
    try:
        person = get_focal_point_for_view(request.user, person_id)
    except Http404:
        survivor = merged_survivor(FocalPoint, request.user, person_id)
        if survivor is None:
            raise
        return redirect(survivor)
    audit_sensitive_read(user=request.user, record=person, request=request)
    manages = may_manage(request.user, person)
    roles = list(person.roles.select_related("body", "theme").order_by("-valid_to", "kind", "id"))
    return render(
        request,
        "directory/people/detail.html",
        {
            "person": person,
            "with_contacts": can_see_contacts(request.user, person),
            "emails": list(person.emails.all()),
            "phones": list(person.phones.all()),
            "current_roles": [r for r in roles if r.is_current],
            "past_roles": [r for r in roles if not r.is_current],
            "released_to": list(person.released_to.order_by("code")) if person.is_sensitive else [],
            "manages": manages,
            "can_save_list": can_create_engagement_list(request.user),
            "duplicates": _find_similar(person, request.user) if manages else [],
            "revision_count": records.revision_count(person),
            "language_name": dict(settings.CONTENT_LANGUAGES).get(person.preferred_language, person.preferred_language),
            "area_key": "directory",
        },
    )


# -- create and edit -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    member, chooser = member_for_new_record(request)
    if member is None:
        return render(
            request, "directory/choose_member.html", {"chooser": chooser, "kind": "person", "area_key": "directory"}
        )
    form = FocalPointForm(request.POST or None, member=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = records.focal_point_save(
                member=member,
                data=form.service_data(),
                actor=request.user,
                confirmed_via=confirmed_via_for(request.user) if form.cleaned_data["confirm"] else "",
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            verification_auto(person)  # an address on a trusted domain of the member's agencies
            messages.success(request, _("Focal point added."))
            return redirect(person)
    return render(
        request, "directory/people/form.html", {"form": form, "member": member, "person": None, "area_key": "directory"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, person_id: int):
    person = get_focal_point_for_change(request.user, person_id)
    form = FocalPointForm(request.POST or None, member=person.member, focal_point=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            records.focal_point_save(
                focal_point=person,
                data=form.service_data(),
                actor=request.user,
                confirmed_via=confirmed_via_for(request.user) if form.cleaned_data["confirm"] else "",
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            verification_auto(person)
            messages.success(request, _("Changes saved."))
            return redirect(person)
    return render(
        request,
        "directory/people/form.html",
        {"form": form, "member": person.member, "person": person, "area_key": "directory"},
    )


# -- history ---------------------------------------------------------------------------------------


@login_required
def person_history(request, person_id: int):
    person = get_focal_point_for_view(request.user, person_id)
    audit_sensitive_read(user=request.user, record=person, request=request)
    with_contacts = can_see_contacts(request.user, person)
    rows = history_rows(
        person,
        records.revision_list(person),
        record_type="focal_point",
        detail_url_name="directory:person_detail",
        hidden=set() if with_contacts else CONTACT_FIELDS,
        with_contacts=with_contacts,
    )
    return render(
        request,
        "directory/people/history.html",
        {"record": person, "rows": rows, "manages": may_manage(request.user, person), "area_key": "directory"},
    )


@login_required
def person_revision(request, person_id: int, number: int):
    person = get_focal_point_for_view(request.user, person_id)
    with_contacts = can_see_contacts(request.user, person)
    return revision_page(
        request,
        person,
        number,
        kind="person",
        template="directory/people/revision.html",
        with_contacts=with_contacts,
        hidden=set() if with_contacts else CONTACT_FIELDS,
        manages=may_manage(request.user, person),
    )


@login_required
@require_POST
def person_restore(request, person_id: int, number: int):
    person = get_focal_point_for_change(request.user, person_id)
    return restore_revision(
        request,
        person,
        number,
        restore=lambda record, revision, actor: records.focal_point_restore(
            focal_point=record, revision=revision, actor=actor
        ),
        history_url="directory:person_history",
        person_id=person.pk,
    )


# -- merge -----------------------------------------------------------------------------------------


def merge_side(person: FocalPoint, user=None) -> dict:
    """What a reviewer compares before a merge."""
    return {
        "record": person,
        "emails": list(person.emails.all()),
        "phones": list(person.phones.all()),
        "roles": list(person.roles.select_related("body", "theme").order_by("-valid_to", "kind", "id")),
        "history_count": records.revision_count(person),
    }


PERSON_MERGE = MergeKind(
    pick_template="directory/people/merge_pick.html",
    merge_template="directory/people/merge.html",
    get_for_change=get_focal_point_for_change,
    suggestions=lambda person, user: _find_similar(person, user),
    search=lambda person, user, query: list(
        focal_point_search(user, DirectoryFilter(q=query, member=person.member.code))
        .exclude(pk=person.pk)
        .select_related("agency")[:20]
    ),
    merge=lambda survivor, duplicate, actor: merges.focal_point_merge(
        survivor=survivor, duplicate=duplicate, actor=actor
    ),
    side=merge_side,
)


@login_required
@require_http_methods(["GET", "POST"])
def person_merge(request, person_id: int):
    return merge_page(request, get_focal_point_for_change(request.user, person_id), PERSON_MERGE)


urlpatterns = [
    path("", person_list, name="person_list"),
    path("people/new/", person_create, name="person_create"),
    path("people/<id:person_id>/", person_detail, name="person_detail"),
    path("people/<id:person_id>/edit/", person_edit, name="person_edit"),
    path("people/<id:person_id>/history/", person_history, name="person_history"),
    path("people/<id:person_id>/history/<id:number>/", person_revision, name="person_revision"),
    path("people/<id:person_id>/history/<id:number>/restore/", person_restore, name="person_restore"),
    path("people/<id:person_id>/merge/", person_merge, name="person_merge"),
]

"""Engagement lists: saved directory filters, shown with the people who match them today."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bphub.core.models import Classification
from bphub.directory.coverage import sub_region_choices, working_group_choices
from bphub.directory.models import AgencyKind, RoleKind
from bphub.directory.permissions import can_see_contacts, engagement_lists_visible_to, get_engagement_list_for_view
from bphub.directory.selectors import DirectoryFilter, focal_point_page_shape, focal_point_search
from bphub.directory.services.lists import (
    can_change_engagement_list,
    can_create_engagement_list,
    classification_choices_for,
    criteria_in_words,
    criteria_of,
    engagement_list_audience,
    engagement_list_create,
    engagement_list_delete,
    engagement_list_update,
    get_engagement_list_for_change,
)
from bphub.members.models import Member
from bphub.members.selectors import theme_list

CRITERIA_FIELDS = ("q", "member", "sub_region", "theme", "role", "body", "agency_kind", "agency")


class EngagementListForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    classification = forms.ChoiceField(label=gettext_lazy("Who may see this list"))
    # The criteria: DirectoryFilter parameters.
    q = forms.CharField(label=gettext_lazy("Name contains (any script)"), required=False, max_length=200)
    member = forms.ChoiceField(label=gettext_lazy("Member"), required=False)
    sub_region = forms.ChoiceField(label=gettext_lazy("Sub-region"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Works on theme"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), required=False)
    body = forms.ChoiceField(label=gettext_lazy("Working group"), required=False)
    agency_kind = forms.ChoiceField(label=gettext_lazy("Agency kind"), required=False)
    agency = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, current_classification: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        choices = classification_choices_for(user)
        if current_classification and current_classification not in dict(choices):
            # Keep a list's classification as it is, even one its editor could not give it.
            choices.append((current_classification, Classification(current_classification).label))
        self.fields["classification"].choices = choices
        self.fields["member"].choices = any_ + [(m.code, f"{m.code} – {m}") for m in Member.objects.order_by("code")]
        self.fields["sub_region"].choices = any_ + [(str(r.pk), r.name) for r in sub_region_choices()]
        self.fields["theme"].choices = any_ + [(t.code, str(t)) for t in theme_list()]
        self.fields["role"].choices = any_ + list(RoleKind.choices)
        self.fields["body"].choices = any_ + [(b.code, f"{b.code} – {b}") for b in working_group_choices()]
        self.fields["agency_kind"].choices = any_ + list(AgencyKind.choices)

    def criteria(self) -> DirectoryFilter:
        return DirectoryFilter.from_params({key: self.cleaned_data.get(key, "") for key in CRITERIA_FIELDS})


def _form_errors_from(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def list_index(request):
    lists = engagement_lists_visible_to(request.user).order_by("name", "id")
    return render(
        request,
        "directory/lists/index.html",
        {"lists": lists, "can_create": can_create_engagement_list(request.user), "area_key": "directory"},
    )


@login_required
def list_create(request):
    if not can_create_engagement_list(request.user):
        raise Http404
    if request.method == "POST":
        form = EngagementListForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                engagement_list = engagement_list_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    classification=form.cleaned_data["classification"],
                    criteria=form.criteria(),
                )
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(request, _("The list is saved. It stays current as the directory changes."))
                return redirect("directory:list_detail", pk=engagement_list.pk)
    else:
        initial = DirectoryFilter.from_params(request.GET).as_params()
        initial.pop("engageable", None)
        form = EngagementListForm(user=request.user, initial=initial)
    return render(
        request, "directory/lists/form.html", {"form": form, "engagement_list": None, "area_key": "directory"}
    )


@login_required
def list_detail(request, pk):
    engagement_list = get_engagement_list_for_view(request.user, pk)
    with_contacts = can_see_contacts(request.user)
    people = engagement_list_audience(engagement_list=engagement_list, user=request.user)
    page = Paginator(focal_point_page_shape(people, with_contacts=with_contacts), 50).get_page(request.GET.get("page"))
    flt = criteria_of(engagement_list)
    flt.engageable = False
    left_out = focal_point_search(request.user, flt).count() - page.paginator.count
    return render(
        request,
        "directory/lists/detail.html",
        {
            "engagement_list": engagement_list,
            "criteria": criteria_in_words(criteria_of(engagement_list), request.user),
            "page": page,
            "with_contacts": with_contacts,
            "left_out": left_out,
            "can_change": can_change_engagement_list(request.user, engagement_list),
            "area_key": "directory",
        },
    )


@login_required
def list_edit(request, pk):
    engagement_list = get_engagement_list_for_change(request.user, pk)
    if request.method == "POST":
        form = EngagementListForm(
            request.POST, user=request.user, current_classification=engagement_list.classification
        )
        if form.is_valid():
            try:
                classification = form.cleaned_data["classification"]
                engagement_list_update(
                    engagement_list=engagement_list,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    classification="" if classification == engagement_list.classification else classification,
                    criteria=form.criteria(),
                )
            except ValidationError as error:
                _form_errors_from(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("The list is saved."))
                return redirect("directory:list_detail", pk=engagement_list.pk)
    else:
        initial = {
            "name": engagement_list.name,
            "description": engagement_list.description,
            "classification": engagement_list.classification,
            **(engagement_list.criteria or {}),
        }
        form = EngagementListForm(
            user=request.user, initial=initial, current_classification=engagement_list.classification
        )
    return render(
        request,
        "directory/lists/form.html",
        {"form": form, "engagement_list": engagement_list, "area_key": "directory"},
    )


@login_required
def list_delete(request, pk):
    engagement_list = get_engagement_list_for_change(request.user, pk)
    if request.method == "POST":
        engagement_list_delete(engagement_list=engagement_list, user=request.user)
        messages.success(
            request,
            _("The list “%(name)s” is deleted. Nobody was removed from the directory.")
            % {"name": engagement_list.name},
        )
        return redirect("directory:list_index")
    return render(request, "directory/lists/delete.html", {"engagement_list": engagement_list, "area_key": "directory"})


urlpatterns = [
    path("lists/", list_index, name="list_index"),
    path("lists/new/", list_create, name="list_create"),
    path("lists/<id:pk>/", list_detail, name="list_detail"),
    path("lists/<id:pk>/edit/", list_edit, name="list_edit"),
    path("lists/<id:pk>/delete/", list_delete, name="list_delete"),
]

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bphub.core import policy
from bphub.core.audit import audit_sensitive_read
from bphub.knowledge.forms import ResourceForm
from bphub.knowledge.models import Resource
from bphub.knowledge.selectors import get_resource_for_reader, resource_list_visible_to
from bphub.knowledge.services import resource_create
from bphub.members.selectors import theme_list


def resource_list(request):
    resources = resource_list_visible_to(
        user=request.user,
        kind=request.GET.get("kind", ""),
        theme=request.GET.get("theme", ""),
        q=request.GET.get("q", "").strip(),
    )
    page = Paginator(resources, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/resource_list.html",
        {
            "page": page,
            "kinds": Resource.Kind.choices,
            "themes": theme_list(),
            "can_create": policy.may(request.user, policy.Capability.CREATE_RECORDS),
        },
    )


def resource_detail(request, resource_id: int):
    resource = get_resource_for_reader(user=request.user, resource_id=resource_id)
    audit_sensitive_read(user=request.user, record=resource, request=request)
    return render(request, "knowledge/resource_detail.html", {"resource": resource})


@login_required
@require_http_methods(["GET", "POST"])
def resource_create_view(request):
    if not policy.may(request.user, policy.Capability.CREATE_RECORDS):
        raise Http404
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = resource_create(actor=request.user, data=dict(form.cleaned_data), request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Resource added."))
            return redirect("knowledge:resource_detail", resource_id=resource.pk)
    return render(request, "knowledge/resource_form.html", {"form": form})

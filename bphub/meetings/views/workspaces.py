"""Working-group workspaces: a page per group (working groups, task forces, the Ad Hoc Group, the
Steering Group) with its seats and co-chairs, meetings, documents, action items and forward work plan.

Bodies are public reference data, so anyone may open a workspace; each list in it goes through the
policy. The work plan is kept by the group's co-chairs and the RSO.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bphub.meetings.forms.followup import WorkPlanFormSet, work_plan_initial
from bphub.meetings.models import WorkPlanItem
from bphub.meetings.permissions import can_edit_work_plan
from bphub.meetings.selectors.followup import group_workspace as select_workspace
from bphub.meetings.selectors.followup import workspace_bodies
from bphub.meetings.services.workplan import work_plan_save


def _body_or_404(code):
    return get_object_or_404(workspace_bodies(), code=code)


def group_list(request):
    return render(
        request, "meetings/followup/group_list.html", {"bodies": list(workspace_bodies()), "area_key": "meetings"}
    )


def group_workspace(request, code):
    body = _body_or_404(code)
    workspace = select_workspace(body=body, user=request.user)
    return render(
        request,
        "meetings/followup/group_workspace.html",
        {
            "ws": workspace,
            "body": body,
            "can_edit_plan": can_edit_work_plan(request.user, body),
            "area_key": "meetings",
        },
    )


@login_required
def workplan_edit(request, code):
    body = _body_or_404(code)
    if not can_edit_work_plan(request.user, body):
        raise Http404
    items = list(WorkPlanItem.objects.filter(group=body))
    if request.method == "POST":
        formset = WorkPlanFormSet(request.POST, initial=work_plan_initial(items))
        if formset.is_valid():
            rows = []
            for form in formset.forms:
                if not form.has_changed() and not form.initial:
                    continue  # an empty extra row
                data = form.cleaned_data
                rows.append({**data, "delete": bool(data.get("DELETE"))})
            try:
                work_plan_save(group=body, rows=rows, actor=request.user)
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, _("The work plan is saved."))
                return redirect("meetings:group_workspace", code=body.code)
    else:
        formset = WorkPlanFormSet(initial=work_plan_initial(items))
    return render(
        request,
        "meetings/followup/workplan_form.html",
        {"formset": formset, "body": body, "area_key": "meetings"},
        status=400 if request.method == "POST" else 200,
    )

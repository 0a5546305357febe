"""Action item pages: one action with its progress history, the list (and owner's dashboard),
creation by a meeting's managers, and progress reports by the owner."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bphub.core import policy
from bphub.core.audit import audit_sensitive_read
from bphub.core.ids import parse_id
from bphub.meetings.forms.followup import ActionFilterForm, ActionItemForm, ActionUpdateForm
from bphub.meetings.permissions import (
    can_update_action,
    get_action_for_update,
    get_action_or_404,
    get_meeting_for_management,
    meetings_visible_to,
)
from bphub.meetings.selectors.followup import action_list as select_actions
from bphub.meetings.selectors.followup import annotate_for, outcomes_visible, series_with_visible_meetings, updates_of
from bphub.meetings.services.actions import action_create as create_action
from bphub.meetings.services.actions import action_progress
from bphub.meetings.views.outcomes import form_errors_from


def _detail(request, action, form=None, status=200):
    audit_sensitive_read(user=request.user, record=action, request=request)
    annotate_for([action], request.user)
    may_update = can_update_action(request.user, action)
    if may_update and form is None:
        form = ActionUpdateForm(initial={"status": action.status})
    return render(
        request,
        "meetings/followup/action_detail.html",
        {
            "action": action,
            "updates": updates_of(action),
            "form": form if may_update else None,
            "outcome": action.outcome if action.outcome_id and policy.can_view(request.user, action.outcome) else None,
            "area_key": "meetings",
        },
        status=status,
    )


def action_detail(request, pk):
    action = get_action_or_404(request.user, pk)
    return _detail(request, action)


@require_POST
@login_required
def action_update(request, pk):
    action = get_action_for_update(request.user, pk)
    form = ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            action_progress(
                action=action, text=form.cleaned_data["text"], status=form.cleaned_data["status"], actor=request.user
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Your progress report is added."))
            return redirect(action.get_absolute_url())
    return _detail(request, action, form=form, status=400)


def action_list(request):
    user = request.user
    form = ActionFilterForm(request.GET or None, series=series_with_visible_meetings(user))
    filters = form.filters()
    actions = select_actions(user=user, filters=filters)
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    annotate_for(page.object_list, user)
    meeting = meetings_visible_to(user).filter(pk=filters.meeting_id).first() if filters.meeting_id else None
    return render(
        request,
        "meetings/followup/action_list.html",
        {"form": form, "page": page, "filters": filters, "filtered_meeting": meeting, "area_key": "meetings"},
    )


@login_required
def action_create(request, pk):
    meeting = get_meeting_for_management(request.user, pk)
    outcomes = outcomes_visible(meeting=meeting, user=request.user)
    initial = {}
    if parse_id(request.GET.get("outcome")):
        initial["outcome"] = parse_id(request.GET.get("outcome"))
    form = ActionItemForm(request.POST or None, meeting=meeting, outcomes=outcomes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = create_action(
                meeting=meeting,
                title=data["title"],
                owner_kind=data["owner_kind"],
                owner_member=data.get("owner_member"),
                owner_body=data.get("owner_body"),
                due_on=data.get("due_on"),
                classification=data["classification"],
                released_to=form.released_to_or_default(),
                outcome=data.get("outcome"),
                actor=request.user,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The action is recorded and its owner told."))
            return redirect(action.get_absolute_url())
    return render(
        request,
        "meetings/followup/action_form.html",
        {"form": form, "meeting": meeting, "area_key": "meetings"},
        status=400 if form.errors else 200,
    )

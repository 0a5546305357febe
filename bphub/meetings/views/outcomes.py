"""Outcome pages: the meeting's managers record and edit decisions, recommendations, the co-chairs'
statement and minutes. Edits are audited with before and after (shown as the outcome's history)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bphub.core.models import AuditEvent
from bphub.meetings.forms.followup import OutcomeForm
from bphub.meetings.permissions import can_manage_meeting, get_meeting_for_management, get_outcome_or_404
from bphub.meetings.services.outcomes import outcome_create as create_outcome
from bphub.meetings.services.outcomes import outcome_update as update_outcome


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, on the field it names when the form has it."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def _meeting_url(meeting, anchor="outcomes") -> str:
    return f"{meeting.get_absolute_url()}#{anchor}"


@login_required
def outcome_create(request, pk):
    meeting = get_meeting_for_management(request.user, pk)
    form = OutcomeForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            create_outcome(
                meeting=meeting,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                classification=form.cleaned_data["classification"],
                released_to=form.released_to_or_default(),
                actor=request.user,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The outcome is recorded."))
            return redirect(_meeting_url(meeting))
    return render(
        request,
        "meetings/followup/outcome_form.html",
        {"form": form, "meeting": meeting, "outcome": None, "history": [], "area_key": "meetings"},
        status=400 if form.errors else 200,
    )


@login_required
def outcome_edit(request, pk):
    outcome = get_outcome_or_404(request.user, pk)
    meeting = outcome.meeting
    if not can_manage_meeting(request.user, meeting):
        raise Http404
    if request.method == "POST":
        form = OutcomeForm(request.POST, meeting=meeting)
        if form.is_valid():
            try:
                update_outcome(
                    outcome=outcome,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    classification=form.cleaned_data["classification"],
                    released_to=form.released_to_or_default(),
                    actor=request.user,
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("The outcome is saved; what it said before is kept in its history."))
                return redirect(_meeting_url(meeting))
    else:
        form = OutcomeForm(initial=OutcomeForm.initial_for(outcome), meeting=meeting)
    history = AuditEvent.objects.filter(
        target_type=outcome._meta.label_lower, target_id=str(outcome.pk), verb__startswith="outcome."
    ).order_by("occurred_at", "id")
    return render(
        request,
        "meetings/followup/outcome_form.html",
        {"form": form, "meeting": meeting, "outcome": outcome, "history": history, "area_key": "meetings"},
        status=400 if form.errors else 200,
    )

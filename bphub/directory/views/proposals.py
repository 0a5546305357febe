"""Reviewing the changes focal points propose, and nominating (verifying) a focal point.

Both are the work of the people who manage a member's directory: the RSO and that member's
coordinators. Anyone else gets 404, as for a record that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bphub.directory.permissions import get_focal_point_for_change
from bphub.directory.services.proposals import (
    get_proposal_for_review,
    proposal_approve,
    proposal_comparison,
    proposal_field_labels,
    proposal_reject,
    proposals_pending_for,
)
from bphub.directory.services.verification import focal_point_nominate


@login_required
def proposal_list(request):
    rows = [(proposal, proposal_field_labels(proposal)) for proposal in proposals_pending_for(request.user)]
    return render(request, "directory/proposals/list.html", {"rows": rows, "area_key": "directory"})


@login_required
def proposal_detail(request, pk: int):
    proposal = get_proposal_for_review(request.user, pk)
    return render(
        request,
        "directory/proposals/detail.html",
        {"proposal": proposal, "rows": proposal_comparison(proposal), "area_key": "directory"},
    )


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(texts)}" for field, texts in error.message_dict.items())
    return " ".join(error.messages)


@require_POST
@login_required
def proposal_approve_view(request, pk: int):
    proposal = get_proposal_for_review(request.user, pk)
    try:
        proposal_approve(proposal=proposal, actor=request.user)
    except ValidationError as error:
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": _error_text(error)})
    else:
        messages.success(request, _("The changes were applied to the record."))
    return redirect("directory:proposal_detail", pk=proposal.pk)


@require_POST
@login_required
def proposal_reject_view(request, pk: int):
    proposal = get_proposal_for_review(request.user, pk)
    try:
        proposal_reject(proposal=proposal, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The proposal was rejected; the record did not change."))
    return redirect("directory:proposal_detail", pk=proposal.pk)


@require_POST
@login_required
def person_verify(request, person_id: int):
    person = get_focal_point_for_change(request.user, person_id)
    person = focal_point_nominate(focal_point=person, actor=request.user)
    messages.success(
        request,
        _("%(name)s is verified until %(day)s.")
        % {"name": person.full_name, "day": date_format(person.verified_until)},
    )
    return redirect(person.get_absolute_url())


urlpatterns = [
    path("proposals/", proposal_list, name="proposal_list"),
    path("proposals/<id:pk>/", proposal_detail, name="proposal_detail"),
    path("proposals/<id:pk>/approve/", proposal_approve_view, name="proposal_approve"),
    path("proposals/<id:pk>/reject/", proposal_reject_view, name="proposal_reject"),
    # A coordinator's nomination verifies a focal point for a year (a button on the person page).
    path("people/<id:person_id>/verify/", person_verify, name="person_verify"),
]

"""The Consultation Mechanism: convening an emergency consultation (the co-chairs and the RSO)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bphub.meetings import permissions
from bphub.meetings.forms.meetings import ConsultationForm, add_service_error
from bphub.meetings.models import zone
from bphub.meetings.services.consultation import consultation_convene


def _initial(user) -> dict:
    """Host zone: the convener's member's (else their own); start at the next full hour but one."""
    name = (user.member.time_zone if user.member_id and user.member.time_zone else "") or user.time_zone or "UTC"
    local = timezone.localtime(timezone.now(), zone(name)).replace(minute=0, second=0, microsecond=0)
    starts = (local + timedelta(hours=2)).replace(tzinfo=None)
    return {"time_zone": name, "starts_at": starts, "ends_at": starts + timedelta(hours=2)}


@login_required
@require_http_methods(["GET", "POST"])
def consultation_convene_view(request):
    if not permissions.can_convene_consultation(request.user):
        raise Http404
    form = ConsultationForm(request.POST or None, initial=_initial(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = consultation_convene(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Consultation convened: the members consulted have been told. It is visible only to them."),
            )
            return redirect(meeting)
    return render(request, "meetings/meetings/convene.html", {"form": form, "area_key": "meetings"})

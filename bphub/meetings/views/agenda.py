"""Editing a meeting's agenda: sessions and items (for the people who manage the meeting)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bphub.core import policy
from bphub.meetings import permissions
from bphub.meetings.forms.meetings import ItemForm, SessionForm, add_service_error
from bphub.meetings.models import AgendaItem, AgendaSession, Meeting
from bphub.meetings.services import agenda as agenda_services


def _agenda_url(meeting: Meeting) -> str:
    return reverse("meetings:agenda_edit", kwargs={"pk": meeting.pk})


def _documents_for(meeting: Meeting, user):
    return policy.visible_to(meeting.documents.all(), user).order_by("doc_type", "id")


@login_required
def agenda_edit(request, pk: int):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    sessions = list(meeting.sessions.prefetch_related("items"))
    return render(
        request,
        "meetings/meetings/agenda_edit.html",
        {
            "meeting": meeting,
            "sessions": sessions,
            "form": SessionForm(meeting=meeting),
            "area_key": "meetings",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, pk: int):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    form = SessionForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            agenda_services.session_create(meeting=meeting, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Session added."))
            return redirect(_agenda_url(meeting))
    return render(
        request,
        "meetings/meetings/agenda_form.html",
        {"meeting": meeting, "form": form, "what": "session", "area_key": "meetings"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int, session_pk: int):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    session = get_object_or_404(AgendaSession, pk=session_pk, meeting=meeting)
    form = SessionForm(request.POST or None, meeting=meeting, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            agenda_services.session_update(session=session, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect(_agenda_url(meeting))
    return render(
        request,
        "meetings/meetings/agenda_form.html",
        {"meeting": meeting, "form": form, "what": "session", "record": session, "area_key": "meetings"},
    )


@login_required
@require_POST
def session_delete(request, pk: int, session_pk: int):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    session = get_object_or_404(AgendaSession, pk=session_pk, meeting=meeting)
    agenda_services.session_delete(session=session, actor=request.user, request=request)
    messages.success(request, _("Session removed with its items."))
    return redirect(_agenda_url(meeting))


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request, pk: int, session_pk: int):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    session = get_object_or_404(AgendaSession, pk=session_pk, meeting=meeting)
    form = ItemForm(request.POST or None, meeting=meeting, documents=_documents_for(meeting, request.user))
    if request.method == "POST" and form.is_valid():
        try:
            agenda_services.item_create(session=session, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Item added."))
            return redirect(_agenda_url(meeting))
    return render(
        request,
        "meetings/meetings/agenda_form.html",
        {"meeting": meeting, "form": form, "what": "item", "session": session, "area_key": "meetings"},
    )


def _item_of(meeting: Meeting, item_pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("session"), pk=item_pk, session__meeting=meeting)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int, item_pk: int):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    item = _item_of(meeting, item_pk)
    form = ItemForm(request.POST or None, meeting=meeting, documents=_documents_for(meeting, request.user), item=item)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if "documents" in fields:
            # Documents the editor may not see stay linked as they were.
            hidden = [d for d in item.documents.all() if not policy.can_view(request.user, d)]
            fields["documents"] = list(fields["documents"]) + hidden
        try:
            agenda_services.item_update(item=item, actor=request.user, request=request, **fields)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Item saved."))
            return redirect(_agenda_url(meeting))
    return render(
        request,
        "meetings/meetings/agenda_form.html",
        {
            "meeting": meeting,
            "form": form,
            "what": "item",
            "session": item.session,
            "record": item,
            "area_key": "meetings",
        },
    )


@login_required
@require_POST
def item_delete(request, pk: int, item_pk: int):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    item = _item_of(meeting, item_pk)
    agenda_services.item_delete(item=item, actor=request.user, request=request)
    messages.success(request, _("Item removed."))
    return redirect(_agenda_url(meeting))


@login_required
@require_POST
def item_move(request, pk: int, item_pk: int):
    meeting = permissions.get_meeting_for_management(request.user, pk)
    item = _item_of(meeting, item_pk)
    try:
        agenda_services.item_move(
            item=item, direction=request.POST.get("direction", ""), actor=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_agenda_url(meeting) + f"#item-{item.pk}")

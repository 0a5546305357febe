"""Announcements (/news/), the signed-in user's notifications and their mail preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from bphub.communications.forms import AnnouncementForm, PreferencesForm
from bphub.communications.permissions import can_create_announcements, get_announcement_or_404
from bphub.communications.selectors import announcements_visible_to, notifications_visible_to
from bphub.communications.services.announcements import announcement_create_and_publish
from bphub.communications.services.notifications import notification_mark_all_read, notification_mark_read
from bphub.communications.services.preferences import preferences_of, preferences_save
from bphub.core import policy
from bphub.core.audit import audit_sensitive_read

PAGE_SIZE = 25


def announcement_list(request):
    page = Paginator(announcements_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "communications/announcement_list.html",
        {"page": page, "can_create": can_create_announcements(request.user), "area_key": "news"},
    )


def announcement_detail(request, pk: int):
    announcement = get_announcement_or_404(request.user, pk)
    audit_sensitive_read(user=request.user, record=announcement, request=request)
    meeting = announcement.meeting
    return render(
        request,
        "communications/announcement_detail.html",
        {
            "announcement": announcement,
            "meeting": meeting if meeting is not None and policy.can_view(request.user, meeting) else None,
            "area_key": "news",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def announcement_create(request):
    if not can_create_announcements(request.user):
        raise Http404
    form = AnnouncementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            announcement = announcement_create_and_publish(actor=request.user, request=request, **form.service_fields())
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The announcement is published and its readers are told."))
            return redirect("communications:announcement_detail", pk=announcement.pk)
    return render(request, "communications/announcement_form.html", {"form": form, "area_key": "news"})


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


@login_required
def notification_list(request):
    page = Paginator(notifications_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "communications/notification_list.html",
        {
            "page": page,
            "has_unread": any(notification.read_at is None for notification in page),
            "area_key": "notifications",
        },
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notification read; with `open`, go on to what it is about."""
    notification = notifications_visible_to(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    notification_mark_read(user=request.user, notification_id=notification.pk)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("communications:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = notification_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)s notification marked read.", "%(count)s notifications marked read.", count)
        % {"count": count},
    )
    return redirect("communications:notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None, current=preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            preferences_save(user=request.user, channels=dict(form.cleaned_data), request=request)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("communications:preferences")
    return render(request, "communications/preferences.html", {"form": form, "area_key": "notifications"})

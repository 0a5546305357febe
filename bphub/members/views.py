from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bphub.core import policy
from bphub.members import selectors
from bphub.members.forms import BodyForm, MemberForm, OnDateForm, SeatForm, ThemeForm
from bphub.members.models import Body, BodyMembership, Member, Theme
from bphub.members.services import body_membership_create, reference_record_update, reference_version


def member_list(request):
    # Unknown filter values are ignored, so the cached table has a bounded set of keys.
    standing = request.GET.get("standing", "") if request.GET.get("standing") in Member.Standing.values else ""
    kind = request.GET.get("kind", "") if request.GET.get("kind") in Member.Kind.values else ""
    members = selectors.member_list(standing=standing, kind=kind)
    return render(request, "members/member_list.html", {
        "members": members,  # lazy: read only on a cache miss
        "has_unconfirmed": members.filter(is_confirmed=False).exists,  # a callable: the same
        "themes": selectors.theme_list(),
        "filter_key": f"{standing}:{kind}",
        "reference_version": reference_version(),
    })


def member_detail(request, code: str):
    try:
        member = selectors.member_with_seats(code)
    except Member.DoesNotExist:
        raise Http404 from None
    return render(request, "members/member_detail.html", {
        "member": member,
        "has_unconfirmed": any(not seat.is_confirmed for seat in member.seats.all()),
        "can_edit": policy.may(request.user, policy.Capability.EDIT_REFERENCE_DATA),
    })


def body_list(request):
    return render(request, "members/body_list.html", {"bodies": selectors.body_list()})


def body_detail(request, code: str):
    body = get_object_or_404(Body, code=code)
    form = OnDateForm(request.GET or None)
    day = timezone.localdate()
    if form.is_valid() and form.cleaned_data["on"]:
        day = form.cleaned_data["on"]
    seats = list(selectors.seats_on(body=body, day=day))
    return render(
        request,
        "members/body_detail.html",
        {
            "body": body,
            "form": form,
            "day": day,
            "seats": seats,
            "has_unconfirmed": any(not seat.is_confirmed for seat in seats),
            "history": selectors.seat_history(body=body),
            "can_edit": policy.may(request.user, policy.Capability.EDIT_REFERENCE_DATA),
        },
    )


def _reference_edit(request, instance, form_class, template_title, back_url):
    if not policy.may(request.user, policy.Capability.EDIT_REFERENCE_DATA):
        raise Http404
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            reference_record_update(
                actor=request.user,
                instance=instance,
                form_data={name: form.cleaned_data[name] for name in form.changed_data},
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved. The reference files will not overwrite this correction."))
            return redirect(back_url)
    return render(request, "members/reference_edit.html", {"form": form, "title": template_title, "back_url": back_url})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, code: str):
    member = get_object_or_404(Member, code=code)
    return _reference_edit(
        request, member, MemberForm, _("Correct %(name)s") % {"name": member}, member.get_absolute_url()
    )


@login_required
@require_http_methods(["GET", "POST"])
def body_edit(request, code: str):
    body = get_object_or_404(Body, code=code)
    return _reference_edit(request, body, BodyForm, _("Correct %(name)s") % {"name": body}, body.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request, code: str):
    theme = get_object_or_404(Theme, code=code)
    return _reference_edit(request, theme, ThemeForm, _("Correct %(name)s") % {"name": theme}, "/members/")


@login_required
@require_http_methods(["GET", "POST"])
def seat_edit(request, code: str, seat_id: int):
    seat = get_object_or_404(BodyMembership.objects.select_related("body", "member"), pk=seat_id, body__code=code)
    return _reference_edit(
        request, seat, SeatForm, _("Correct a seat on %(body)s") % {"body": seat.body}, seat.body.get_absolute_url()
    )


@login_required
@require_http_methods(["GET", "POST"])
def seat_add(request, code: str):
    if not policy.may(request.user, policy.Capability.EDIT_REFERENCE_DATA):
        raise Http404
    body = get_object_or_404(Body, code=code)
    form = SeatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body_membership_create(actor=request.user, request=request, body=body, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Seat added."))
            return redirect(body.get_absolute_url())
    return render(
        request,
        "members/reference_edit.html",
        {"form": form, "title": _("Add a seat on %(body)s") % {"body": body}, "back_url": body.get_absolute_url()},
    )

"""The confirmation link a focal point receives: no sign-in, single use, shows only their own record."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bphub.directory.models import FocalPointRole
from bphub.directory.services.freshness import (
    ConfirmationUnusable,
    confirmation_confirm,
    confirmation_for_token,
    confirmation_open,
    member_coordinators,
)
from bphub.directory.services.proposals import PROPOSAL_FIELDS, proposal_current_values, proposal_submit
from bphub.directory.validation import format_phone


def _language_choices():
    return [("", _("(not set)")), *settings.CONTENT_LANGUAGES]


class ProposalForm(forms.Form):
    """Plain text inputs; the values are validated by services.proposals.proposal_clean."""

    full_name = forms.CharField(label=PROPOSAL_FIELDS["full_name"], max_length=200)
    local_name = forms.CharField(label=PROPOSAL_FIELDS["local_name"], max_length=200, required=False)
    title = forms.CharField(label=PROPOSAL_FIELDS["title"], max_length=200, required=False)
    emails = forms.CharField(
        label=PROPOSAL_FIELDS["emails"],
        max_length=1000,
        help_text=_("The first one is used for messages. Separate several with commas."),
    )
    phones = forms.CharField(
        label=PROPOSAL_FIELDS["phones"],
        max_length=1000,
        required=False,
        help_text=_("With the country code, e.g. +62 21 555 0100. Separate several with commas."),
    )
    preferred_language = forms.ChoiceField(label=PROPOSAL_FIELDS["preferred_language"], required=False)
    time_zone = forms.CharField(
        label=PROPOSAL_FIELDS["time_zone"], max_length=64, required=False, help_text=_("For example Asia/Jakarta.")
    )
    note = forms.CharField(
        label=_("Anything else we should know"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example a new agency or role, or that you are no longer a focal point."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = _language_choices()

    @classmethod
    def initial_for(cls, focal_point) -> dict:
        values = proposal_current_values(focal_point)
        values["emails"] = ", ".join(values["emails"])
        values["phones"] = ", ".join(format_phone(number) for number in values["phones"])
        return values


def _page_language(request, focal_point) -> str | None:
    """The person's preferred interface language, unless the visitor chose one."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or request.user.is_authenticated:
        return None
    supported = {code for code, _name in settings.LANGUAGES}
    return focal_point.preferred_language if focal_point.preferred_language in supported else None


def _private(response):
    """The link is a secret: keep the page out of search engines and of other sites' Referer headers.

    "same-origin", not "no-referrer": with no-referrer, browsers send `Origin: null` on the page's
    own form posts and Django's CSRF check refuses them (found by the browser test).
    """
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _unusable(request, error: ConfirmationUnusable):
    person = error.confirmation.focal_point
    context = {
        "reason": error.reason,
        "coordinators": member_coordinators(person.member),
        "member": person.member,
    }
    return _private(render(request, "directory/confirm/unusable.html", context, status=410))


def _record_context(focal_point) -> dict:
    return {
        "person": focal_point,
        "emails": list(focal_point.emails.order_by("-is_primary", "id")),
        "phones": list(focal_point.phones.order_by("-is_primary", "id")),
        "roles": [
            role
            for role in FocalPointRole.objects.filter(focal_point=focal_point).select_related("body", "theme")
            if role.is_current
        ],
        "language_label": dict(settings.CONTENT_LANGUAGES).get(focal_point.preferred_language, ""),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    try:
        confirmation = confirmation_for_token(token)
    except ConfirmationUnusable as error:
        return _unusable(request, error)
    person = confirmation.focal_point
    with translation.override(_page_language(request, person) or translation.get_language()):
        form = ProposalForm(initial=ProposalForm.initial_for(person))
        if request.method == "GET":
            confirmation_open(confirmation=confirmation)
        else:
            action = request.POST.get("action")
            try:
                if action == "confirm":
                    confirmation_confirm(confirmation=confirmation)
                    return _private(render(request, "directory/confirm/done.html", {"outcome": "confirmed"}))
                if action == "propose":
                    form = ProposalForm(request.POST)
                    if form.is_valid():
                        data = dict(form.cleaned_data)
                        note = data.pop("note", "")
                        try:
                            proposal_submit(confirmation=confirmation, raw=data, note=note)
                        except ValidationError as error:
                            if hasattr(error, "error_dict"):
                                for field, messages in error.message_dict.items():
                                    form.add_error(field if field in form.fields else None, messages)
                            else:
                                form.add_error(None, error.messages)
                        else:
                            return _private(render(request, "directory/confirm/done.html", {"outcome": "proposed"}))
            except ConfirmationUnusable as error:
                return _unusable(request, error)
        context = {**_record_context(person), "form": form, "proposing": request.method == "POST"}
        status = 400 if request.method == "POST" else 200
        return _private(render(request, "directory/confirm/page.html", context, status=status))


urlpatterns = [
    path("confirm/<str:token>/", confirm, name="confirm"),
]

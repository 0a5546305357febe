from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. \"reporting script\"."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=settings.API_TOKEN_MAX_DAYS,
                              initial=settings.API_TOKEN_DEFAULT_DAYS)

from django import forms
from django.utils.translation import gettext_lazy as _

from bphub.core.forms import record_formfield
from bphub.members.models import Body, BodyMembership, Member, Theme


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "country", "kind", "standing", "sub_region", "is_confirmed", "source_note"]


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["name", "kind", "established", "is_confidential", "is_confirmed", "source_note"]


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "is_confirmed", "source_note"]


class SeatForm(forms.ModelForm):
    class Meta:
        model = BodyMembership
        formfield_callback = record_formfield  # a member chosen by id: out-of-range ids are unknown choices
        fields = ["member", "role", "valid_from", "valid_to", "source", "is_confirmed"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"source": _("Where this fact comes from (meeting report, note verbale...).")}


class OnDateForm(forms.Form):
    on = forms.DateField(label=_("Who sat on it on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

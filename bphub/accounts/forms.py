from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bphub.accounts.models import Role, User, time_zone_choices
from bphub.directory.models import Agency
from bphub.members.models import Body, Member


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"))
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.all(), required=False,
                                    help_text=_("Leave empty for RSO staff."))
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.select_related("member"), required=False)

    def __init__(self, *args, roles, member_locked=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        if member_locked is not None:
            self.fields["member"].queryset = Member.objects.filter(pk=member_locked.pk)
            self.fields["member"].initial = member_locked
            self.fields["agency"].queryset = Agency.objects.filter(member=member_locked)


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A passphrase of several words is easy to remember."),
    )
    password2 = forms.CharField(
        label=_("Type it again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.all(), required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.all(), required=False)
    chaired_bodies = forms.ModelMultipleChoiceField(
        label=_("Co-chaired bodies"), queryset=Body.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices,
                                  help_text=_("Every time on the platform is shown in this zone."))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["time_zone", "language"]

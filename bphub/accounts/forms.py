from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bphub.accounts.models import Role, User, time_zone_choices
from bphub.accounts.permissions import member_locked_for
from bphub.core.forms import RecordChoiceField, RecordMultipleChoiceField
from bphub.directory.person_record import agencies_to_choose
from bphub.members.models import Body, Member


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"))
    member = RecordChoiceField(
        label=_("Member"), queryset=Member.objects.all(), required=False, help_text=_("Leave empty for RSO staff.")
    )
    agency = RecordChoiceField(label=_("Agency"), queryset=agencies_to_choose(None).none(), required=False)

    def __init__(self, *args, roles, user, member_locked=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        self.fields["agency"].queryset = agencies_to_choose(user, member_locked)
        if member_locked is not None:
            self.fields["member"].queryset = Member.objects.filter(pk=member_locked.pk)
            self.fields["member"].initial = member_locked


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
    member = RecordChoiceField(label=_("Member"), queryset=Member.objects.all(), required=False)
    agency = RecordChoiceField(label=_("Agency"), queryset=agencies_to_choose(None).none(), required=False)
    chaired_bodies = RecordMultipleChoiceField(
        label=_("Co-chaired bodies"), queryset=Body.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, roles, user, person=None, **kwargs):
        """`user` changes the role of `person`. A coordinator chooses among their member's agencies
        they may see; when `person` works in an agency `user` may not see, it is neither shown nor
        offered, and the empty choice keeps it."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        own_member = member_locked_for(user)
        agencies = agencies_to_choose(user, own_member)
        self.fields["agency"].queryset = agencies
        self.kept_agency = None
        if person is not None and person.agency_id and not agencies.filter(pk=person.agency_id).exists():
            self.kept_agency = person.agency
            self.initial["agency"] = None
            self.fields["agency"].empty_label = _("(unchanged: an agency you cannot see)")

    def clean_agency(self):
        chosen = self.cleaned_data.get("agency")
        return self.kept_agency if chosen is None and self.kept_agency is not None else chosen


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Every time on the platform is shown in this zone."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["time_zone", "language"]

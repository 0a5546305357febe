from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bphub.accounts.models import Role, User
from bphub.accounts.permissions import member_locked_for
from bphub.core.forms import RecordChoiceField, RecordMultipleChoiceField
from bphub.core.timezones import country_zones, grouped_zone_choices
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


def _country_names(code: str) -> list[str]:
    """A country's name in the reader's language and in English, for finding its zones."""
    from django.utils import translation
    from django_countries import countries

    if not code:
        return []
    with translation.override("en"):
        english = countries.name(code)
    return [countries.name(code), english]


def time_zone_groups(user, *, query: str = "", keep: str = "") -> list:
    """The zones offered to `user`: their member's zones first (the member's own, then the others of
    its country), the RSO's for people of no member, then every zone by region; `query` narrows."""
    member = user.member if user.member_id else None
    if member is not None:
        first = [member.time_zone, *country_zones(member.country.code or "")]
        first_label = _("Zones of %(member)s") % {"member": member}
    else:
        first, first_label = [settings.RSO_TIME_ZONE], _("The RSO's zone")
    return grouped_zone_choices(
        first=first, first_label=first_label, query=query, keep=keep, country_names=_country_names
    )


class PreferencesForm(forms.ModelForm):
    """Time zone and language. `zone_query` narrows the zones shown (a form that is not sent);
    a sent form is checked against every zone, whatever was shown."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Every time on the platform is shown in this zone."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["time_zone", "language"]

    def __init__(self, *args, zone_query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        query = "" if self.is_bound else zone_query
        groups = time_zone_groups(self.instance, query=query, keep=self.instance.time_zone)
        self.zone_query_matched = not query or any(
            value != self.instance.time_zone for _label, options in groups for value, _text in options
        )
        if not self.zone_query_matched:
            groups = time_zone_groups(self.instance, keep=self.instance.time_zone)
        self.fields["time_zone"].choices = groups

"""Forms of the directory's record pages: they parse and validate input; services/records.py writes.

`cleaned_data` of FocalPointForm and AgencyForm is shaped for `focal_point_save` / `agency_save`
(see `FocalPointForm.service_data`).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bphub.accounts.models import time_zone_choices
from bphub.core.forms import RecordChoiceField, RecordMultipleChoiceField
from bphub.core.i18n import FALLBACK_LANGUAGE, MultilingualFormField, MultilingualWidget
from bphub.core.models import Classification
from bphub.directory.models import DEFAULT_REVIEW_CADENCE_DAYS, Agency, AgencyKind, RoleKind
from bphub.directory.permissions import agencies_to_choose, hidden_agency_ids
from bphub.directory.validation import clean_email, clean_phone, format_phone
from bphub.members.models import Body, Member, Theme

# The usual language of a member's own script, for the agency name inputs and `lang` attributes.
MEMBER_LANGUAGES = {
    "AF": "fa", "BD": "bn", "CN": "zh-hans", "HK": "zh-hans", "MO": "zh-hans", "KH": "km", "FR": "fr",
    "IN": "hi", "ID": "id", "IR": "fa", "IQ": "ar", "JP": "ja", "JO": "ar", "LA": "lo", "MY": "ms",
    "MN": "mn", "MM": "my", "NP": "ne", "PK": "ur", "PH": "fil", "KR": "ko", "LK": "si", "SY": "ar",
    "TH": "th", "TL": "tet", "TR": "tr", "AE": "ar", "VN": "vi",
}  # fmt: skip

CADENCE_CHOICES = [
    (91, gettext_lazy("every 3 months")),
    (DEFAULT_REVIEW_CADENCE_DAYS, gettext_lazy("every 6 months (default)")),
    (365, gettext_lazy("every 12 months")),
]


def member_language(member) -> str:
    """The content language of `member`'s own script, or "" when it is English or unknown."""
    if member is None:
        return ""
    return MEMBER_LANGUAGES.get(member.code, "") or MEMBER_LANGUAGES.get(str(member.country or ""), "")


def _lines(raw: str) -> list[str]:
    return [line.strip() for line in str(raw or "").replace(",", "\n").replace(";", "\n").splitlines() if line.strip()]


def _agency_choice(field, queryset, *, kept) -> None:
    """Offer `queryset` (agencies the user may see) in `field`. When the record is now linked to an
    agency the user may not see (`kept`), its id and name are not offered; the empty choice then
    keeps it unchanged (see `_kept_agency`)."""
    field.queryset = queryset
    field.label_from_instance = str
    if kept is not None:
        field.empty_label = _("(unchanged: an agency you cannot see)")
        field.help_text = _("Choose another agency to replace it.")


def _kept_agency(chosen, kept):
    return kept if chosen is None and kept is not None else chosen


def _cadence_choices(current: int | None):
    choices = list(CADENCE_CHOICES)
    if current and current not in {value for value, _label in choices}:
        choices.append((current, _("every %(days)d days") % {"days": current}))
    return choices


class MemberChoiceForm(forms.Form):
    """First step of "new record" for the RSO: whose directory the record goes into."""

    member = RecordChoiceField(
        label=gettext_lazy("Member"), queryset=Member.objects.order_by("code"), to_field_name="code"
    )


# -- focal points ---------------------------------------------------------------------------------


class FocalPointForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Name (Latin script)"), max_length=200)
    local_name = forms.CharField(label=gettext_lazy("Name in own script"), max_length=200, required=False)
    title = forms.CharField(label=gettext_lazy("Title / position"), max_length=200, required=False)
    agency = RecordChoiceField(label=gettext_lazy("Agency"), queryset=Agency.objects.none(), required=False)
    emails = forms.CharField(
        label=gettext_lazy("Email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        help_text=gettext_lazy("One per line; the first is the primary address."),
    )
    phones = forms.CharField(
        label=gettext_lazy("Phone numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=gettext_lazy("One per line, with the country code (numbers without one are read as local)."),
    )
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Current roles"), required=False, widget=forms.CheckboxSelectMultiple
    )
    preferred_language = forms.ChoiceField(label=gettext_lazy("Preferred language"), required=False)
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)
    classification = forms.ChoiceField(
        label=gettext_lazy("Who may read this record"),
        help_text=gettext_lazy(
            "Contact details are never shown to the public, researchers or alumni, whatever you choose."
        ),
    )
    released_to = RecordMultipleChoiceField(
        label=gettext_lazy("Also released to (restricted records)"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    review_cadence_days = forms.TypedChoiceField(label=gettext_lazy("Review"), coerce=int)
    confirm = forms.BooleanField(
        label=gettext_lazy("This save also confirms the record (I checked these details are current)"),
        required=False,
    )

    def __init__(self, *args, member, user, focal_point=None, **kwargs):
        """`user` is the person filling in the form: only agencies they may see are offered."""
        self.member = member
        self.focal_point = focal_point
        hidden = hidden_agency_ids(user)
        self.kept_agency = focal_point.agency if focal_point is not None and focal_point.agency_id in hidden else None
        if focal_point is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(focal_point)
            if self.kept_agency is not None:
                kwargs["initial"]["agency"] = None
        super().__init__(*args, **kwargs)
        agencies = agencies_to_choose(user, member, active_only=True)
        _agency_choice(self.fields["agency"], agencies, kept=self.kept_agency)
        self.fields["roles"].choices = self.role_choices()
        self.fields["preferred_language"].choices = [("", "—"), *settings.CONTENT_LANGUAGES]
        self.fields["time_zone"].choices = [("", "—"), *time_zone_choices()]
        current = focal_point.classification if focal_point else Classification.MEMBERS
        levels = [Classification.MEMBERS, Classification.RESTRICTED, Classification.SECRETARIAT]
        if current not in levels:
            levels.insert(0, current)  # keep what the record has (e.g. public) selectable
        self.fields["classification"].choices = [(c, Classification(c).label) for c in levels]
        self.fields["classification"].initial = current
        self.fields["released_to"].queryset = Member.objects.exclude(pk=member.pk).order_by("code")
        self.fields["released_to"].label_from_instance = lambda m: f"{m.code} · {m}"
        cadence = focal_point.review_cadence_days if focal_point else DEFAULT_REVIEW_CADENCE_DAYS
        self.fields["review_cadence_days"].choices = _cadence_choices(cadence)
        self.fields["review_cadence_days"].initial = cadence

    @staticmethod
    def role_choices():
        choices = [(kind.value, kind.label) for kind in (RoleKind.NATIONAL, RoleKind.SOM_DELEGATE)]
        groups = [
            (f"working_group:{body.code}", f"{body} ({body.code})")
            for body in Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("code")
        ]
        themes = [(f"thematic:{theme.code}", str(theme)) for theme in Theme.objects.all()]
        return [
            (_("General"), choices),
            (_("Working-group focal point for"), groups),
            (_("Thematic focal point for"), themes),
        ]

    @staticmethod
    def initial_for(focal_point) -> dict:
        roles = []
        for role in focal_point.roles.select_related("body", "theme"):
            if not role.is_current:
                continue
            if role.kind == RoleKind.WORKING_GROUP:
                roles.append(f"working_group:{role.body.code}")
            elif role.kind == RoleKind.THEMATIC:
                roles.append(f"thematic:{role.theme.code}")
            else:
                roles.append(role.kind)
        return {
            "full_name": focal_point.full_name,
            "local_name": focal_point.local_name,
            "title": focal_point.title,
            "agency": focal_point.agency_id,
            "emails": "\n".join(e.address for e in focal_point.emails.all()),
            "phones": "\n".join(format_phone(p.number) for p in focal_point.phones.all()),
            "roles": roles,
            "preferred_language": focal_point.preferred_language,
            "time_zone": focal_point.time_zone,
            "released_to": list(focal_point.released_to.all()),
        }

    def clean_agency(self):
        return _kept_agency(self.cleaned_data.get("agency"), self.kept_agency)

    def clean_emails(self) -> list[str]:
        addresses, errors = [], []
        for line in _lines(self.cleaned_data.get("emails")):
            try:
                address = clean_email(line)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            if address not in addresses:
                addresses.append(address)
        if errors:
            raise ValidationError(errors)
        return addresses

    def clean_phones(self) -> list[str]:
        region = str(self.member.country or "")
        numbers, errors = [], []
        for line in str(self.cleaned_data.get("phones") or "").replace(";", "\n").splitlines():
            if not line.strip():
                continue
            try:
                number = clean_phone(line, region=region)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            if number not in numbers:
                numbers.append(number)
        if errors:
            raise ValidationError(errors)
        return numbers

    def clean_roles(self) -> list[dict]:
        bodies = {b.code: b for b in Body.objects.filter(kind=Body.Kind.WORKING_GROUP)}
        themes = {t.code: t for t in Theme.objects.all()}
        roles = []
        for value in self.cleaned_data.get("roles") or []:
            kind, _sep, code = value.partition(":")
            roles.append(
                {
                    "kind": kind,
                    "body": bodies.get(code) if kind == RoleKind.WORKING_GROUP else None,
                    "theme": themes.get(code) if kind == RoleKind.THEMATIC else None,
                }
            )
        return roles

    def clean(self):
        data = super().clean()
        if data.get("classification") != Classification.RESTRICTED:
            data["released_to"] = []
        return data

    def service_data(self) -> dict:
        """The cleaned values as `focal_point_save` takes them."""
        data = {key: value for key, value in self.cleaned_data.items() if key != "confirm"}
        data["released_to"] = list(data.get("released_to") or [])
        return data


# -- agencies --------------------------------------------------------------------------------------


class AgencyNameWidget(MultilingualWidget):
    """The multilingual inputs for English plus the member's own language(s)."""

    def __init__(self, languages: list[str], attrs=None):
        forms.MultiWidget.__init__(self, [forms.TextInput() for _code in languages], attrs)
        self.languages = languages

    def get_context(self, name, value, attrs):
        context = forms.MultiWidget.get_context(self, name, value, attrs)
        names = dict(settings.CONTENT_LANGUAGES)
        for code, sub in zip(self.languages, context["widget"]["subwidgets"], strict=False):
            sub["language"] = code
            sub["language_name"] = names.get(code, code)
            sub["attrs"]["lang"] = code
        return context


class AgencyNameField(MultilingualFormField):
    def __init__(self, languages: list[str], **kwargs):
        super().__init__(**kwargs)
        self.languages = languages
        self.fields = tuple(forms.CharField(required=False, max_length=300) for _code in languages)
        self.widget = AgencyNameWidget(languages)
        self.widget.is_required = self.required


class AgencyForm(forms.Form):
    acronym = forms.CharField(label=gettext_lazy("Acronym"), max_length=32, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AgencyKind.choices)
    themes = RecordMultipleChoiceField(
        label=gettext_lazy("Mandate themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")
    parent = RecordChoiceField(label=gettext_lazy("Parent agency"), queryset=Agency.objects.none(), required=False)
    email_domains = forms.CharField(
        label=gettext_lazy("Trusted email domains"),
        max_length=500,
        required=False,
        help_text=gettext_lazy(
            "Addresses on these domains can be verified automatically. Separate domains with spaces."
        ),
    )
    classification = forms.ChoiceField(label=gettext_lazy("Who may read this record"))
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    review_cadence_days = forms.TypedChoiceField(label=gettext_lazy("Review"), coerce=int)
    confirm = forms.BooleanField(
        label=gettext_lazy("This save also confirms the record (I checked these details are current)"),
        required=False,
    )

    def __init__(self, *args, member, user, agency=None, **kwargs):
        """`user` is the person filling in the form: only parents they may see are offered."""
        self.member = member
        self.agency = agency
        hidden = hidden_agency_ids(user)
        self.kept_parent = agency.parent if agency is not None and agency.parent_id in hidden else None
        if agency is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": agency.name,
                "acronym": agency.acronym,
                "kind": agency.kind,
                "themes": list(agency.themes.all()),
                "website": agency.website,
                "parent": None if self.kept_parent is not None else agency.parent_id,
                "email_domains": agency.email_domains,
                "is_active": agency.is_active,
            }
        super().__init__(*args, **kwargs)
        languages = [FALLBACK_LANGUAGE]
        own = member_language(member)
        if own:
            languages.append(own)
        for code in sorted((agency.name or {}) if agency else {}):
            if code not in languages:
                languages.append(code)  # keep every version the agency already has
        name = AgencyNameField(languages, label=gettext_lazy("Name"), required=True)
        name.help_text = gettext_lazy("In English and in the agency's own language.")
        self.fields = {"name": name, **self.fields}
        parents = agencies_to_choose(user, member, exclude=agency)
        _agency_choice(self.fields["parent"], parents, kept=self.kept_parent)
        current = agency.classification if agency else Classification.PUBLIC
        levels = [Classification.PUBLIC, Classification.MEMBERS, Classification.RESTRICTED, Classification.SECRETARIAT]
        if current not in levels:
            levels.insert(0, current)
        self.fields["classification"].choices = [(c, Classification(c).label) for c in levels]
        self.fields["classification"].initial = current
        cadence = agency.review_cadence_days if agency else DEFAULT_REVIEW_CADENCE_DAYS
        self.fields["review_cadence_days"].choices = _cadence_choices(cadence)
        self.fields["review_cadence_days"].initial = cadence

    def clean_parent(self):
        return _kept_agency(self.cleaned_data.get("parent"), self.kept_parent)

    def clean_email_domains(self) -> str:
        domains = []
        for raw in str(self.cleaned_data.get("email_domains") or "").replace(",", " ").split():
            domain = raw.strip().lower().lstrip("@")
            if "." not in domain or not all(part.isascii() for part in domain) or " " in domain:
                raise ValidationError(_("“%(value)s” is not a domain name (e.g. imigrasi.go.id).") % {"value": raw})
            if domain not in domains:
                domains.append(domain)
        return " ".join(domains)

    def service_data(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key != "confirm"}
        data["themes"] = list(data.get("themes") or [])
        # Languages not offered here (if any) are kept as they were.
        if self.agency is not None:
            kept = {k: v for k, v in (self.agency.name or {}).items() if k not in self.fields["name"].languages}
            data["name"] = {**kept, **data["name"]}
        return data


class MergeForm(forms.Form):
    """Which of the two reviewed records survives."""

    keep = forms.ChoiceField(
        label=gettext_lazy("Keep"),
        choices=[("this", gettext_lazy("this record")), ("other", gettext_lazy("the other record"))],
        widget=forms.RadioSelect,
    )

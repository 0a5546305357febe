from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bphub.communications.models import Announcement, Preference, Topic
from bphub.communications.permissions import audiences_for, chaired_body_ids, is_rso
from bphub.core import policy
from bphub.core.forms import RecordChoiceField
from bphub.core.i18n import MultilingualFormField, localize

Audience = Announcement.Audience


class AnnouncementForm(forms.Form):
    title = MultilingualFormField(label=_("Title"))
    text = MultilingualFormField(
        label=_("Text"), textarea=True, help_text=_("Plain text; blank lines start paragraphs.")
    )
    audience = forms.ChoiceField(label=_("Who is it for?"), widget=forms.RadioSelect)
    audience_body = RecordChoiceField(
        label=_("Body or working group"), queryset=None, required=False, help_text=_("For “A body or working group”.")
    )
    audience_sub_region = RecordChoiceField(
        label=_("Sub-region"), queryset=None, required=False, help_text=_("For “A sub-region”.")
    )
    audience_list = RecordChoiceField(
        label=_("Engagement list"), queryset=None, required=False, help_text=_("For “A saved engagement list”.")
    )
    meeting = RecordChoiceField(label=_("About a meeting (optional)"), queryset=None, required=False)
    send_email = forms.BooleanField(
        label=_("Also send by email to readers who asked for it"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        from bphub.directory.models import EngagementList
        from bphub.meetings.models import Meeting
        from bphub.members.models import Body, SubRegion

        super().__init__(*args, **kwargs)
        audiences = audiences_for(user)
        self.fields["audience"].choices = [(value, Audience(value).label) for value in audiences]
        if len(audiences) == 1:
            self.fields["audience"].initial = audiences[0]
        bodies = Body.objects.order_by("code")
        if not is_rso(user):
            bodies = bodies.filter(pk__in=chaired_body_ids(user))
        self.fields["audience_body"].queryset = bodies
        self.fields["audience_body"].label_from_instance = lambda body: f"{body.code} – {localize(body.name).text}"
        self.fields["audience_sub_region"].queryset = SubRegion.objects.order_by("name")
        self.fields["audience_list"].queryset = policy.visible_to(EngagementList.objects.all(), user).order_by(
            "name", "id"
        )
        since = timezone.now() - timedelta(days=90)
        self.fields["meeting"].queryset = (
            policy.visible_to(Meeting.objects.all(), user)
            .exclude(status=Meeting.Status.DRAFT)
            .filter(ends_at__gte=since)
            .order_by("starts_at", "id")
        )
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{localize(meeting.title).text} ({timezone.localtime(meeting.starts_at):%Y-%m-%d})"
        )
        for name, audience in (
            ("audience_body", Audience.BODY),
            ("audience_sub_region", Audience.SUB_REGION),
            ("audience_list", Audience.LIST),
        ):
            if audience not in audiences:
                del self.fields[name]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "text": data["text"],
            "audience": data["audience"],
            "audience_body": data.get("audience_body"),
            "audience_sub_region": data.get("audience_sub_region"),
            "audience_list": data.get("audience_list"),
            "meeting": data.get("meeting"),
            "send_email": data.get("send_email", False),
        }


class PreferencesForm(forms.Form):
    """One choice per topic: email right away, weekly digest, or in the app only."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for topic, label in Topic.choices:
            self.fields[topic] = forms.ChoiceField(
                label=label,
                choices=Preference.Channel.choices,
                initial=current.get(topic, Preference.DEFAULTS[topic]),
                widget=forms.RadioSelect,
            )

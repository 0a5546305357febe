"""Forms of the meeting pages: the meeting itself, its agenda, and convening a consultation.

Times are typed as the host sees them (in the meeting's host time zone) and turned into instants
here; a time that does not exist there (a clock change) is refused by name.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from bphub.accounts.models import time_zone_choices
from bphub.core.forms import RecordChoiceField, RecordMultipleChoiceField
from bphub.core.i18n import MultilingualFormField
from bphub.core.models import Classification
from bphub.meetings import permissions
from bphub.meetings.models import Meeting, MeetingSeries, zone
from bphub.members.models import Body, Member

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class HostDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, kept naive: the form gives it its zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return timezone.make_naive(value) if timezone.is_aware(value) else value
        try:
            result = parse_datetime(str(value).strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if result is None:
            result = BaseTemporalField.to_python(self, value)  # the input formats, or ValidationError
        return result.replace(tzinfo=None) if timezone.is_aware(result) else result

    def prepare_value(self, value):
        return value


def wall_clock(instant, time_zone: str):
    """An instant as the naive wall-clock time in `time_zone` (to fill a HostDateTimeField)."""
    if instant is None:
        return None
    return timezone.localtime(instant, zone(time_zone)).replace(tzinfo=None, second=0, microsecond=0)


def in_zone(form: forms.Form, name: str, naive, tz: ZoneInfo):
    """The instant a wall-clock time names in `tz`; adds an error to `name` when it does not exist there."""
    if naive is None:
        return None
    aware = naive.replace(tzinfo=tz)
    if timezone.localtime(aware, tz).replace(tzinfo=None) != naive:
        form.add_error(name, _("This time does not exist in %(zone)s (the clocks change then).") % {"zone": tz.key})
        return None
    return aware


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where the form has the field, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class _ZonedForm(forms.Form):
    zoned_fields: tuple = ()

    def host_zone_name(self) -> str:
        return ""

    def clean(self):
        cleaned = super().clean()
        name = self.host_zone_name()
        if not name:
            return cleaned
        tz = zone(name)
        for field in self.zoned_fields:
            if cleaned.get(field) is not None:
                cleaned[field] = in_zone(self, field, cleaned[field], tz)
        return cleaned


class MeetingForm(_ZonedForm):
    title = MultilingualFormField(label=_("Title"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    series = RecordChoiceField(label=_("Series"), queryset=MeetingSeries.objects.order_by("code"), required=False)
    number = forms.IntegerField(label=_("Number in the series"), min_value=1, max_value=2**31 - 1, required=False)
    group = RecordChoiceField(
        label=_("Body or working group"),
        queryset=Body.objects.order_by("code"),
        required=False,
        help_text=_("The body whose meeting it is: it shows in that body's workspace and calendar."),
    )
    host = RecordChoiceField(
        label=_("Host"),
        queryset=Member.objects.order_by("name__en", "code"),
        required=False,
        empty_label=_("Regional Support Office"),
    )
    time_zone = forms.ChoiceField(
        label=_("Host time zone"),
        choices=[("", _("The host’s own time zone"))],
        required=False,
        help_text=_("The times below are the host’s local times in this zone."),
    )
    starts_at = HostDateTimeField(label=_("Starts"))
    ends_at = HostDateTimeField(label=_("Ends"))
    nomination_deadline = HostDateTimeField(label=_("Nominations close"), required=False)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), max_length=500, required=False, assume_scheme="https")
    description = MultilingualFormField(label=_("Description"), textarea=True, required=False)
    classification = forms.ChoiceField(
        label=_("Who may read it"),
        choices=[("", _("Default: members (restricted for a consultation)"))] + list(Classification.choices),
        required=False,
    )
    body = RecordChoiceField(
        label=_("Body whose members read it"),
        queryset=Body.objects.order_by("code"),
        required=False,
        help_text=_("For a body-level meeting; its own body when left empty."),
    )
    released_to = RecordMultipleChoiceField(
        label=_("Released to"),
        queryset=Member.objects.order_by("name__en", "code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("For a restricted meeting: the members who may read it."),
    )

    zoned_fields = ("starts_at", "ends_at", "nomination_deadline")

    def __init__(self, *args, user, meeting: Meeting | None = None, **kwargs):
        self.meeting = meeting
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": meeting.title,
                "kind": meeting.kind,
                "series": meeting.series_id,
                "number": meeting.number,
                "group": meeting.group_id,
                "host": meeting.host_id,
                "time_zone": meeting.time_zone,
                "starts_at": wall_clock(meeting.starts_at, meeting.time_zone),
                "ends_at": wall_clock(meeting.ends_at, meeting.time_zone),
                "nomination_deadline": wall_clock(meeting.nomination_deadline, meeting.time_zone),
                "venue": meeting.venue,
                "online_url": meeting.online_url,
                "description": meeting.description,
                "classification": meeting.classification,
                "body": meeting.body_id,
                "released_to": list(meeting.released_to.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = self.fields["time_zone"].choices + time_zone_choices()
        if not permissions.is_rso(user):
            chaired = permissions.chaired_body_ids(user)
            self.fields["group"].queryset = Body.objects.filter(pk__in=chaired).order_by("code")
            self.fields["group"].required = True
            self.fields["group"].empty_label = None
            self.fields["classification"].choices = [
                c for c in self.fields["classification"].choices if c[0] != Classification.SECRETARIAT
            ]

    def host_zone_name(self) -> str:
        name = self.cleaned_data.get("time_zone")
        host = self.cleaned_data.get("host")
        if not name and host is not None and host.time_zone:
            name = host.time_zone
        if not name and "time_zone" not in self.errors:
            self.add_error("time_zone", _("Choose the host time zone (the host has none on record)."))
        return name

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["number"] = data.get("number")
        data["description"] = data.get("description") or {}
        data["released_to"] = list(data.get("released_to") or [])
        if not data.get("time_zone"):
            data["time_zone"] = ""
        return data


class SessionForm(_ZonedForm):
    title = MultilingualFormField(label=_("Title"))
    starts_at = HostDateTimeField(label=_("Starts"))
    ends_at = HostDateTimeField(label=_("Ends"))
    room = forms.CharField(label=_("Room"), max_length=200, required=False)

    zoned_fields = ("starts_at", "ends_at")

    def __init__(self, *args, meeting: Meeting, session=None, **kwargs):
        self.meeting = meeting
        if session is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": session.title,
                "starts_at": wall_clock(session.starts_at, meeting.time_zone),
                "ends_at": wall_clock(session.ends_at, meeting.time_zone),
                "room": session.room,
            }
        super().__init__(*args, **kwargs)

    def host_zone_name(self) -> str:
        return self.meeting.time_zone


class ItemForm(_ZonedForm):
    title = MultilingualFormField(label=_("Title"))
    starts_at = HostDateTimeField(label=_("Starts"), required=False)
    ends_at = HostDateTimeField(label=_("Ends"), required=False)
    presenters = forms.CharField(label=_("Presenters"), max_length=500, required=False)
    documents = RecordMultipleChoiceField(
        label=_("Documents"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    zoned_fields = ("starts_at", "ends_at")

    def __init__(self, *args, meeting: Meeting, documents, item=None, **kwargs):
        self.meeting = meeting
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": item.title,
                "starts_at": wall_clock(item.starts_at, meeting.time_zone),
                "ends_at": wall_clock(item.ends_at, meeting.time_zone),
                "presenters": item.presenters,
                "documents": [d.pk for d in item.documents.all()],
            }
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents
        if not documents.exists():
            del self.fields["documents"]

    def host_zone_name(self) -> str:
        return self.meeting.time_zone


class ConsultationForm(_ZonedForm):
    title = MultilingualFormField(label=_("Title"))
    roster = RecordMultipleChoiceField(
        label=_("Members consulted"),
        queryset=Member.objects.order_by("name__en", "code"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these members (and yours) will know of the consultation."),
    )
    time_zone = forms.ChoiceField(label=_("Host time zone"), choices=[])
    starts_at = HostDateTimeField(label=_("Starts"), help_text=_("Local time in the host time zone."))
    ends_at = HostDateTimeField(label=_("Ends"))
    online_url = forms.URLField(label=_("Online link"), max_length=500, required=False, assume_scheme="https")
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    description = MultilingualFormField(label=_("Purpose"), textarea=True, required=False)

    zoned_fields = ("starts_at", "ends_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()

    def host_zone_name(self) -> str:
        return self.cleaned_data.get("time_zone") or ""

"""Forms of the slot finder: candidate times typed in the host's zone, and the start to apply."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bphub.meetings.services.scheduling import parse_host_wall_time

CANDIDATE_FIELDS = 4
WALL_TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class SlotCandidatesForm(forms.Form):
    """Up to four candidate starts on the host's clock; none = propose every hour automatically."""

    def __init__(self, *args, host_zone: ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.host_zone = host_zone
        for number in range(1, CANDIDATE_FIELDS + 1):
            self.fields[f"candidate_{number}"] = forms.DateTimeField(
                label=_("Candidate %(number)d") % {"number": number},
                required=False,
                input_formats=WALL_TIME_FORMATS,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                help_text=_("Start on the host's clock (%(zone)s).") % {"zone": host_zone.key},
            )

    def clean(self):
        cleaned = super().clean()
        starts = []
        for number in range(1, CANDIDATE_FIELDS + 1):
            name = f"candidate_{number}"
            wall = cleaned.get(name)
            if wall is None:
                continue
            try:
                starts.append(parse_host_wall_time(wall, self.host_zone))
            except ValidationError as error:
                self.add_error(name, error)
        cleaned["starts"] = starts
        return cleaned


class SlotApplyForm(forms.Form):
    """The chosen candidate, as the UTC instant the page showed it with."""

    starts_at = forms.CharField(label=gettext_lazy("New start (UTC)"), max_length=40)

    def clean_starts_at(self) -> datetime:
        text = self.cleaned_data["starts_at"].strip()
        try:
            instant = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(_("“%(value)s” is not a date and time.") % {"value": text}) from None
        if instant.tzinfo is None:
            raise ValidationError(_("The new start must say its time zone (UTC)."))
        return instant.astimezone(UTC)

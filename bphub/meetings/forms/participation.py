"""Forms of the participation part: invitations, nominations, decisions, attendance, documents."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bphub.core.forms import RecordChoiceField, RecordMultipleChoiceField
from bphub.core.i18n import MultilingualFormField
from bphub.core.models import Classification
from bphub.meetings.models import Delegate, Document, Meeting
from bphub.meetings.services.documents import classification_choices
from bphub.members.models import Body, Member

ROLE_CHOICES = [("", _("none")), *Delegate.Role.choices]
ATTENDANCE_CHOICES = [("", _("not recorded")), ("yes", _("attended")), ("no", _("did not attend"))]


class InviteMembersForm(forms.Form):
    members = RecordMultipleChoiceField(
        label=_("Members"),
        queryset=Member.objects.order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )


class InviteBodyForm(forms.Form):
    body = RecordChoiceField(
        label=_("Body or working group"),
        queryset=Body.objects.order_by("code"),
        help_text=_("Its members seated today are invited, observers included."),
    )


class InviteListForm(forms.Form):
    engagement_list = RecordChoiceField(
        label=_("Engagement list"),
        queryset=None,
        help_text=_("The members of the people on the list are invited, and the people are proposed as delegates."),
    )

    def __init__(self, *args, lists=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement_list"].queryset = lists


class NominationForm(forms.Form):
    """One role choice per person offered (`role_<focal point id>`), and the note verbale."""

    note_verbale = forms.FileField(
        label=_("Note verbale"),
        required=False,
        help_text=_("The government's note verbale: PDF or Word (.docx), at most 10 MB. Replaces the one attached."),
    )

    def __init__(self, *args, people=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.people = list(people)
        for person in self.people:
            self.fields[f"role_{person.pk}"] = forms.ChoiceField(
                label=str(person),
                choices=ROLE_CHOICES,
                required=False,
                initial=current.get(person.pk, ""),
            )

    def rows(self):
        """(person, bound field) pairs for the template."""
        return [(person, self[f"role_{person.pk}"]) for person in self.people]

    def chosen(self) -> list[tuple[int, str]]:
        return [
            (person.pk, self.cleaned_data[f"role_{person.pk}"])
            for person in self.people
            if self.cleaned_data.get(f"role_{person.pk}")
        ]


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the member change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class AttendanceForm(forms.Form):
    def __init__(self, *args, delegates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.delegates = list(delegates)
        for delegate in self.delegates:
            value = "" if delegate.attended is None else ("yes" if delegate.attended else "no")
            self.fields[f"attended_{delegate.pk}"] = forms.ChoiceField(
                label=_("Attendance"), choices=ATTENDANCE_CHOICES, required=False, initial=value
            )

    def marks(self) -> dict[int, bool | None]:
        mapping = {"": None, "yes": True, "no": False}
        return {
            delegate.pk: mapping[self.cleaned_data.get(f"attended_{delegate.pk}") or ""]
            for delegate in self.delegates
            if f"attended_{delegate.pk}" in self.data
        }


class DocumentForm(forms.Form):
    upload = forms.FileField(
        label=_("File"),
        help_text=_(
            "At most 25 MB. PDF, Word, Excel, PowerPoint, OpenDocument, plain text or CSV, PNG or JPEG: "
            "checked by what the file contains, not by its name."
        ),
    )
    doc_type = forms.ChoiceField(label=_("Type"), choices=Document.Type.choices)
    title = MultilingualFormField(label=_("Title"))
    language = forms.ChoiceField(label=_("Language of the document"), choices=settings.CONTENT_LANGUAGES)
    classification = forms.ChoiceField(label=_("Who may read it"))
    released_to = RecordMultipleChoiceField(
        label=_("Released to (restricted documents)"),
        queryset=Member.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Members whose people read it when it is restricted. Left empty: the meeting's members."),
    )
    is_key = forms.BooleanField(label=_("Key document (goes in pre-briefing packs)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = classification_choices(meeting)
        self.fields["classification"].initial = meeting.classification
        self.fields["classification"].help_text = _("Never wider than the meeting (“%(level)s”).") % {
            "level": meeting.get_classification_display()
        }
        if meeting.classification == Classification.RESTRICTED:
            self.fields["released_to"].queryset = meeting.released_to.order_by("code")
            self.fields["released_to"].initial = list(meeting.released_to.values_list("pk", flat=True))
        self.fields["language"].initial = "en"


class DocumentVersionForm(forms.Form):
    upload = forms.FileField(label=_("File"), help_text=DocumentForm.base_fields["upload"].help_text)
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

"""Forms of the follow-up pages: outcomes, action items and their progress, the action list's filters,
and a body's work plan. They parse input; services/outcomes.py, actions.py and workplan.py write."""

from django import forms
from django.utils.translation import gettext_lazy

from bphub.core.forms import RecordChoiceField, RecordIdField, RecordMultipleChoiceField
from bphub.core.i18n import MultilingualFormField
from bphub.core.models import Classification
from bphub.meetings.models import CLASSIFICATION_RANK, ActionItem, Meeting, Outcome, WorkPlanItem
from bphub.meetings.selectors.followup import ActionFilter
from bphub.members.models import Body, Member


def classification_choices_within(meeting: Meeting) -> list[tuple[str, str]]:
    """The classifications no wider than the meeting's, widest first."""
    floor = CLASSIFICATION_RANK[meeting.classification]
    return [(value, label) for value, label in Classification.choices if CLASSIFICATION_RANK[value] >= floor]


def member_label(member) -> str:
    return f"{member.code} – {member}"


class ClassifiedPartForm(forms.Form):
    """The classification fields shared by outcomes and action items."""

    classification = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        help_text=gettext_lazy("Never more widely than the meeting."),
    )
    released_to = RecordMultipleChoiceField(
        label=gettext_lazy("Released to (restricted only)"),
        queryset=Member.objects.order_by("code"),
        required=False,
        to_field_name="code",
        help_text=gettext_lazy("Leave empty to release it to the members the meeting is released to."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["classification"].choices = classification_choices_within(meeting)
        self.fields["classification"].initial = meeting.classification
        self.fields["released_to"].label_from_instance = member_label

    def released_to_or_default(self):
        """None (the meeting's named members) when nobody was chosen."""
        chosen = list(self.cleaned_data.get("released_to") or [])
        return chosen or None


class OutcomeForm(ClassifiedPartForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Outcome.Kind.choices)
    text = MultilingualFormField(label=gettext_lazy("Text"), textarea=True)

    field_order = ["kind", "text", "classification", "released_to"]

    @classmethod
    def initial_for(cls, outcome: Outcome) -> dict:
        return {
            "kind": outcome.kind,
            "text": outcome.text,
            "classification": outcome.classification,
            "released_to": list(outcome.released_to.all()),
        }


class ActionItemForm(ClassifiedPartForm):
    title = MultilingualFormField(label=gettext_lazy("Action"))
    outcome = RecordChoiceField(
        label=gettext_lazy("Follows from the outcome"), queryset=Outcome.objects.none(), required=False
    )
    owner_kind = forms.ChoiceField(
        label=gettext_lazy("Owner"), choices=ActionItem.Owner.choices, widget=forms.RadioSelect
    )
    owner_member = RecordChoiceField(
        label=gettext_lazy("Owning member"),
        queryset=Member.objects.order_by("code"),
        to_field_name="code",
        required=False,
        help_text=gettext_lazy("When a member owns the action."),
    )
    owner_body = RecordChoiceField(
        label=gettext_lazy("Owning body or working group"),
        queryset=Body.objects.order_by("code"),
        to_field_name="code",
        required=False,
        help_text=gettext_lazy("When a body owns the action: its co-chairs report progress."),
    )
    due_on = forms.DateField(label=gettext_lazy("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["title", "outcome", "owner_kind", "owner_member", "owner_body", "due_on", "classification"]

    def __init__(self, *args, meeting: Meeting, outcomes=None, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        self.fields["outcome"].queryset = outcomes if outcomes is not None else Outcome.objects.none()
        self.fields["owner_member"].label_from_instance = member_label
        self.fields["owner_body"].label_from_instance = member_label
        self.fields["owner_kind"].initial = ActionItem.Owner.MEMBER

    def clean(self):
        data = super().clean()
        kind = data.get("owner_kind")
        if kind == ActionItem.Owner.MEMBER and not data.get("owner_member"):
            self.add_error("owner_member", gettext_lazy("Choose the member that owns the action."))
        if kind == ActionItem.Owner.BODY and not data.get("owner_body"):
            self.add_error("owner_body", gettext_lazy("Choose the body that owns the action."))
        return data


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status now"), choices=ActionItem.Status.choices)
    text = forms.CharField(
        label=gettext_lazy("Progress"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=gettext_lazy("What was done, or why the status changes. Updates cannot be edited later."),
    )


STATUS_FILTER_CHOICES = [
    ("active", gettext_lazy("Open or in progress")),
    *ActionItem.Status.choices,
    ("all", gettext_lazy("Any status")),
]


class ActionFilterForm(forms.Form):
    owner = forms.ChoiceField(label=gettext_lazy("Owner"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=STATUS_FILTER_CHOICES, required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    soon = forms.BooleanField(label=gettext_lazy("Due in the next two weeks"), required=False)
    series = forms.ChoiceField(label=gettext_lazy("Series"), required=False)
    meeting = RecordIdField(required=False)
    group = forms.CharField(required=False, widget=forms.HiddenInput, max_length=16)

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        owners = [
            ("", gettext_lazy("Anyone")),
            ("mine", gettext_lazy("Mine (my member, my groups or the RSO)")),
            ("rso", gettext_lazy("The RSO")),
        ]
        members = [(f"member:{m.code}", member_label(m)) for m in Member.objects.order_by("code").only("code", "name")]
        bodies = [(f"body:{b.code}", member_label(b)) for b in Body.objects.order_by("code").only("code", "name")]
        self.fields["owner"].choices = [
            *owners,
            (gettext_lazy("Members"), members),
            (gettext_lazy("Bodies and working groups"), bodies),
        ]
        self.fields["series"].choices = [("", gettext_lazy("Any series"))] + [(s.code, str(s)) for s in series]

    def filters(self) -> ActionFilter:
        if not self.is_valid():
            return ActionFilter()
        data = self.cleaned_data
        return ActionFilter(
            owner=data.get("owner") or "",
            status=data.get("status") or "active",
            overdue=bool(data.get("overdue")),
            due_soon=bool(data.get("soon")),
            meeting_id=data.get("meeting"),
            series_code=data.get("series") or "",
            group_code=data.get("group") or "",
        )


class WorkPlanItemForm(forms.Form):
    id = RecordIdField(required=False)
    title = MultilingualFormField(label=gettext_lazy("Activity"))
    period = forms.CharField(
        label=gettext_lazy("Period"), max_length=40, help_text=gettext_lazy("e.g. 2025–2027 or 2026 Q3")
    )
    lead = forms.CharField(label=gettext_lazy("Lead"), max_length=200, required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=WorkPlanItem.Status.choices)


# absolute_max: a forged TOTAL_FORMS never makes the server build more than 200 forms.
WorkPlanFormSet = forms.formset_factory(
    WorkPlanItemForm, extra=2, can_delete=True, max_num=200, validate_max=True, absolute_max=200
)


def work_plan_initial(items) -> list[dict]:
    return [
        {"id": item.pk, "title": item.title, "period": item.period, "lead": item.lead, "status": item.status}
        for item in items
    ]

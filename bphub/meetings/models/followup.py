"""The follow-up of meetings: outcomes, the action items agreed with them and their progress,
and the bodies' forward work plans.

Outcomes and action items are parts of their meeting for the policy (`policy_parent`) and carry
their own classification, never wider than their meeting's.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bphub.core import policy
from bphub.core.i18n import MultilingualTextField, localize
from bphub.core.models import ClassifiedModel, TimeStampedModel
from bphub.meetings.models.meetings import OUTCOMES_PUBLISHED, Meeting


def outcomes_shown_q(user, meeting_prefix: str) -> Q | None:
    """The meetings (at `meeting_prefix`) whose outcomes `user` reads: published ones, and before
    that the ones `user` runs. None: all."""
    manages = Meeting.managed_by(user, meeting_prefix)
    return None if manages is None else Q(**{f"{meeting_prefix}status__in": OUTCOMES_PUBLISHED}) | manages


def outcomes_shown(user, meeting: Meeting) -> bool:
    return meeting.outcomes_are_published or policy.runs_body(user, meeting.group_id)


class Outcome(ClassifiedModel, TimeStampedModel):
    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        RECOMMENDATION = "recommendation", _("Recommendation")
        CO_CHAIRS_STATEMENT = "co_chairs_statement", _("Co-chairs' statement")
        MINUTES = "minutes", _("Minutes")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    text = MultilingualTextField(_("text"))
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["meeting_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {localize(self.text).text[:60]}"

    # -- read by the policy: a part of its meeting; before the meeting's outcomes are published,
    # only the people who run the meeting read them
    policy_parent = "meeting"

    @classmethod
    def policy_condition(cls, user, prefix: str = "") -> Q | None:
        return outcomes_shown_q(user, f"{prefix}meeting__")

    def policy_condition_met(self, user) -> bool:
        return outcomes_shown(user, self.meeting)

    def clean(self):
        super().clean()
        if self.meeting_id and not policy.classification_is_within(self.classification, self.meeting.classification):
            raise ValidationError({"classification": _("An outcome cannot be read more widely than its meeting.")})


class ActionItem(ClassifiedModel, TimeStampedModel):
    """A follow-up agreed at a meeting, owned by a member, a body or the RSO, until done."""

    class Owner(models.TextChoices):
        MEMBER = "member", _("Member")
        BODY = "body", _("Body or working group")
        RSO = "rso", _("Regional Support Office")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items")
    title = MultilingualTextField(_("action"))
    owner_kind = models.CharField(_("owner"), max_length=8, choices=Owner.choices)
    owner_member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="action_items"
    )
    owner_body = models.ForeignKey(
        "members.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="action_items"
    )
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner_member", "status"]),
            models.Index(fields=["owner_body", "status"]),
            models.Index(fields=["meeting", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_kind="member", owner_member__isnull=False, owner_body__isnull=True))
                | (Q(owner_kind="body", owner_body__isnull=False, owner_member__isnull=True))
                | (Q(owner_kind="rso", owner_member__isnull=True, owner_body__isnull=True)),
                name="action_item_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return localize(self.title).text or f"Action {self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:action_detail", kwargs={"pk": self.pk})

    # -- read by the policy: a part of its meeting; an action agreed with an outcome follows the
    # outcomes' rule (it is not read before the outcomes are published, but by the meeting's managers)
    policy_parent = "meeting"

    @classmethod
    def policy_condition(cls, user, prefix: str = "") -> Q | None:
        shown = outcomes_shown_q(user, f"{prefix}meeting__")
        return None if shown is None else Q(**{f"{prefix}outcome__isnull": True}) | shown

    def policy_condition_met(self, user) -> bool:
        return self.outcome_id is None or outcomes_shown(user, self.meeting)

    def clean(self):
        super().clean()
        if self.meeting_id and not policy.classification_is_within(self.classification, self.meeting.classification):
            raise ValidationError({"classification": _("An action cannot be read more widely than its meeting.")})

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < (today or timezone.localdate())

    @property
    def owner_label(self) -> str:
        if self.owner_kind == self.Owner.MEMBER:
            return str(self.owner_member)
        if self.owner_kind == self.Owner.BODY:
            return str(self.owner_body)
        return str(_("Regional Support Office"))


class ActionItemUpdate(models.Model):
    """A progress note on an action, with the status it moved to; never edited."""

    policy_parent = "action_item"

    action_item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("progress"))
    status_before = models.CharField(max_length=16, choices=ActionItem.Status.choices)
    status_after = models.CharField(max_length=16, choices=ActionItem.Status.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action_item_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_after_display()}: {self.text[:60]}"


class WorkPlanItem(TimeStampedModel):
    """A line of a body's forward work plan."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Done")

    group = models.ForeignKey("members.Body", on_delete=models.PROTECT, related_name="work_plan")
    title = MultilingualTextField(_("activity"))
    period = models.CharField(_("period"), max_length=40, help_text=_("e.g. 2025–2027 or 2026 Q3"))
    lead = models.CharField(_("lead"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["group_id", "position", "id"]

    def __str__(self) -> str:
        return localize(self.title).text

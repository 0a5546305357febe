"""Meetings, their series and agendas, where a meeting's start falls for its members, and the
personal calendar feeds' secrets.

A meeting is a ClassifiedModel: the one policy (`bphub.core.policy`) decides who reads it; a draft
is read only by those who manage it (the RSO; the co-chairs of the meeting's body), and so is
everything hanging off it, since every part names the meeting as its `policy_parent`.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bphub.core import policy
from bphub.core.i18n import MultilingualTextField, localize
from bphub.core.models import ClassifiedModel, TimeStampedModel
from bphub.core.timezones import validate_time_zone, zone  # noqa: F401 - the migrations name it here


class Kind(models.TextChoices):
    MINISTERIAL = "ministerial", _("Ministerial Conference")
    SENIOR_OFFICIALS = "senior_officials", _("Senior Officials' Meeting")
    # Kinds of meeting, not bodies: "Ad Hoc Group" alone is the body (the body is named beside the kind).
    AD_HOC_GROUP = "ad_hoc_group", _("Ad Hoc Group meeting")
    STEERING_GROUP = "steering_group", _("Steering Group meeting")
    WORKING_GROUP = "working_group", _("Working-group meeting")
    THEMATIC_DIALOGUE = "thematic_dialogue", _("Thematic dialogue")
    ROUNDTABLE = "roundtable", _("Roundtable")
    WORKSHOP = "workshop", _("Capacity-building workshop")
    PRE_BRIEFING = "pre_briefing", _("Pre-briefing")
    CONSULTATION = "consultation", _("Consultation")


class MeetingSeries(TimeStampedModel):
    """Meetings that follow one another ("Ad Hoc Group Senior Officials' Meeting", numbered)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = MultilingualTextField(_("name"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    group = models.ForeignKey(
        "members.Body",
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_series",
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return localize(self.name).text or self.code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:series_detail", kwargs={"code": self.code})


class Meeting(ClassifiedModel, TimeStampedModel):
    """One meeting. `group` is the body whose meeting it is (its workspace and calendar feed);
    `body` (from ClassifiedModel) is the body whose members may read it when it is body-level."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ANNOUNCED = "announced", _("Announced")
        REGISTRATION_OPEN = "registration_open", _("Registration open")
        HELD = "held", _("Held")
        OUTCOMES_PUBLISHED = "outcomes_published", _("Outcomes published")
        CLOSED = "closed", _("Closed")

    Kind = Kind

    title = MultilingualTextField(_("title"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    number = models.PositiveIntegerField(_("number in the series"), null=True, blank=True)
    group = models.ForeignKey(
        "members.Body",
        verbose_name=_("body or working group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    host = models.ForeignKey(
        "members.Member",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
        help_text=_("Leave empty when the RSO hosts the meeting."),
    )
    description = MultilingualTextField(_("description"), blank=True, default=dict)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("host time zone"), max_length=64, validators=[validate_time_zone])
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    nomination_deadline = models.DateTimeField(_("nominations close"), null=True, blank=True)
    is_emergency = models.BooleanField(_("emergency consultation"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    is_demo = models.BooleanField(default=False, editable=False)  # generated, fictitious demo content
    # Reminders already sent, so a re-run of the sweep sends none twice.
    deadline_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    meeting_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"),
            models.UniqueConstraint(
                fields=["series", "number"], condition=Q(series__isnull=False), name="meeting_number_unique_in_series"
            ),
        ]
        indexes = [
            models.Index(fields=["classification", "starts_at"]),
            models.Index(fields=["group", "starts_at"]),
            # The list's two halves: upcoming (a few, found by their end) and past (walked by start).
            models.Index(fields=["ends_at"], name="meetings_meeting_ends_idx"),
            models.Index(fields=["starts_at"], name="meetings_meeting_starts_idx"),
        ]

    def __str__(self) -> str:
        return localize(self.title).text or f"Meeting {self.pk}"

    # -- read by the policy (bphub.core.policy): a draft, and everything hanging off it, is its managers'
    @classmethod
    def policy_condition(cls, user, prefix: str = "") -> Q | None:
        manages = cls.managed_by(user, prefix)
        return None if manages is None else ~Q(**{f"{prefix}status": cls.Status.DRAFT}) | manages

    def policy_condition_met(self, user) -> bool:
        return self.status != self.Status.DRAFT or policy.runs_body(user, self.group_id)

    @staticmethod
    def managed_by(user, prefix: str = "") -> Q | None:
        """The meetings `user` runs (the RSO: all, None; a co-chair: their bodies'), as a filter."""
        return policy.runs_body_q(user, f"{prefix}group_id")

    @property
    def outcomes_are_published(self) -> bool:
        return self.status in OUTCOMES_PUBLISHED

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:meeting_detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The meeting cannot end before it starts.")
        if self.number is not None and not self.series_id:
            errors["number"] = _("A number needs a series.")
        if self.nomination_deadline and self.starts_at and self.nomination_deadline > self.starts_at:
            errors["nomination_deadline"] = _("Nominations must close before the meeting starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def host_zone(self) -> ZoneInfo:
        return zone(self.time_zone)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def number_label(self) -> str:
        return f"{self.series} #{self.number}" if self.series_id and self.number else ""

    @property
    def number_note(self) -> str:
        """`number_label` where it adds to the title, for showing beside it: empty when the title
        names the series already ("10th Senior Officials' Meeting" needs no "Senior Officials'
        Meeting #10" under it)."""
        label = self.number_label
        if label and str(self.series).casefold() in str(self).casefold():
            return ""
        return label

    @property
    def accepts_nominations(self) -> bool:
        if self.status != self.Status.REGISTRATION_OPEN:
            return False
        return self.nomination_deadline is None or timezone.now() <= self.nomination_deadline


OUTCOMES_PUBLISHED = (Meeting.Status.OUTCOMES_PUBLISHED, Meeting.Status.CLOSED)


class AgendaSession(TimeStampedModel):
    policy_parent = "meeting"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    title = MultilingualTextField(_("title"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "position", "id"]

    def __str__(self) -> str:
        return localize(self.title).text

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("A session cannot end before it starts.")})


class AgendaItem(TimeStampedModel):
    policy_parent = "session"

    session = models.ForeignKey(AgendaSession, on_delete=models.CASCADE, related_name="items")
    title = MultilingualTextField(_("title"))
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    presenters = models.CharField(_("presenters"), max_length=500, blank=True)
    documents = models.ManyToManyField("Document", blank=True, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "starts_at", "id"]

    def __str__(self) -> str:
        return localize(self.title).text


class MeetingLocalTime(models.Model):
    """Where a meeting's start fell in an invited member's day, recorded when it was announced.

    The slot finder reads these across a series, so that the inconvenient hours rotate.
    """

    policy_parent = "meeting"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="local_times")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    time_zone = models.CharField(max_length=64)
    local_start = models.DateTimeField()  # the UTC instant; shown in time_zone
    local_label = models.CharField(max_length=40)  # "Tue 02:30", as it was on the day
    is_inconvenient = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_local_time_per_member")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.local_label}"


class CalendarFeedToken(models.Model):
    """A personal iCalendar feed's secret: only its digest is stored; revoked tokens stop working."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id} ({'revoked' if self.revoked_at else 'active'})"

"""The secretariat hub: meetings and their series, agendas, invitations and delegations,
documents, outcomes and the action items that follow them, and calendar feeds.

A meeting is a ClassifiedModel: the one policy (`bphub.core.policy`) decides who reads it, and
everything hanging off it (agenda, delegations, documents, outcomes, action items) is read only
through a meeting the reader may see. Documents, outcomes and action items carry their own
classification, never wider than their meeting's (`classification_is_within`). The approved
participants of a meeting read its documents without further steps (`Document.policy_grant`).

Times are stored in UTC; each meeting keeps its host's IANA time zone, and every page shows times
in the reader's own zone with the host's beside it.
"""

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bphub.core.i18n import MultilingualTextField, localize
from bphub.core.models import Classification, ClassifiedModel, TimeStampedModel

# From widest to narrowest readership: a part of a meeting may be narrower, never wider.
CLASSIFICATION_RANK = {
    Classification.PUBLIC: 0,
    Classification.MEMBERS: 1,
    Classification.BODY: 2,
    Classification.RESTRICTED: 3,
    Classification.SECRETARIAT: 4,
}


def classification_is_within(inner: str, outer: str) -> bool:
    """Is a record at `inner` no wider than its container at `outer`?"""
    return CLASSIFICATION_RANK[inner] >= CLASSIFICATION_RANK[outer]


def validate_time_zone(value: str) -> None:
    """A name from the tz database ("Asia/Kathmandu"), never a fixed offset."""
    if value not in available_timezones():
        raise ValidationError(_("“%(zone)s” is not a time zone of the tz database."), params={"zone": value})


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class Kind(models.TextChoices):
    MINISTERIAL = "ministerial", _("Ministerial Conference")
    SENIOR_OFFICIALS = "senior_officials", _("Senior Officials' Meeting")
    AD_HOC_GROUP = "ad_hoc_group", _("Ad Hoc Group")
    STEERING_GROUP = "steering_group", _("Steering Group")
    WORKING_GROUP = "working_group", _("Working-group meeting")
    THEMATIC_DIALOGUE = "thematic_dialogue", _("Thematic dialogue")
    ROUNDTABLE = "roundtable", _("Roundtable")
    WORKSHOP = "workshop", _("Capacity-building workshop")
    PRE_BRIEFING = "pre_briefing", _("Pre-briefing")
    CONSULTATION = "consultation", _("Consultation (Consultation Mechanism)")


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
        indexes = [models.Index(fields=["classification", "starts_at"]), models.Index(fields=["group", "starts_at"])]

    def __str__(self) -> str:
        return localize(self.title).text or f"Meeting {self.pk}"

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
    def accepts_nominations(self) -> bool:
        if self.status != self.Status.REGISTRATION_OPEN:
            return False
        return self.nomination_deadline is None or timezone.now() <= self.nomination_deadline


class MeetingInvitation(TimeStampedModel):
    """What was invited: a member, a body (its members on the day) or a saved engagement list.

    Each invitation is resolved, when made, into one `Delegation` per member concerned.
    """

    class Target(models.TextChoices):
        MEMBER = "member", _("Member")
        BODY = "body", _("Body or working group")
        LIST = "list", _("Engagement list")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    target = models.CharField(max_length=8, choices=Target.choices)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey("members.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    engagement_list = models.ForeignKey(
        "directory.EngagementList", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=300, blank=True)  # what it was called when sent
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]


class Delegation(TimeStampedModel):
    """A member's delegation to a meeting, nominated by its coordinator and approved by the RSO."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        SUBMITTED = "submitted", _("Nominated, awaiting approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")
        DECLINED = "declined", _("Declined")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegations")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="delegations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INVITED, db_index=True)
    note_verbale = models.FileField(_("note verbale"), upload_to="meetings/notes-verbales/%Y/", blank=True)
    note_verbale_name = models.CharField(max_length=255, blank=True)
    note_verbale_content_type = models.CharField(max_length=100, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(_("note to the member"), blank=True)

    class Meta:
        ordering = ["member__code"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_delegation_per_member")]

    def __str__(self) -> str:
        return f"{self.member.code} → {self.meeting}"


class Delegate(TimeStampedModel):
    """One person of a delegation; attendance is recorded on the day."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        DELEGATE = "delegate", _("Delegate")
        ADVISER = "adviser", _("Adviser")

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="delegates")
    focal_point = models.ForeignKey("directory.FocalPoint", on_delete=models.PROTECT, related_name="delegate_seats")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.DELEGATE)
    position = models.PositiveSmallIntegerField(default=0)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["delegation_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["delegation", "focal_point"], name="person_once_per_delegation"),
            models.UniqueConstraint(
                fields=["delegation"], condition=Q(role="head"), name="one_head_per_delegation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.focal_point} ({self.get_role_display()})"


class AgendaSession(TimeStampedModel):
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


class Document(ClassifiedModel, TimeStampedModel):
    """A meeting's or a body's document; the file is in its versions, the newest is current."""

    class Type(models.TextChoices):
        CONCEPT_NOTE = "concept_note", _("Concept note")
        AGENDA = "agenda", _("Agenda")
        BACKGROUND = "background", _("Background paper")
        PRESENTATION = "presentation", _("Presentation")
        OUTCOME_STATEMENT = "outcome_statement", _("Outcome statement")
        CO_CHAIRS_STATEMENT = "co_chairs_statement", _("Co-chairs' statement")
        MINUTES = "minutes", _("Minutes")
        WORK_PLAN = "work_plan", _("Work plan")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    group = models.ForeignKey(
        "members.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    doc_type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    title = MultilingualTextField(_("title"))
    language = models.CharField(_("language"), max_length=8, default="en")
    is_key = models.BooleanField(_("key document"), default=False, help_text=_("Included in pre-briefing packs."))
    current_version = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    search_text = models.TextField(blank=True, editable=False)  # title + extracted text, folded for search
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["meeting_id", "doc_type", "id"]
        indexes = [models.Index(fields=["meeting", "doc_type"])]

    def __str__(self) -> str:
        return localize(self.title).text or f"Document {self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:document_detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if not self.meeting_id and not self.group_id:
            raise ValidationError(_("A document belongs to a meeting or to a body."))
        if self.meeting_id and not classification_is_within(self.classification, self.meeting.classification):
            raise ValidationError(
                {"classification": _("A document cannot be read more widely than its meeting.")}
            )

    @classmethod
    def policy_grant(cls, user) -> Q | None:
        """The approved participants of a meeting read its documents (but never secretariat-only ones)."""
        person_id = approved_participant_filter(user)
        if person_id is None:
            return None
        participates = Delegate.objects.filter(
            delegation__meeting_id=models.OuterRef("meeting_id"),
            delegation__status=Delegation.Status.APPROVED,
            focal_point__user_id=person_id,
        )
        return Q(models.Exists(participates)) & ~Q(classification=Classification.SECRETARIAT)

    def policy_grants_view(self, user) -> bool:
        person_id = approved_participant_filter(user)
        if person_id is None or not self.meeting_id or self.classification == Classification.SECRETARIAT:
            return False
        return Delegate.objects.filter(
            delegation__meeting_id=self.meeting_id,
            delegation__status=Delegation.Status.APPROVED,
            focal_point__user_id=person_id,
        ).exists()


def approved_participant_filter(user) -> int | None:
    """The user id to match approved participants by, or None when the user cannot be one."""
    from bphub.accounts.models import MEMBER_ROLES

    if user is None or not user.is_authenticated or not user.is_active or user.role not in MEMBER_ROLES:
        return None
    return user.pk


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to="meetings/documents/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)  # as sniffed from the content
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    extracted_text = models.TextField(blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


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

    def clean(self):
        super().clean()
        if self.meeting_id and not classification_is_within(self.classification, self.meeting.classification):
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

    def clean(self):
        super().clean()
        if self.meeting_id and not classification_is_within(self.classification, self.meeting.classification):
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


class MeetingLocalTime(models.Model):
    """Where a meeting's start fell in an invited member's day, recorded when it was announced.

    The slot finder reads these across a series, so that the inconvenient hours rotate.
    """

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

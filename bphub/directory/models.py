"""The stakeholder map: members' agencies and the focal points (people) in them.

Every agency and focal point is a ClassifiedModel whose originator is its member, so the one
policy (`bphub.core.policy`) decides who reads it: agencies are public by default, focal points
members-only, and a member's coordinator may restrict a focal point further. Contact details
(emails, phones) are never shown to people who do not act for a member or the RSO, whatever the
record's classification (`bphub.directory.permissions.can_see_contacts`).

Accuracy: every record carries a review date (`review_due_on`, from its last confirmation plus
its cadence) from which its freshness follows (up to date, due, overdue, delinquent). Changes are
kept as `Revision` rows with a full snapshot, so any version can be compared and restored.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bphub.core.i18n import MultilingualTextField, localize, with_code
from bphub.core.models import Classification, ClassifiedModel, TimeStampedModel

DEFAULT_REVIEW_CADENCE_DAYS = 182  # about six months
OVERDUE_AFTER_DAYS = 30  # after the review date
DELINQUENT_AFTER_DAYS = 60
VERIFICATION_VALID_DAYS = 365


def directory_today() -> date:
    """Today for review dates: in the site's time zone, so that a record's state and due date are
    the same whoever looks (the reader's own zone is for displaying times, not for these rules)."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def directory_date(moment) -> date:
    return timezone.localdate(moment, timezone=timezone.get_default_timezone())


class Freshness(models.TextChoices):
    UP_TO_DATE = "up_to_date", _("Up to date")
    DUE = "due", _("Review due")
    OVERDUE = "overdue", _("Overdue")
    DELINQUENT = "delinquent", _("Delinquent")


def freshness_on(review_due_on: date | None, today: date | None = None) -> str:
    """The freshness state of a record whose review falls due on `review_due_on`."""
    today = today or directory_today()
    if review_due_on is None or today < review_due_on:
        return Freshness.UP_TO_DATE
    late = (today - review_due_on).days
    if late < OVERDUE_AFTER_DAYS:
        return Freshness.DUE
    if late < DELINQUENT_AFTER_DAYS:
        return Freshness.OVERDUE
    return Freshness.DELINQUENT


def freshness_filter(state: str, today: date | None = None) -> models.Q:
    """A Q on `review_due_on` selecting the records in `state` (see `freshness_on`)."""
    today = today or directory_today()
    overdue_from = today - timedelta(days=OVERDUE_AFTER_DAYS)
    delinquent_from = today - timedelta(days=DELINQUENT_AFTER_DAYS)
    if state == Freshness.UP_TO_DATE:
        return models.Q(review_due_on__gt=today)
    if state == Freshness.DUE:
        return models.Q(review_due_on__lte=today, review_due_on__gt=overdue_from)
    if state == Freshness.OVERDUE:
        return models.Q(review_due_on__lte=overdue_from, review_due_on__gt=delinquent_from)
    if state == Freshness.DELINQUENT:
        return models.Q(review_due_on__lte=delinquent_from)
    if state == "stale":  # due, overdue or delinquent
        return models.Q(review_due_on__lte=today)
    raise ValueError(f"Unknown freshness state {state!r}")


class ConfirmedVia(models.TextChoices):
    IMPORT = "import", _("member's spreadsheet import")
    LINK = "link", _("confirmation link")
    COORDINATOR = "coordinator", _("member coordinator")
    RSO = "rso", _("RSO")
    PROPOSAL = "proposal", _("reviewed change proposal")


class VerifiedVia(models.TextChoices):
    NOMINATION = "nomination", _("nominated by the member's coordinator or the RSO")
    TRUSTED_DOMAIN = "trusted_domain", _("address on the agency's trusted email domain")


class ReviewedRecord(models.Model):
    """Freshness bookkeeping shared by agencies and focal points."""

    review_cadence_days = models.PositiveSmallIntegerField(
        _("review every (days)"), default=DEFAULT_REVIEW_CADENCE_DAYS
    )
    last_confirmed_at = models.DateTimeField(_("last confirmed"), null=True, blank=True)
    last_confirmed_via = models.CharField(
        _("confirmed through"), max_length=16, choices=ConfirmedVia.choices, blank=True
    )
    # Denormalised from last_confirmed_at (or created_at) + cadence, so staleness is an index query.
    review_due_on = models.DateField(_("review due on"), null=True, blank=True, db_index=True)
    # Attending a meeting or opening an invitation: a sign of life, never a confirmation.
    last_sign_of_life_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        abstract = True

    def compute_review_due_on(self) -> date:
        start = self.last_confirmed_at or self.created_at or timezone.now()
        return directory_date(start) + timedelta(days=self.review_cadence_days)

    @property
    def freshness(self) -> str:
        return freshness_on(self.review_due_on)

    @property
    def freshness_label(self) -> str:
        return Freshness(self.freshness).label

    @property
    def is_never_confirmed(self) -> bool:
        return self.last_confirmed_at is None


class AgencyKind(models.TextChoices):
    FOREIGN_AFFAIRS = "foreign_affairs", _("Foreign affairs")
    IMMIGRATION = "immigration", _("Immigration / border")
    POLICE = "police", _("Police")
    JUSTICE = "justice", _("Justice / prosecution")
    LABOUR = "labour", _("Labour")
    SOCIAL_WELFARE = "social_welfare", _("Social welfare")
    MARITIME = "maritime", _("Coast guard / maritime")
    INTELLIGENCE = "intelligence", _("Intelligence / financial")
    OTHER = "other", _("Other")


class ActiveManager(models.Manager):
    """Records that were not merged into another (merged records are kept for history only)."""

    def get_queryset(self):
        return super().get_queryset().filter(merged_into__isnull=True)


class Agency(TimeStampedModel, ClassifiedModel, ReviewedRecord):
    """A government agency or organisational unit of a member."""

    # Agencies and their mandates are public knowledge unless the member says otherwise.
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.PUBLIC
    )

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="agencies"
    )
    # English and the agency's own language/script, e.g. {"en": "Royal Thai Police", "th": "..."}
    name = MultilingualTextField(_("name"))
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    themes = models.ManyToManyField("members.Theme", verbose_name=_("mandate themes"), blank=True, related_name="+")
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    # Addresses on these domains may be verified automatically, e.g. "imigrasi.go.id polri.go.id".
    email_domains = models.CharField(
        _("trusted email domains"),
        max_length=500,
        blank=True,
        help_text=_("Separate domains with spaces or commas."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)  # generated, fictitious demo content
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from", editable=False
    )
    search_text = models.TextField(blank=True, editable=False)

    all_objects = models.Manager()
    objects = ActiveManager()

    class Meta:
        ordering = ["member__code", "acronym"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        base_manager_name = "all_objects"
        default_manager_name = "objects"

    def __str__(self) -> str:
        return with_code(localize(self.name).text, self.acronym)

    def get_absolute_url(self) -> str:
        return f"/directory/agencies/{self.pk}/"

    @property
    def trusted_domains(self) -> set[str]:
        return {d.strip().lower().lstrip("@") for d in self.email_domains.replace(",", " ").split() if d.strip()}


class FocalPoint(TimeStampedModel, ClassifiedModel, ReviewedRecord):
    """A person in the directory. The same record serves meetings, training and alumni."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="focal_points"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="focal_points",
    )
    full_name = models.CharField(_("name (Latin script)"), max_length=200)
    local_name = models.CharField(_("name in own script"), max_length=200, blank=True)
    title = models.CharField(_("title / position"), max_length=200, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("platform account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="focal_point",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_via = models.CharField(_("verified through"), max_length=16, blank=True, choices=VerifiedVia.choices)
    verified_until = models.DateField(_("verified until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)  # generated, fictitious demo content
    # The review date for which the member's coordinators were told the record is delinquent.
    delinquency_notified_for = models.DateField(null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from", editable=False
    )
    # Case-, diacritic- and script-folded names for search (see bphub.directory.text.search_text_for).
    search_text = models.TextField(blank=True, editable=False)

    all_objects = models.Manager()
    objects = ActiveManager()

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        indexes = [models.Index(fields=["member", "review_due_on"]), models.Index(fields=["full_name", "id"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.local_name})" if self.local_name else self.full_name

    def get_absolute_url(self) -> str:
        return f"/directory/people/{self.pk}/"

    @property
    def is_verified(self) -> bool:
        return self.verified_until is not None and self.verified_until >= directory_today()

    @property
    def primary_email(self) -> str:
        emails = sorted(self.emails.all(), key=lambda e: (not e.is_primary, e.pk))
        return emails[0].address if emails else ""


class Email(models.Model):
    focal_point = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField(_("email"), db_index=True)  # stored lower-case
    is_primary = models.BooleanField(default=False)
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.address


class Phone(models.Model):
    class Kind(models.TextChoices):
        OFFICE = "office", _("office")
        MOBILE = "mobile", _("mobile")
        OTHER = "other", _("other")

    focal_point = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone (E.164)"), max_length=20)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.OFFICE)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.number


class RoleKind(models.TextChoices):
    NATIONAL = "national", _("National focal point")
    SOM_DELEGATE = "som_delegate", _("SOM delegate")
    WORKING_GROUP = "working_group", _("Working-group focal point")
    THEMATIC = "thematic", _("Thematic focal point")


class FocalPointRole(models.Model):
    """A dated role; ended roles are kept (valid_to set), never deleted by merges or imports."""

    focal_point = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=16, choices=RoleKind.choices)
    body = models.ForeignKey(
        "members.Body",
        verbose_name=_("working group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    theme = models.ForeignKey(
        "members.Theme", verbose_name=_("theme"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]
        indexes = [models.Index(fields=["kind", "theme"]), models.Index(fields=["kind", "body"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="working_group") | models.Q(body__isnull=False), name="wg_role_names_body"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="thematic") | models.Q(theme__isnull=False), name="thematic_role_names_theme"
            ),
        ]

    def __str__(self) -> str:
        label = str(RoleKind(self.kind).label)
        if self.body_id:
            return f"{label}: {self.body.code}"
        if self.theme_id:
            return f"{label}: {localize(self.theme.name).text}"
        return label

    @property
    def is_current(self) -> bool:
        today = directory_today()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or self.valid_to >= today
        )


class Revision(models.Model):
    """One version of an agency or focal point: who changed what, when, and from which source."""

    class Source(models.TextChoices):
        CREATED = "created", _("created")
        EDIT = "edit", _("edited")
        IMPORT = "import", _("import")
        CONFIRMATION = "confirmation", _("confirmation")
        PROPOSAL = "proposal", _("approved proposal")
        MERGE = "merge", _("merge")
        RESTORE = "restore", _("restore")
        VERIFICATION = "verification", _("verification")
        FRESHNESS = "freshness", _("review schedule")

    record_type = models.CharField(max_length=16)  # "agency" | "focal_point"
    record_id = models.PositiveBigIntegerField()
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)  # email, or "confirmation link"
    source = models.CharField(max_length=16, choices=Source.choices)
    source_ref = models.CharField(max_length=64, blank=True)  # e.g. "import:12", "proposal:3"
    snapshot = models.JSONField()
    changes = models.JSONField(default=dict)  # {field: [before, after]} against the previous version

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} v{self.number}"


class ConfirmationRequest(models.Model):
    """A single-use, expiring link mailed to a focal point to confirm or propose changes."""

    focal_point = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="confirmation_requests")
    token_digest = models.CharField(max_length=64, unique=True)
    # The review date this request answers: one request per review cycle.
    for_review_due_on = models.DateField(null=True, blank=True)
    sent_to = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True)  # "confirmed" | "proposed"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"confirmation {self.pk} for {self.focal_point_id}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class ChangeProposal(models.Model):
    """Changes a focal point proposed (through a confirmation link) that wait for the coordinator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    focal_point = models.ForeignKey(FocalPoint, on_delete=models.CASCADE, related_name="proposals")
    confirmation = models.ForeignKey(
        ConfirmationRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    proposed = models.JSONField()  # {field: new value}, same keys as the focal point form
    # The record's values of those fields when the person proposed: approving applies the person's
    # own additions and removals, and refuses a field someone else changed meanwhile.
    base = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"proposal {self.pk} for {self.focal_point_id} ({self.status})"


class ImportBatch(models.Model):
    """An uploaded spreadsheet: validated and previewed first, applied all-or-nothing later."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    rows = models.JSONField(default=list)  # the validated rows, applied exactly as previewed
    report = models.JSONField(default=dict)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk}: {self.filename} ({self.status})"


class EngagementList(TimeStampedModel, ClassifiedModel):
    """A saved directory filter that stays current; later modules use it as an audience."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    criteria = models.JSONField(default=dict, blank=True)  # the directory filter's parameters
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/directory/lists/{self.pk}/"


class ScheduledRun(models.Model):
    """The last day a daily job ran, so several workers run it once (row lock)."""

    name = models.CharField(max_length=64, primary_key=True)
    last_run_on = models.DateField(null=True)
    last_run_at = models.DateTimeField(null=True)
    last_result = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.name} (last {self.last_run_on})"

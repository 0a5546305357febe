"""Reference data: the members of the Bali Process, its bodies, who sits on them, and its themes."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from bphub.core.i18n import MultilingualTextField, localize
from bphub.core.models import TimeStampedModel


class ReferenceRecord(TimeStampedModel):
    """Loaded from the reference files; an RSO admin's correction is never overwritten by a reload."""

    is_confirmed = models.BooleanField(
        _("confirmed"), default=True, help_text=_("Unconfirmed facts are shown as such until the RSO confirms them.")
    )
    source_note = models.TextField(_("source / note"), blank=True)
    edited_in_app_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class SubRegion(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(ReferenceRecord):
    """A participant of the Bali Process: a member state or economy, an organisation, or an observer."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        ECONOMY = "economy", _("Participating economy or territory")
        ORGANISATION = "organisation", _("Organisation")

    class Standing(models.TextChoices):
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = MultilingualTextField(_("name"))
    country = CountryField(_("country"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    standing = models.CharField(_("standing"), max_length=16, choices=Standing.choices, default=Standing.MEMBER)
    sub_region = models.ForeignKey(
        SubRegion, verbose_name=_("sub-region"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    # Where the member's officials work: the capital's (or headquarters') zone from the tz
    # database, and its weekend as ISO weekdays (6,7 = Saturday and Sunday). The slot finder
    # reads both; see reference/time_zones.csv.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    weekend = models.CharField(_("weekend (ISO weekdays)"), max_length=8, default="6,7")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return localize(self.name).text or self.code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("members:member_detail", kwargs={"code": self.code})


class Body(ReferenceRecord):
    class Kind(models.TextChoices):
        MINISTERIAL = "ministerial", _("Ministerial Conference")
        SENIOR_OFFICIALS = "senior_officials", _("Senior Officials' Meeting")
        STEERING = "steering", _("Steering Group")
        AD_HOC_GROUP = "ad_hoc_group", _("Ad Hoc Group")
        CONSULTATION = "consultation", _("Consultation Mechanism")
        WORKING_GROUP = "working_group", _("Working group")
        TASK_FORCE = "task_force", _("Task force")
        BUSINESS_FORUM = "business_forum", _("Business forum")
        SECRETARIAT = "secretariat", _("Secretariat")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = MultilingualTextField(_("name"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    established = models.CharField(
        _("established"), max_length=10, blank=True, help_text=_("YYYY, YYYY-MM or YYYY-MM-DD")
    )
    is_confidential = models.BooleanField(_("confidential proceedings"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return localize(self.name).text or self.code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("members:body_detail", kwargs={"code": self.code})


class BodyMembershipQuerySet(models.QuerySet):
    def on(self, day: date) -> "BodyMembershipQuerySet":
        """Seats held on `day`; an unknown start or end counts as open."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class BodyMembership(ReferenceRecord):
    """A member's seat on a body, in a role, for a period: never a fixed list."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        CO_CHAIR = "co_chair", _("Co-chair")
        CHAIR = "chair", _("Chair")
        OBSERVER = "observer", _("Observer")

    class Precision(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")
        YEAR = "year", _("year")

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="seats")
    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="seats")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_from_precision = models.CharField(max_length=8, choices=Precision.choices, default=Precision.DAY)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    valid_to_precision = models.CharField(max_length=8, choices=Precision.choices, default=Precision.DAY)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = BodyMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["body__code", "role", "member__code", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="body_membership_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member.code} {self.get_role_display()} {self.body.code}"

    @staticmethod
    def format_partial(day: date | None, precision: str) -> str:
        if day is None:
            return ""
        if precision == BodyMembership.Precision.YEAR:
            return f"{day:%Y}"
        if precision == BodyMembership.Precision.MONTH:
            return f"{day:%Y-%m}"
        return day.isoformat()

    @property
    def period_label(self) -> str:
        start = self.format_partial(self.valid_from, self.valid_from_precision) or "?"
        end = self.format_partial(self.valid_to, self.valid_to_precision)
        return f"{start} – {end}" if end else f"{start} –"


class Theme(ReferenceRecord):
    class Source(models.TextChoices):
        SEED = "seed", _("Shared concern (2022 dialogue)")
        ADELAIDE = "adelaide", _("2023 Adelaide Strategy area")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = MultilingualTextField(_("name"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["source", "position", "code"]

    def __str__(self) -> str:
        return localize(self.name).text or self.code

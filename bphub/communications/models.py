"""Announcements to an audience, in-app notifications, mail preferences and the weekly digest.

An announcement is a ClassifiedModel whose readership follows from its audience (public, all
members, a body, a sub-region, a saved engagement list), so the one policy decides who reads it.
A notification belongs to one user and points at a record; it is shown only while the policy
still lets that user see the record, so a narrowed record never leaks through an old notification.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bphub.core.i18n import MultilingualTextField, localize
from bphub.core.models import ClassifiedModel, TimeStampedModel


class Announcement(ClassifiedModel, TimeStampedModel):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone (public)")
        ALL_MEMBERS = "all_members", _("All members")
        BODY = "body", _("A body or working group")
        SUB_REGION = "sub_region", _("A sub-region")
        LIST = "list", _("A saved engagement list")

    title = MultilingualTextField(_("title"))
    text = MultilingualTextField(_("text"))
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    audience_body = models.ForeignKey(
        "members.Body", verbose_name=_("body"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience_sub_region = models.ForeignKey(
        "members.SubRegion",
        verbose_name=_("sub-region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience_list = models.ForeignKey(
        "directory.EngagementList",
        verbose_name=_("engagement list"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="announcements"
    )
    send_email = models.BooleanField(_("also send by email"), default=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return localize(self.title).text or f"Announcement {self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("communications:announcement_detail", kwargs={"pk": self.pk})

    @property
    def audience_label(self) -> str:
        """Who it is for, in words; a list's name is not shown (its readers may not see the list)."""
        if self.audience == self.Audience.BODY and self.audience_body_id:
            return f"{self.audience_body.code} – {localize(self.audience_body.name).text}"
        if self.audience == self.Audience.SUB_REGION and self.audience_sub_region_id:
            return str(self.audience_sub_region.name)
        if self.audience == self.Audience.LIST:
            return str(_("Selected people"))
        return str(self.get_audience_display())


class Topic(models.TextChoices):
    """What a notification is about; preferences are set per topic."""

    ANNOUNCEMENT = "announcement", _("Announcements")
    MEETING = "meeting", _("Meetings I am invited to (changes, reminders)")
    DELEGATION = "delegation", _("Delegations and nominations")
    DOCUMENT = "document", _("New meeting documents")
    ACTION = "action", _("Action items my member or group owns")
    DIRECTORY = "directory", _("Directory reminders")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.CharField(max_length=16, choices=Topic.choices)
    verb = models.CharField(max_length=64)  # "meeting.announced", "action.overdue", ...
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How a user hears about one topic: right away by email, in the weekly digest, or in the app only."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email right away")
        DIGEST = "digest", _("Weekly digest")
        APP = "app", _("In the app only")

    DEFAULTS = {
        Topic.ANNOUNCEMENT: Channel.EMAIL,
        Topic.MEETING: Channel.EMAIL,
        Topic.DELEGATION: Channel.EMAIL,
        Topic.DOCUMENT: Channel.DIGEST,
        Topic.ACTION: Channel.DIGEST,
        Topic.DIRECTORY: Channel.EMAIL,
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    topic = models.CharField(max_length=16, choices=Topic.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="one_preference_per_topic")]

    def __str__(self) -> str:
        return f"{self.topic}: {self.channel}"


class DigestRun(models.Model):
    """One user's weekly digest for one week: written before the mail, so a re-run sends none twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField()
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week_starting"], name="one_digest_per_week")]

    def __str__(self) -> str:
        return f"digest {self.week_starting} for {self.user_id}"

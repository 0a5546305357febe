from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Classification(models.TextChoices):
    """How widely a record may be read, from widest to narrowest."""

    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members")
    BODY = "body", _("Body or working group")
    RESTRICTED = "restricted", _("Restricted to named members")
    SECRETARIAT = "secretariat", _("Secretariat only")


class ClassifiedModel(models.Model):
    """A record whose readers are decided by `bphub.core.policy` from these fields.

    originator: the member that owns the record; empty means the RSO.
    body: for BODY records, the body (e.g. a working group) whose current members may read it.
    released_to: for RESTRICTED records, the members it is released to (besides the originator).
    """

    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.MEMBERS
    )
    originator = models.ForeignKey(
        "members.Member",
        verbose_name=_("originator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty when the RSO originated the record."),
    )
    body = models.ForeignKey(
        "members.Body", verbose_name=_("body"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_to = models.ManyToManyField("members.Member", verbose_name=_("released to"), blank=True, related_name="+")

    class Meta:
        abstract = True

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.classification == Classification.BODY and not self.body_id:
            raise ValidationError({"body": _("Name the body whose members may read this record.")})

    @property
    def is_sensitive(self) -> bool:
        """Reads of sensitive records are written to the audit log."""
        return self.classification in {Classification.RESTRICTED, Classification.SECRETARIAT}


class AuditEvent(models.Model):
    """Append-only: the database refuses UPDATE and DELETE on this table (see migration 0002)."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    verb = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True, db_index=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.verb} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class WorkerHeartbeat(models.Model):
    """Last sign of life of a task worker; running tasks of a silent worker are handed back."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(null=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}, pid {self.pid})"

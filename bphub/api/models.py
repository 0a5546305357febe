from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bphub.core.db import optional_write
from bphub.core.models import TimeStampedModel

LAST_USED_RESOLUTION = timedelta(minutes=1)  # "last used" is written at most this often


class ApiToken(TimeStampedModel):
    """A personal access token. The secret is shown once; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def status(self) -> str:
        """ "revoked", "expired" or "active"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.user.is_active

    def note_used(self, *, now: datetime | None = None) -> None:
        """Record that the token was just used, at most once per LAST_USED_RESOLUTION.

        Bookkeeping on a read path: an optional write (`bphub.core.db.optional_write`) that waits
        a moment at most for a busy database and is skipped, with a warning in the log, when it
        cannot be done; the request it belongs to answers either way.
        """
        now = now or timezone.now()
        if self.last_used_at is not None and now - self.last_used_at < LAST_USED_RESOLUTION:
            return

        def write():
            # Conditional, so concurrent requests of one token write it once.
            ApiToken.objects.filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION), pk=self.pk
            ).update(last_used_at=now)

        if optional_write("API token last use", write):
            self.last_used_at = now

from django.db import models
from django.utils.translation import gettext_lazy as _

from bphub.core.i18n import MultilingualTextField, localize
from bphub.core.models import TimeStampedModel


class Agency(TimeStampedModel):
    """A government agency or organisational unit of a member (the directory grows on this)."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="agencies"
    )
    name = MultilingualTextField(_("name"))
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["member__code", "acronym"]
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        name = localize(self.name).text
        return f"{name} ({self.acronym})" if self.acronym else name

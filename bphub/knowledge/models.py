from django.db import models
from django.utils.translation import gettext_lazy as _

from bphub.core.i18n import MultilingualTextField, localize
from bphub.core.models import ClassifiedModel, TimeStampedModel


class Resource(ClassifiedModel, TimeStampedModel):
    """An item of the exchange library: a policy guide, toolkit, report or good practice."""

    class Kind(models.TextChoices):
        POLICY_GUIDE = "policy_guide", _("Policy guide")
        TOOLKIT = "toolkit", _("Toolkit")
        DECLARATION = "declaration", _("Declaration or strategy")
        REPORT = "report", _("Report")
        GOOD_PRACTICE = "good_practice", _("Good practice")
        ALERT = "alert", _("Alert")

    title = MultilingualTextField(_("title"))
    summary = MultilingualTextField(_("summary"), blank=True, textarea=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    url = models.URLField(_("link"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    themes = models.ManyToManyField("members.Theme", verbose_name=_("themes"), blank=True, related_name="resources")
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-published_on", "-id"]
        # Lists show the newest first: the index serves that order without sorting the table.
        indexes = [models.Index(fields=["-published_on", "-id"], name="resource_newest_first")]

    def __str__(self) -> str:
        return localize(self.title).text

"""Who takes part in a meeting and what they read: invitations, delegations and their people,
and the meeting's (or a body's) documents with their versions.

Every one of them is a part of its meeting for the policy (`policy_parent`): it is never read more
widely than the meeting at the moment of reading. Documents also carry their own classification,
never wider than their meeting's.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bphub.core import policy
from bphub.core.i18n import MultilingualTextField, localize
from bphub.core.models import Classification, ClassifiedModel, TimeStampedModel
from bphub.meetings.models.meetings import Meeting


class MeetingInvitation(TimeStampedModel):
    """What was invited: a member, a body (its members on the day) or a saved engagement list.

    Each invitation is resolved, when made, into one `Delegation` per member concerned.
    """

    policy_parent = "meeting"

    @classmethod
    def policy_condition(cls, user, prefix: str = "") -> Q | None:
        return Meeting.managed_by(user, f"{prefix}meeting__")  # the invite page's, the managers'

    def policy_condition_met(self, user) -> bool:
        return policy.runs_body(user, self.meeting.group_id)

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

    # -- read by the policy: approved delegations by the meeting's readers, a member's own by its
    # coordinators in any status, all of them by the meeting's managers
    policy_parent = "meeting"

    @classmethod
    def policy_condition(cls, user, prefix: str = "") -> Q | None:
        manages = Meeting.managed_by(user, f"{prefix}meeting__")
        if manages is None:
            return None
        shown = Q(**{f"{prefix}status": cls.Status.APPROVED}) | manages
        if policy.is_coordinator(user):
            shown |= Q(**{f"{prefix}member_id": user.member_id})
        return shown

    def policy_condition_met(self, user) -> bool:
        return (
            self.status == self.Status.APPROVED
            or policy.coordinates(user, self.member_id)
            or policy.runs_body(user, self.meeting.group_id)
        )


class Delegate(TimeStampedModel):
    """One person of a delegation; attendance is recorded on the day."""

    policy_parent = "delegation"

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
            models.UniqueConstraint(fields=["delegation"], condition=Q(role="head"), name="one_head_per_delegation"),
        ]

    def __str__(self) -> str:
        return f"{self.focal_point} ({self.get_role_display()})"


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
    group = models.ForeignKey("members.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
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
        if self.meeting_id and not policy.classification_is_within(self.classification, self.meeting.classification):
            raise ValidationError({"classification": _("A document cannot be read more widely than its meeting.")})

    # -- read by the policy: a part of its meeting (when it has one); the meeting's approved
    # participants read its body-level documents, never a named release nor the secretariat's,
    # and never while they may not read the meeting itself (the parent's rule still applies)
    policy_parent = "meeting"

    @classmethod
    def policy_grant(cls, user, prefix: str = "") -> Q | None:
        person_id = approved_participant_id(user)
        if person_id is None:
            return None
        participates = Delegate.objects.filter(
            delegation__meeting_id=models.OuterRef(f"{prefix}meeting_id"),
            delegation__status=Delegation.Status.APPROVED,
            focal_point__user_id=person_id,
            focal_point__is_active=True,  # a person the directory retired has no part any more
        )
        return Q(**{f"{prefix}classification": Classification.BODY}) & models.Exists(participates)

    def policy_grants_view(self, user) -> bool:
        person_id = approved_participant_id(user)
        if person_id is None or not self.meeting_id or self.classification != Classification.BODY:
            return False
        return is_approved_participant(person_id, self.meeting_id)


def approved_participant_id(user) -> int | None:
    """The user id to match approved participants by, or None when the user cannot be one."""
    return user.pk if policy.acting_member_id(user) is not None else None


def is_approved_participant(person_id: int, meeting_id: int) -> bool:
    return Delegate.objects.filter(
        delegation__meeting_id=meeting_id,
        delegation__status=Delegation.Status.APPROVED,
        focal_point__user_id=person_id,
        focal_point__is_active=True,
    ).exists()


class DocumentVersion(models.Model):
    policy_parent = "document"

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

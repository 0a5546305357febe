import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bphub.core.models import TimeStampedModel


class Role(models.TextChoices):
    RSO_ADMIN = "rso_admin", _("RSO admin")
    RSO_STAFF = "rso_staff", _("RSO staff")
    MEMBER_COORDINATOR = "member_coordinator", _("Member coordinator")
    MEMBER_OFFICIAL = "member_official", _("Member official")
    WG_CO_CHAIR = "wg_co_chair", _("Working-group co-chair")
    RESEARCHER = "researcher", _("Researcher")
    ALUMNUS = "alumnus", _("Alumnus")


RSO_ROLES = frozenset({Role.RSO_ADMIN, Role.RSO_STAFF})
# Roles that act for a member government or organisation and read members-level material.
MEMBER_ROLES = frozenset({Role.MEMBER_COORDINATOR, Role.MEMBER_OFFICIAL, Role.WG_CO_CHAIR})


def time_zone_choices():
    return [
        (name, name.replace("_", " "))
        for name in sorted(zoneinfo.available_timezones())
        if "/" in name or name == "UTC"
    ]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("role", Role.RSO_ADMIN)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Belongs to the RSO (member empty) or to exactly one member."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    agency = models.ForeignKey(
        "directory.Agency", verbose_name=_("agency"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="users",
    )
    chaired_bodies = models.ManyToManyField(
        "members.Body", verbose_name=_("co-chaired bodies"), blank=True, related_name="co_chair_users"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                name="rso_roles_have_no_member",
                condition=~Q(role__in=["rso_admin", "rso_staff"]) | Q(member__isnull=True),
            ),
            models.CheckConstraint(
                name="member_roles_have_a_member",
                condition=~Q(role__in=["member_coordinator", "member_official", "wg_co_chair"])
                | Q(member__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_rso(self) -> bool:
        return self.role in RSO_ROLES

    @property
    def is_rso_admin(self) -> bool:
        return self.role == Role.RSO_ADMIN

    @property
    def organisation_label(self) -> str:
        return str(self.member) if self.member_id else _("Regional Support Office")


class Invitation(TimeStampedModel):
    """A single-use, expiring invitation to create an account. Only a hash of the token is kept."""

    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("directory.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

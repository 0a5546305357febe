"""Writes about people: invitations, roles, deactivation, sessions. Each one is audited."""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.accounts.models import MEMBER_ROLES, RSO_ROLES, Invitation, Role, User
from bphub.accounts.permissions import can_manage_user, roles_assignable_by
from bphub.accounts.signals import user_deactivated
from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.core.timezones import home_zone_name
from bphub.core.tokens import token_digest

INVITATION_VALID_FOR = timedelta(days=7)


def _check_role_and_member(*, actor: User, role: str, member, agency) -> None:
    if role not in roles_assignable_by(actor):
        raise ValidationError({"role": _("You cannot give the role %(role)s.") % {"role": Role(role).label}})
    if role in RSO_ROLES and member is not None:
        raise ValidationError({"member": _("RSO staff belong to the RSO, not to a member.")})
    if role in MEMBER_ROLES and member is None:
        raise ValidationError({"member": _("Choose the member this person acts for.")})
    if policy.is_coordinator(actor) and member is not None and member.pk != actor.member_id:
        raise ValidationError({"member": _("You can only invite people of your own member.")})
    if agency is not None and (member is None or agency.member_id != member.pk):
        raise ValidationError({"agency": _("The agency must belong to the chosen member.")})


@transaction.atomic
def invitation_create(*, actor: User, email: str, full_name: str, role: str, member=None, agency=None, request=None):
    """Create an invitation and queue its email (in the same transaction).

    Returns (invitation, token); the token is not stored and appears only in the email.
    Raises ValidationError when the actor may not invite this person or the email has an account.
    """
    if not policy.may(actor, policy.Capability.INVITE_USERS):
        raise ValidationError(_("You cannot invite people."))
    email = email.strip().lower()
    _check_role_and_member(actor=actor, role=role, member=member, agency=agency)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("This address already has an account.")})
    now = timezone.now()
    # A new invitation replaces any pending one to the same address; each withdrawal is recorded.
    for superseded in Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True):
        superseded.revoked_at = now
        superseded.save(update_fields=["revoked_at", "updated_at"])
        audit_record(verb="invitation.revoked", actor=actor, target=superseded, request=request, reason="superseded")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email, full_name=full_name.strip(), role=role, member=member, agency=agency,
        token_hash=token_digest(token), invited_by=actor, expires_at=now + INVITATION_VALID_FOR,
    )
    invitation.full_clean()
    invitation.save()
    path = reverse("accounts:invitation_accept", kwargs={"token": token})
    link = request.build_absolute_uri(path) if request is not None else f"{settings.SITE_URL}{path}"
    context = {"invitation": invitation, "link": link, "inviter": actor}
    send_mail(
        subject=_("You are invited to bphub, the Bali Process coordination platform"),
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    audit_record(verb="invitation.created", actor=actor, target=invitation, request=request, role=role,
                 member=member.code if member else None)
    return invitation, token


def invitation_for_token(token: str) -> Invitation:
    """The pending invitation for `token`. Raises ValidationError naming why it cannot be used."""
    invitation = Invitation.objects.filter(token_hash=token_digest(token or "")).first()
    if invitation is None:
        raise ValidationError(
            _("This invitation link is not valid. Check that you copied the whole link."), code="invalid"
        )
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used. Sign in instead."), code="used")
    if invitation.revoked_at:
        raise ValidationError(_("This invitation was withdrawn. Ask for a new one."), code="revoked")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation has expired. Ask the person who invited you for a new one."), code="expired"
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, request=None) -> User:
    """Create the account of a pending invitation; the email counts as verified (the link proved it).
    The person starts in their member's time zone (the RSO's for people of no member).

    Raises ValidationError for an unusable link or a weak password; nothing is created then.
    """
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used. Sign in instead."), code="used")
    user = User(email=invitation.email, full_name=invitation.full_name, role=invitation.role,
                member=invitation.member, agency=invitation.agency, time_zone=home_zone_name(invitation.member))
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user", "updated_at"])
    audit_record(verb="invitation.accepted", actor=user, target=invitation, request=request)
    from bphub.directory import person_record

    person_record.link_account(user=user)
    return user


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation, request=None) -> Invitation:
    if invitation.status != "pending":
        raise ValidationError(_("Only a pending invitation can be withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_record(verb="invitation.revoked", actor=actor, target=invitation, request=request)
    return invitation


@transaction.atomic
def user_change_role(
    *, actor: User, user: User, role: str, member=None, agency=None, chaired_bodies=(), request=None
) -> User:
    """Change what a person is and whom they act for. Raises ValidationError if not allowed."""
    if not can_manage_user(actor, user) or actor.pk == user.pk:
        raise ValidationError(_("You cannot change this person's role."))
    _check_role_and_member(actor=actor, role=role, member=member, agency=agency)
    chaired_bodies = list(chaired_bodies) if role == Role.WG_CO_CHAIR else []
    _check_chaired_bodies(member=member, bodies=chaired_bodies)
    before = {"role": user.role, "member": user.member.code if user.member else None,
              "chaired_bodies": sorted(user.chaired_bodies.values_list("code", flat=True))}
    user.role, user.member, user.agency = role, member, agency
    if role != Role.RSO_ADMIN:
        # Django admin access belongs to RSO admins only: a changed role takes it away.
        user.is_staff = user.is_superuser = False
    user.full_clean()
    user.save()
    user.chaired_bodies.set(chaired_bodies)
    after = {"role": role, "member": member.code if member else None,
             "chaired_bodies": sorted(body.code for body in chaired_bodies)}
    audit_record(verb="user.role_changed", actor=actor, target=user, request=request, before=before, after=after)
    return user


def _check_chaired_bodies(*, member, bodies) -> None:
    """A co-chair co-chairs bodies on which their member holds a chair or co-chair seat today."""
    from bphub.members.models import BodyMembership

    if not bodies:
        return
    held = set(
        BodyMembership.objects.on(timezone.localdate())
        .filter(member=member, role__in=[BodyMembership.Role.CO_CHAIR, BodyMembership.Role.CHAIR])
        .values_list("body_id", flat=True)
    )
    refused = sorted(body.code for body in bodies if body.pk not in held)
    if refused:
        raise ValidationError({"chaired_bodies": _("%(member)s does not co-chair %(bodies)s today.") % {
            "member": member, "bodies": ", ".join(refused)}})


def user_sessions_end_all(*, user: User) -> int:
    """End every session of `user` on the server (allauth records each one at sign-in)."""
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


@transaction.atomic
def user_deactivate(*, actor: User, user: User, request=None) -> User:
    """Deactivate a person: sessions end on the server; API tokens and every other secret address
    (`signals.user_deactivated`) stop working at once and stay stopped after a reactivation."""
    if not can_manage_user(actor, user) or actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate this person."))
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    ended = user_sessions_end_all(user=user)
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    # Secrets other apps issued (personal calendar feed addresses) end for good, not just while inactive.
    user_deactivated.send(sender=User, user=user, actor=actor)
    audit_record(verb="user.deactivated", actor=actor, target=user, request=request, sessions_ended=ended)
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User, request=None) -> User:
    if not can_manage_user(actor, user):
        raise ValidationError(_("You cannot reactivate this person."))
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])
    audit_record(verb="user.reactivated", actor=actor, target=user, request=request)
    return user


def user_session_end(*, actor: User, session: UserSession, request=None) -> None:
    """End one session: the owner may end their own, an RSO admin anyone's."""
    if session.user_id != actor.pk and not policy.may(actor, policy.Capability.END_ANY_SESSION):
        raise ValidationError(_("You cannot end this session."))
    audit_record(verb="session.ended", actor=actor, target=session.user, request=request, ip=session.ip)
    session.end()


@transaction.atomic
def user_update_preferences(*, user: User, time_zone: str, language: str) -> User:
    user.time_zone, user.language = time_zone, language
    user.full_clean()
    user.save(update_fields=["time_zone", "language"])
    return user


@transaction.atomic
def user_reset_mfa(*, actor: User, user: User, request=None) -> None:
    """An admin resets a person's authenticators; they enrol again at their next sign-in."""
    from allauth.mfa.models import Authenticator

    if not policy.may(actor, policy.Capability.MANAGE_ALL_USERS) or actor.pk == user.pk:
        raise ValidationError(_("You cannot reset this person's two-factor authentication."))
    Authenticator.objects.filter(user=user).delete()
    user_sessions_end_all(user=user)
    audit_record(verb="mfa.reset", actor=actor, target=user, request=request)

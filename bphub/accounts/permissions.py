"""Who may manage whom, on top of the one policy (`bphub.core.policy`).

- RSO admins manage everyone and give any role;
- RSO staff manage everyone but admins and give any role but admin;
- a member's coordinator manages their own member's coordinators, officials and co-chairs, and
  invites only for that member.
Every `get_*` helper answers Http404 for someone the actor may not manage, as for a missing person.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from bphub.accounts.models import MEMBER_ROLES, Invitation, Role, User
from bphub.core import policy


def roles_assignable_by(actor: User) -> list[str]:
    """Which roles `actor` may give: admins any, RSO staff any but admin, coordinators their member's."""
    role = policy.role_of(actor)
    if role == Role.RSO_ADMIN:
        return list(Role.values)
    if role == Role.RSO_STAFF:
        return [value for value in Role.values if value != Role.RSO_ADMIN]
    if policy.is_coordinator(actor):
        return [Role.MEMBER_COORDINATOR, Role.MEMBER_OFFICIAL, Role.WG_CO_CHAIR]
    return []


def member_locked_for(actor: User):
    """The one member `actor` may invite or place people in (a coordinator's own), or None for any."""
    return actor.member if policy.is_coordinator(actor) else None


def can_manage_user(actor: User, user: User) -> bool:
    if policy.may(actor, policy.Capability.MANAGE_ALL_USERS):
        return True
    if policy.role_of(actor) == Role.RSO_STAFF:
        return user.role != Role.RSO_ADMIN
    if policy.is_coordinator(actor):
        return user.member_id == actor.member_id and user.role in MEMBER_ROLES
    return False


def people_visible_to(actor: User):
    """The accounts `actor` may list: everyone for the RSO, a coordinator's own member's people."""
    users = User.objects.select_related("member", "agency")
    if policy.is_rso(actor):
        return users
    if policy.is_coordinator(actor):
        return users.filter(member_id=actor.member_id, role__in=MEMBER_ROLES)
    return users.none()


def get_person_or_404(actor: User, user_id: int) -> User:
    return get_object_or_404(people_visible_to(actor), pk=user_id)


def get_person_for_management(actor: User, user_id: int) -> User:
    """The person if `actor` may manage them (never themselves); Http404 otherwise."""
    person = get_person_or_404(actor, user_id)
    if person.pk == actor.pk or not can_manage_user(actor, person):
        raise Http404
    return person


def pending_invitations_visible_to(actor: User):
    invitations = Invitation.objects.select_related("member").filter(accepted_at__isnull=True, revoked_at__isnull=True)
    if not policy.may(actor, policy.Capability.INVITE_USERS):
        return invitations.none()
    locked = member_locked_for(actor)
    return invitations.filter(member=locked) if locked is not None else invitations


def get_invitation_for_revoke(actor: User, invitation_id: int) -> Invitation:
    invitation = get_object_or_404(Invitation, pk=invitation_id)
    locked = member_locked_for(actor)
    if not policy.may(actor, policy.Capability.INVITE_USERS) or (
        locked is not None and invitation.member_id != locked.pk
    ):
        raise Http404
    return invitation

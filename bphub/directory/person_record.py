"""The directory's person record, as the accounts app reaches it.

Accounts sits below the directory, so it imports nothing else of it: this module is the one named
entry point (linking an account to its focal point, signs of life, the agencies an invitation may
name). Everything here goes through the directory's own services and the policy.
"""

from bphub.core import policy
from bphub.directory.models import Agency
from bphub.directory.services.records import focal_point_link_account, focal_points_sign_of_life_by_email


def link_account(*, user) -> None:
    """An accepted invitation links the new account to the person's focal-point record."""
    focal_point_link_account(user=user)


def sign_of_life(email: str) -> None:
    """Someone opened a link sent to `email`: a sign of life of the person (not a confirmation)."""
    focal_points_sign_of_life_by_email(email)


def agencies_to_choose(user, member=None):
    """The agencies `user` may give a person (invitations, roles): those the policy lets them see,
    of `member` only when given. Any other id is refused as an unknown choice, so none leaks."""
    agencies = Agency.objects.select_related("member").order_by("member__code", "acronym", "id")
    if member is not None:
        agencies = agencies.filter(member=member)
    return policy.visible_to(agencies, user)

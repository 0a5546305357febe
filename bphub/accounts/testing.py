"""Helpers for tests and benchmarks: people of every role, signed in past MFA."""

import itertools

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from bphub.accounts.middleware import MFA_SESSION_KEY
from bphub.accounts.models import Role, User

_counter = itertools.count(1)


TEST_PASSWORD = "a long test passphrase"  # tests and benchmarks only


def create_user(role: str = Role.MEMBER_OFFICIAL, member=None, *, email: str | None = None,
                password: str = TEST_PASSWORD, mfa: bool = True, totp_secret: str | None = None, **fields) -> User:
    from bphub.members.models import Member

    if member is None and role in {Role.MEMBER_COORDINATOR, Role.MEMBER_OFFICIAL, Role.WG_CO_CHAIR}:
        member = Member.objects.order_by("code").first() or Member.objects.create(
            code="XX", name={"en": "Testland"}, kind=Member.Kind.STATE
        )
    number = next(_counter)
    user = User.objects.create_user(
        email=email or f"{role}-{number}@example.org", password=password,
        full_name=fields.pop("full_name", f"{Role(role).label} {number}"),
        role=role, member=member, **fields,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if mfa:
        TOTP.activate(user, totp_secret or generate_totp_secret())
    return user


def totp_secret_of(user: User) -> str:
    from allauth.mfa.utils import decrypt

    return decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])


def force_login_with_mfa(client, user: User) -> None:
    client.force_login(user, backend="bphub.accounts.backends.AuthenticationBackend")
    session = client.session
    session[MFA_SESSION_KEY] = True
    session.save()

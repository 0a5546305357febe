from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib.sites.shortcuts import get_current_site

from bphub.core.audit import audit_record


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts come from invitations only."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys failed logins by email alone, which lets anyone lock an account owner
        # out. Keying by (email, client IP) throttles guessing without that lock-out.
        site = get_current_site(request)
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{site.domain}:{login}:{self.get_client_ip(request)}"

    def authentication_failed(self, request, **credentials) -> None:
        audit_record(verb="auth.login_failed", request=request, attempted_email=credentials.get("email", "")[:254])

    def login(self, request, user) -> None:
        super().login(request, user)
        audit_record(verb="auth.login", actor=user, request=request)

    def logout(self, request) -> None:
        if request.user.is_authenticated:
            audit_record(verb="auth.logout", actor=request.user, request=request)
        super().logout(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # MFA is required for every signed-in role: the authenticator app can be replaced
        # (re-enrolled) by an admin reset, never simply switched off.
        return authenticator.type != Authenticator.Type.TOTP

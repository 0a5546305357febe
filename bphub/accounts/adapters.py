import base64
import time
from datetime import UTC, datetime

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac

from bphub.accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
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

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            audit_record(verb="auth.login_throttled", request=request,
                         attempted_email=credentials.get("email", "")[:254])
            raise

    def authentication_failed(self, request, **credentials) -> None:
        audit_record(verb="auth.login_failed", request=request, attempted_email=credentials.get("email", "")[:254])

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # First enrolment (authenticator app, then its recovery codes) right after signing in with
        # the password asks for no second password; any change to an authenticator that existed
        # before this sign-in still does.
        from allauth.core import context

        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is not None and time.time() - started < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT:
                signed_in_at = datetime.fromtimestamp(started, tz=UTC)
                if not Authenticator.objects.filter(user=request.user, created_at__lt=signed_in_at).exists():
                    return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def login(self, request, user) -> None:
        super().login(request, user)  # Django's login: a new session key (no session fixation)
        # The idle and absolute limits count from the sign-in itself (SessionLifetimeMiddleware).
        request.session[SESSION_STARTED_KEY] = request.session[SESSION_SEEN_KEY] = time.time()
        audit_record(verb="auth.login", actor=user, request=request)

    def logout(self, request) -> None:
        if request.user.is_authenticated:
            audit_record(verb="auth.logout", actor=request.user, request=request)
        super().logout(request)


ENCRYPTED_PREFIX = "fernet:"


def _mfa_fernet() -> MultiFernet:
    """Fernet keys derived from SECRET_KEY, then SECRET_KEY_FALLBACKS (so a rotated key still decrypts)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(salted_hmac("bphub.mfa.secrets", "", secret=key, algorithm="sha256").digest()))
        for key in keys
    ])


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        # allauth stores the TOTP secret (and the recovery-code seed until it is hashed) as given:
        # encrypted here, a copy of the database alone does not yield anyone's codes.
        return ENCRYPTED_PREFIX + _mfa_fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED_PREFIX):
            return encrypted_text  # stored before encryption was introduced
        return _mfa_fernet().decrypt(encrypted_text.removeprefix(ENCRYPTED_PREFIX).encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # MFA is required for every signed-in role: the authenticator app can be replaced
        # (re-enrolled) by an admin reset, never simply switched off.
        return authenticator.type != Authenticator.Type.TOTP

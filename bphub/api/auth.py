"""Who is calling: a personal access token (Authorization: Bearer ...) or the browser session.

A bad token is refused outright (401), never read as "anonymous". The session works for people
signed in past MFA (so the docs page can try routes) and needs the CSRF token for unsafe methods.
"""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from bphub.accounts.middleware import MFA_SESSION_KEY
from bphub.api.errors import ApiError
from bphub.api.services import token_authenticate

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class TokenAuth(HttpBearer):
    """Personal access token: `Authorization: Bearer bph_…`."""

    def __call__(self, request):
        header = request.headers.get(self.header)
        if header and header.split(" ")[0].lower() != self.openapi_scheme:
            raise AuthenticationError(message=_("Use Authorization: Bearer <token>."))
        return super().__call__(request)

    def authenticate(self, request, token):
        api_token = token_authenticate(token)
        if api_token is None:
            raise AuthenticationError(message=_("The token is not valid: it is unknown, expired or revoked."))
        request.user = user = api_token.user
        request.api_token = api_token
        request.api_auth_method = "token"
        _activate_time_zone_of(user)
        return user


def _activate_time_zone_of(user) -> None:
    """Days and times in the token owner's zone, as the web pages do for them.

    UserPreferencesMiddleware ran before the token was read and saw an anonymous caller; it also
    deactivates the zone when the response is done.
    """
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        timezone.activate(zoneinfo.ZoneInfo("UTC"))


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (CSRF token required for unsafe methods)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not request.session.get(MFA_SESSION_KEY):
            return None  # not past the second factor: not signed in as far as the API is concerned
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", _("CSRF check failed: send the X-CSRFToken header."))
        request.api_auth_method = "session"
        return user


def anonymous(request):
    """The fallback for public routes: no credentials at all is fine; they read as the public."""
    request.user = AnonymousUser()
    request.api_auth_method = None
    return request.user


token_auth = TokenAuth()
session_auth = SessionAuth()
AUTH_REQUIRED = [token_auth, session_auth]
AUTH_OPTIONAL = [token_auth, session_auth, anonymous]
# OpenAPI: on public routes a token or session is optional (the empty requirement means "none").
OPTIONAL_SECURITY = {"security": [{"TokenAuth": []}, {"SessionAuth": []}, {}]}

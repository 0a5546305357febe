import time
import zoneinfo

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bphub.core.audit import audit_record
from bphub.core.db import optional_write

SESSION_STARTED_KEY = "bphub_auth_started_at"
SESSION_SEEN_KEY = "bphub_last_seen_at"
SEEN_WRITE_INTERVAL = 60  # seconds: record activity at most once a minute


def _session_end_response(request, reason: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "session_expired", "message": reason}, status=401)
    messages.info(request, reason)
    return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")


class SessionLifetimeMiddleware:
    """Idle timeout and absolute lifetime for signed-in sessions, enforced on the server."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(SESSION_STARTED_KEY)
            last_seen = session.get(SESSION_SEEN_KEY, started)
            if started is None:
                session[SESSION_STARTED_KEY] = started = now
            reason = None
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                reason = _("You were signed out after a period of inactivity.")
            elif now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                reason = _("Your session reached its maximum length. Please sign in again.")
            if reason:
                audit_record(verb="auth.session_expired", actor=user, request=request)
                logout(request)
                return _session_end_response(request, reason)
            if last_seen is None or now - last_seen > SEEN_WRITE_INTERVAL:
                session_activity_note(request, user=user, now=now)
        return self.get_response(request)


def session_activity_note(request, *, user, now: float) -> None:
    """Note that `user` is active in this session: its "last seen", and allauth's sessions list.

    Saving the session also pushes its stored expiry (SESSION_COOKIE_AGE) forward, so an idle
    session dies on the server too. The sessions list (IP, browser, last seen) is refreshed here,
    at most once a minute, rather than by allauth on every request (a write per page view).
    Bookkeeping on a read: an optional write (`bphub.core.db.optional_write`). When the database
    is busy it is skipped and the session left as it was, so SessionMiddleware does not try the
    same write again; the next request a minute on tries again.
    """
    session = request.session
    was_modified, previous = session.modified, session.get(SESSION_SEEN_KEY)

    def write():
        session[SESSION_SEEN_KEY] = now
        try:
            session.save()
        except UpdateError as error:  # what the session store makes of any DatabaseError on update
            raise DatabaseError("the session could not be saved") from error
        UserSession.objects.create_from_request(request, user=user, session=session)

    if not optional_write("session activity", write):
        if previous is None:
            session.pop(SESSION_SEEN_KEY, None)
        else:
            session[SESSION_SEEN_KEY] = previous
    session.modified = was_modified  # saved already (or skipped): no second write at the end


# What a signed-in person without an authenticator may still open: enrolment itself (and the
# re-authentication it asks for), signing out, and what does not depend on the person. Everything
# else, including the other account pages (email, password, sessions), waits for enrolment.
MFA_EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/accounts/login/",
    "/accounts/inactive/",
    "/accounts/password/reset/",
    "/accounts/confirm-email/",
    "/static/",
    "/healthz",
    "/i18n/",
    "/invitations/accept/",
    "/api/",
)
MFA_SESSION_KEY = "bphub_mfa_enrolled"


class RequireMFAMiddleware:
    """Every signed-in person must have an authenticator app enrolled before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.session.get(MFA_SESSION_KEY):
            if has_totp(user):
                request.session[MFA_SESSION_KEY] = True
            elif not request.path.startswith(MFA_EXEMPT_PREFIXES):
                return redirect("mfa_activate_totp")
        return self.get_response(request)


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class UserPreferencesMiddleware:
    """Show every time in the reader's own time zone; signed-in people get their language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        zone_name = user.time_zone if user.is_authenticated else request.COOKIES.get("bphub_tz", "UTC")
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo("UTC"))
        if user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

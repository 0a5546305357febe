"""Rate limits on the API, counted in the shared cache so that every process sees the same counts.

A token (or a signed-in browser session) has its own allowance, API_RATE_LIMIT_TOKEN; callers
without credentials share one per client IP, API_RATE_LIMIT_ANONYMOUS (the IP read as the login
throttle reads it: X-Forwarded-For only from trusted proxies). Past it: 429 `throttled` with
Retry-After. Rates are "<requests>/<s|m|h|d>", e.g. "120/m".
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import BaseThrottle

from bphub.core.audit import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_waits = threading.local()


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/m" → (120, 60)."""
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()[:1]]


class ApiRateThrottle(BaseThrottle):
    """A sliding window of request times per caller; the rate is read from settings on each request."""

    def __init__(self, setting: str, *, authenticated: bool) -> None:
        self.setting = setting
        self.authenticated = authenticated

    def cache_key(self, request) -> str | None:
        user = getattr(request, "auth", None)
        signed_in = bool(user is not None and getattr(user, "is_authenticated", False))
        if signed_in != self.authenticated:
            return None  # the other throttle counts this caller
        token = getattr(request, "api_token", None)
        if token is not None:
            return f"api:rate:token:{token.pk}"
        if signed_in:
            return f"api:rate:user:{user.pk}"
        return f"api:rate:ip:{client_ip(request) or 'unknown'}"

    def allow_request(self, request) -> bool:
        _waits.seconds = None
        key = self.cache_key(request)
        if key is None:
            return True
        limit, period = parse_rate(getattr(settings, self.setting))
        now = time.time()
        history = [moment for moment in cache.get(key, []) if moment > now - period]
        if len(history) >= limit:
            _waits.seconds = max(1.0, history[-1] + period - now)  # until the oldest one leaves the window
            return False
        history.insert(0, now)
        cache.set(key, history[:limit], period)
        return True

    def wait(self) -> float | None:
        return getattr(_waits, "seconds", None)


THROTTLES = [
    ApiRateThrottle("API_RATE_LIMIT_TOKEN", authenticated=True),
    ApiRateThrottle("API_RATE_LIMIT_ANONYMOUS", authenticated=False),
]

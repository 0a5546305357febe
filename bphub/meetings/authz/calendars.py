"""Authorization-matrix registrations: calendars."""

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register  # noqa: F401

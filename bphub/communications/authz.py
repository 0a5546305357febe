"""Authorization-matrix registrations: announcements, notifications, preferences."""

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register  # noqa: F401

"""Authorization-matrix registrations: meetings."""

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register  # noqa: F401

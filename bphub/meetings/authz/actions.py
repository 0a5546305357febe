"""Authorization-matrix registrations: actions."""

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register  # noqa: F401

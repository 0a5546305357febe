"""Authorization-matrix registrations: scheduling."""

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register  # noqa: F401

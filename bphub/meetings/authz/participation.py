"""Authorization-matrix registrations: participation."""

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register  # noqa: F401

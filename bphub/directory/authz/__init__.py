"""The directory's routes, registered for the authorization matrix (one module per area)."""

from bphub.directory.authz import api, freshness, imports, maps, records  # noqa: F401

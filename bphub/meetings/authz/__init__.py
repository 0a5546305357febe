"""The meetings area's routes, registered for the authorization matrix (one module per part)."""

from bphub.meetings.authz import actions, api, calendars, meetings, participation, scheduling  # noqa: F401

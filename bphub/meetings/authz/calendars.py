"""Authorization-matrix registrations: calendars and iCalendar feeds.

- The month and list views are lists of classified meetings: each reader sees exactly what the
  policy lets them see (ClassifiedListRoute; the matrix's meetings fall 30 days ahead, in the
  month the month view is asked for and inside the list's default year).
- The public feed answers everyone the same (public, announced, non-emergency meetings only), so
  the matrix's "shows what the reader may see" does not describe it: it is a RoleRoute open to
  all, and bphub/meetings/tests/test_calendars_feeds.py checks, for every role, that it carries
  the public meeting's marker in a SUMMARY and never a narrower one.
- A personal feed is read by a calendar application without a session: what it shows is decided
  by the token's owner, not by whoever fetches it. The path makes a token for the matrix's member
  official of A; every fetcher gets 200. test_calendars_feeds.py runs the matrix's roles × every
  classification through tokens of their own (exactly the policy's markers), revocation and
  deactivation (404).
- A group feed is the body's public meetings (RoleRoute open to all); with ?token= the token
  owner's view, tested in test_calendars_feeds.py.
- The feeds page and its two buttons act only on the signed-in person's own token.
"""

from datetime import timedelta

from django.utils import timezone

from bphub.core.authz import ROLES, SIGNED_IN_ROLES, ClassifiedListRoute, RoleRoute, register
from bphub.meetings.testing import make_classified_meeting

ALL = frozenset(ROLES)


def _matrix_month() -> str:
    return (timezone.now() + timedelta(days=30)).strftime("%Y-%m")


def _personal_feed_path(ctx) -> str:
    from bphub.meetings.services.calendars import calendar_feed_token_create

    _record, raw = calendar_feed_token_create(actor=ctx["person"])
    return f"/calendar/u/{raw}.ics"


register(
    ClassifiedListRoute(
        "calendar:calendar_month", make_classified_meeting, lambda: f"/calendar/?month={_matrix_month()}"
    ),
    ClassifiedListRoute("calendar:calendar_list", make_classified_meeting, lambda: "/calendar/list/"),
    RoleRoute("calendar:feeds", lambda ctx: "/calendar/feeds/", allowed=SIGNED_IN_ROLES),
    RoleRoute(
        "calendar:feed_token_create",
        lambda ctx: "/calendar/feeds/new/",
        allowed=SIGNED_IN_ROLES,
        method="POST",
        success_status=200,
    ),
    RoleRoute(
        "calendar:feed_token_revoke",
        lambda ctx: "/calendar/feeds/stop/",
        allowed=SIGNED_IN_ROLES,
        method="POST",
        success_status=302,
    ),
    RoleRoute("calendar:public_feed", lambda ctx: "/calendar/public.ics", allowed=ALL),
    RoleRoute("calendar:personal_feed", _personal_feed_path, allowed=ALL),
    RoleRoute("calendar:group_feed", lambda ctx: f"/calendar/groups/{ctx['body'].code}.ics", allowed=ALL),
)

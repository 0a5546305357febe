"""Cached fragments of the meeting page (agenda and panels), so a busy meeting page is cheap.

A fragment is keyed on everything that decides what it shows: the meeting's version (`updated_at`,
which every service that changes the page bumps through `meeting_touch`), the reader's time zone,
language and day, and the reader's readership as the policy sees it (RSO / member and seats / public),
role, co-chaired bodies, whether they run the meeting and whether they are one of its approved
participants. Two readers share a fragment only when the policy shows them the same thing. Fragments
hold no form and no CSRF token.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from bphub.core import policy
from bphub.meetings.models import Meeting

FRAGMENT_VERSION = "2"  # bump when a fragment's template or the data it is built from changes
FRAGMENT_SECONDS = 24 * 3600


def is_participant(user, meeting: Meeting) -> bool:
    """Is `user` an approved participant of `meeting`? Asked once per request and meeting."""
    from bphub.meetings.selectors.meetings import is_approved_participant

    if user is None:
        return False
    memo = getattr(user, "_participant_of", None)
    if memo is None:
        memo = user._participant_of = {}
    if meeting.pk not in memo:
        memo[meeting.pk] = is_approved_participant(user, meeting)
    return memo[meeting.pk]


def reader_key(user, meeting: Meeting, *, by_participation: bool) -> str:
    return "|".join(
        [
            policy.readership_key(user),
            policy.role_of(user) or "-",
            ",".join(str(pk) for pk in sorted(policy.chaired_body_ids(user))),
            "m" if policy.runs_body(user, meeting.group_id) else "-",
            "p" if by_participation and is_participant(user, meeting) else "-",
        ]
    )


# The meeting page's fragments, and whether each shows documents (read by approved participants).
PAGE_FRAGMENTS = {"agenda": True, "delegations": False, "documents": True, "outcomes": False, "actions": False}
_PREFETCHED = "_meeting_fragments_prefetched"


def fragment_key(name: str, meeting: Meeting, user, *, by_participation: bool) -> str:
    parts = [
        FRAGMENT_VERSION,
        name,
        str(meeting.pk),
        meeting.updated_at.isoformat(),
        str(timezone.get_current_timezone()),
        get_language() or "",
        timezone.localdate().isoformat(),
        reader_key(user, meeting, by_participation=by_participation),
    ]
    return "meetings:fragment:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def meeting_fragments_prefetch(meeting: Meeting, user) -> None:
    """Read the page's fragments for this reader in one cache round trip (the template tags then
    find them here instead of asking the cache one by one). Kept on the user object: one request."""
    if user is None or not hasattr(user, "__dict__"):
        return
    keys = {
        name: fragment_key(name, meeting, user, by_participation=participation)
        for name, participation in PAGE_FRAGMENTS.items()
    }
    found = cache.get_many(list(keys.values()))
    # By (meeting, name): the key is not worked out again, and the HTML is there when it was cached.
    user.__dict__[_PREFETCHED] = {(meeting.pk, name): (key, found.get(key)) for name, key in keys.items()}


def meeting_fragment(
    name: str, meeting: Meeting, user, build: Callable[[], str], *, by_participation: bool = False
) -> str:
    """The fragment `name` of `meeting` for `user`, from the cache or built now by `build()`.

    `by_participation`: the fragment shows documents, which approved participants read by a grant.
    """
    prefetched = (getattr(user, _PREFETCHED, None) or {}).get((meeting.pk, name))
    if prefetched is not None and PAGE_FRAGMENTS.get(name) == by_participation:
        key, html = prefetched
    else:
        key = fragment_key(name, meeting, user, by_participation=by_participation)
        html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, FRAGMENT_SECONDS)
    return html

"""What waits for a person in the directory, for the home's "What needs you" (`bphub.core.home`).

- a member's coordinator: their member's focal point records that are overdue or delinquent for
  review, counted by the directory's own search (so through the policy), linked to that search;
- whoever reviews a member's directory (its coordinators; the RSO for every member): the changes
  focal points proposed, waiting for review (`proposals_pending_for`, which reads only records
  the reviewer may see).
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bphub.core import policy
from bphub.core.home import OVERDUE, FirstStep, Need, tally_by_rule
from bphub.directory.models import Freshness, directory_today, freshness_filter
from bphub.directory.permissions import can_manage_member, managed_member_ids
from bphub.directory.selectors import DirectoryFilter, focal_point_search
from bphub.directory.services.proposals import proposals_pending_for

STALE_STATES = {
    Freshness.DELINQUENT: (
        "directory.records_delinquent",
        gettext_lazy("Focal point records long overdue (delinquent)"),
    ),
    Freshness.OVERDUE: ("directory.records_overdue", gettext_lazy("Focal point records overdue for review")),
}


def _own_member(user):
    """The member whose directory a coordinator keeps, or None for everyone else."""
    if not policy.is_coordinator(user) or not can_manage_member(user, user.member):
        return None
    return user.member


def stale_records(user) -> list[Need]:
    """A coordinator's member's records overdue or delinquent for review, counted by the directory's
    search (so through the policy) in one query, linked to that search filtered the same way."""
    member = _own_member(user)
    if member is None:
        return []
    rules = {state: freshness_filter(state, directory_today()) for state in STALE_STATES}
    tallies = tally_by_rule(
        focal_point_search(user, DirectoryFilter(member=member.code)), rules, due_field="review_due_on"
    )
    needs = []
    for state, (key, title) in STALE_STATES.items():
        tally = tallies[state]
        count = tally.count
        if not count:
            continue
        if count == 1:  # one record: straight to it
            url = reverse("directory:person_detail", kwargs={"person_id": tally.any_id})
        else:
            flt = DirectoryFilter(member=member.code, freshness=state)
            url = f"{reverse('directory:person_list')}?{urlencode(flt.as_params())}"
        needs.append(
            Need(
                key=key,
                title=str(title),
                count=count,
                url=url,
                due=tally.first_due,
                severity=OVERDUE,
                due_label=_("Review due since"),
            )
        )
    return needs


def proposals_to_review(user) -> list[Need]:
    """The changes focal points proposed that `user` reviews (their member's; the RSO: all)."""
    if managed_member_ids(user) == set():
        return []
    pending = proposals_pending_for(user)
    count = pending.count()
    if not count:
        return []
    url = (
        reverse("directory:proposal_detail", kwargs={"pk": pending.first().pk})
        if count == 1
        else reverse("directory:proposal_list")
    )
    return [
        Need(key="directory.proposals_to_review", title=_("Changes proposed by focal points"), count=count, url=url)
    ]


def directory_needs(user) -> list[Need]:
    return [*stale_records(user), *proposals_to_review(user)]


def directory_first_steps(user) -> list[FirstStep]:
    """A coordinator: check and import their member's directory; the RSO: its health; others who
    act for a member: search it."""
    member = _own_member(user)
    if member is not None:
        return [
            FirstStep(
                key="directory.check",
                title=_("Check your member's directory"),
                url=f"{reverse('directory:person_list')}?{urlencode({'member': member.code})}",
                text=_("See who is listed for your member and confirm or correct their records."),
                order=10,
            ),
            FirstStep(
                key="directory.import",
                title=_("Import your focal points"),
                url=reverse("directory:import_start"),
                text=_("Upload a spreadsheet of your focal points; you check a preview before anything changes."),
                order=20,
            ),
        ]
    if managed_member_ids(user) is None:  # the RSO
        return [
            FirstStep(
                key="directory.health",
                title=_("Check the directory's health"),
                url=reverse("directory:health"),
                text=_("Which members' records are overdue, and who could not be reached."),
                order=20,
            )
        ]
    if policy.acting_member_id(user) is not None:
        return [
            FirstStep(
                key="directory.search",
                title=_("Search the directory"),
                url=reverse("directory:person_list"),
                text=_("Find the focal points of every member, by name, agency, theme or working group."),
                order=40,
            )
        ]
    return []

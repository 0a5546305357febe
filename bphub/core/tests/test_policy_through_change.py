"""Need-to-know holds through change: no part of a meeting outlives a change of the meeting.

A state machine (hypothesis) changes parents the way the secretariat does — narrows or widens a
restricted meeting's release, moves a body meeting to another body, reclassifies a meeting, takes
published outcomes back, returns and re-approves delegations, deactivates and reactivates people —
and after every change asks each reader every page, list, search, count, feed and API route
(`policy_world.probe`), against an oracle written out from the policy's rules: a part is shown
to a reader only while its meeting is, and only as far as its own classification allows.

Where the services offer no way back, a rule writes the state directly and says so: outcomes are
taken back (outcomes published → held), a returned delegation is submitted again before the
RSO approves it, parts are narrowed before their meeting is, and a focal point is deactivated.

Each example runs in a savepoint rolled back at its end. Cost: BPHUB_POLICY_EXAMPLES (default 2)
examples of BPHUB_POLICY_STEPS (default 5) changes; a failure names every difference of the step.
"""

import os

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from bphub.accounts.services import user_deactivate, user_reactivate
from bphub.accounts.testing import force_login_with_mfa
from bphub.core.models import Classification
from bphub.core.tests.policy_world import build_world, new_feed_path, probe
from bphub.meetings.models import CLASSIFICATION_RANK, Delegation, Meeting
from bphub.meetings.services.common import meeting_touch
from bphub.meetings.services.delegations import delegation_approve, delegation_return
from bphub.meetings.services.lifecycle import meeting_publish_outcomes, meeting_update

EXAMPLES = int(os.environ.get("BPHUB_POLICY_EXAMPLES", "2"))
STEPS = int(os.environ.get("BPHUB_POLICY_STEPS", "5"))

# The readers whose answers a change can move (RSO staff read everything; a researcher reads as the public).
READERS = ("anon", "off_b", "off_c", "off_d", "cochair_w1", "del_c", "del_d")
PEOPLE = ("off_c", "off_d", "del_c", "del_d")  # accounts that are deactivated and reactivated
MEETINGS = ("mr", "mb", "mm")
LEVELS = [choice for choice, _label in Classification.choices]
RELEASES = st.sets(st.sampled_from("BCD"), max_size=3).map(lambda codes: "".join(sorted(codes)))


class PartsFollowTheirMeeting(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # One savepoint per example, rolled back in teardown: every example starts from the same world.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        cache.clear()
        self.world = build_world()
        self.changed_meetings: set[str] = set()
        self.changed_readers: set[str] = set()
        self.note = "the initial world"

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        cache.clear()

    # --- helpers ---------------------------------------------------------------------------
    def meeting(self, marker) -> Meeting:
        return Meeting.objects.get(pk=self.world.meetings[marker].pk)

    def members(self, codes: str) -> list:
        return [self.world.members[code] for code in codes]

    def update(self, marker, **fields) -> None:
        meeting_update(meeting=self.meeting(marker), actor=self.world.admin, **fields)
        self.changed_meetings.add(marker)

    # --- changes of a meeting --------------------------------------------------------------
    @rule(marker=st.sampled_from(MEETINGS), release=RELEASES)
    def release_restricted_meeting(self, marker, release):
        """Narrow (or widen) a restricted meeting's release, e.g. from B and C to B alone."""
        if self.meeting(marker).classification != Classification.RESTRICTED:
            return
        self.note = f"release {marker} to {release or 'its originator alone'}"
        self.update(marker, released_to=self.members(release))

    @rule(marker=st.sampled_from(MEETINGS), body=st.sampled_from(["W1", "W2"]))
    def move_body_meeting(self, marker, body):
        """A body meeting moves to another body (and with it its workspace)."""
        if self.meeting(marker).classification != Classification.BODY:
            return
        self.note = f"move {marker} to {body}"
        target = self.world.bodies[body]
        self.update(marker, body=target, group=target)

    @rule(
        marker=st.sampled_from(MEETINGS),
        level=st.sampled_from(LEVELS),
        body=st.sampled_from(["W1", "W2"]),
        release=RELEASES,
    )
    def reclassify_meeting(self, marker, level, body, release):
        """Reclassify wider or narrower. A meeting cannot be narrower than its parts: the parts wider
        than the new level are narrowed first (written directly, to that level, body and release)."""
        meeting = self.meeting(marker)
        self.note = f"reclassify {marker} {meeting.classification} -> {level} ({body}, released to {release or '-'})"
        target_body, released = self.world.bodies[body], self.members(release)
        for part in [*meeting.documents.all(), *meeting.outcomes.all(), *meeting.action_items.all()]:
            if CLASSIFICATION_RANK[part.classification] < CLASSIFICATION_RANK[level]:
                part.classification, part.body = level, target_body
                part.save(update_fields=["classification", "body"])
                part.released_to.set(released if level == Classification.RESTRICTED else [])
        self.update(marker, classification=level, body=target_body, released_to=released)

    @rule(marker=st.sampled_from(MEETINGS))
    def take_outcomes_back(self, marker):
        """Outcomes published → held. No service moves a meeting back: written directly, and the meeting
        marked changed as every meetings service does (`meeting_touch`), so cached pages are rebuilt."""
        meeting = self.meeting(marker)
        if meeting.status != Meeting.Status.OUTCOMES_PUBLISHED:
            return
        self.note = f"take the outcomes of {marker} back"
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
        meeting_touch(meeting.pk)
        self.changed_meetings.add(marker)

    @rule(marker=st.sampled_from(MEETINGS))
    def publish_outcomes(self, marker):
        meeting = self.meeting(marker)
        if meeting.status != Meeting.Status.HELD:
            return
        self.note = f"publish the outcomes of {marker}"
        meeting_publish_outcomes(meeting=meeting, actor=self.world.admin)
        self.changed_meetings.add(marker)

    # --- changes of a participant ----------------------------------------------------------
    @rule(key=st.sampled_from([("mr", "C"), ("mr", "D"), ("mb", "D")]))
    def return_or_approve_delegation(self, key):
        """Return an approved delegation; approve a returned one again (the member's new nomination
        is written directly as submitted, the RSO's approval goes through the service)."""
        delegation = Delegation.objects.get(pk=self.world.delegations[key].pk)
        if delegation.status == Delegation.Status.APPROVED:
            self.note = f"return the delegation of {key[1]} to {key[0]}"
            delegation_return(delegation=delegation, actor=self.world.admin, note="Name another head.")
        else:
            self.note = f"approve the delegation of {key[1]} to {key[0]} again"
            Delegation.objects.filter(pk=delegation.pk).update(status=Delegation.Status.SUBMITTED)
            delegation.refresh_from_db()
            delegation_approve(delegation=delegation, actor=self.world.admin)
        self.changed_meetings.add(key[0])

    @rule(reader=st.sampled_from(["del_c", "del_d"]))
    def deactivate_or_reactivate_focal_point(self, reader):
        """The directory retires a person (a merge marks the duplicate inactive): written directly."""
        person = self.world.readers[reader].user.focal_point
        person.is_active = not person.is_active
        person.save(update_fields=["is_active"])
        self.note = f"{'reactivate' if person.is_active else 'deactivate'} the focal point of {reader}"
        self.changed_meetings.update(MEETINGS)

    @rule(reader=st.sampled_from(PEOPLE))
    def deactivate_or_reactivate_account(self, reader):
        who = self.world.readers[reader]
        who.refresh()
        if who.user.is_active:
            self.note = f"deactivate {reader}"
            user_deactivate(actor=self.world.admin, user=who.user)
        else:
            self.note = f"reactivate {reader} (signs in again, makes a new feed address)"
            user_reactivate(actor=self.world.admin, user=who.user)
            who.dead_feed_paths.append(who.feed_path)
            who.refresh()
            force_login_with_mfa(who.client, who.user)
            who.feed_path = new_feed_path(who.user)
        self.changed_readers.add(reader)

    # --- the invariant ---------------------------------------------------------------------
    @invariant()
    def every_part_follows_its_meeting(self):
        problems = []
        if self.changed_meetings:
            problems += probe(self.world, readers=READERS, meeting_markers=sorted(self.changed_meetings))
        for reader in sorted(self.changed_readers):
            problems += probe(self.world, readers=[reader])
        self.changed_meetings, self.changed_readers = set(), set()
        assert not problems, f"After: {self.note}\n" + "\n".join(problems)


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    # Hundreds of API reads a minute from one address: the rate limits are not what is tested here.
    settings.API_RATE_LIMIT_ANONYMOUS = settings.API_RATE_LIMIT_TOKEN = "100000/m"


def test_parts_never_outlive_a_change_of_their_meeting(db, settings_media):
    run_state_machine_as_test(
        PartsFollowTheirMeeting,
        settings=hypothesis_settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            phases=[Phase.generate],  # no shrinking: one failing step already names every difference
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )

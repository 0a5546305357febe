"""A person's first day, per role, on the demo year: sign in with the authenticator, read the home's
"What needs you" list, follow every item to the place to act, and act on one.

The acts: the RSO approves a delegation waiting for approval; a member coordinator nominates a
delegation of their member; an official reports progress on an action item their member owns, or
prepares for a meeting their delegation goes to (reads the pack and asks for its PDF); a co-chair
reports progress on an action of their group, or approves a delegation to its meeting.
Researchers and alumni act for no member: their list is empty and says what they can do first,
and each first step opens. Every page the walk opens is also checked by axe (conftest.py).
"""

import pytest
from playwright.sync_api import expect

from e2e.first_day import (
    act_approve_delegation,
    act_nominate,
    act_prepare,
    act_report_progress,
    first_steps,
    follow,
    load_demo_year,
    read_needs,
    sign_in_with_mfa,
)

WALKS = [
    # role, demo account, what they may act on (the first that finds a place to act is taken)
    ("rso_admin", "rso.admin@demo.bphub.example", [act_approve_delegation]),
    ("rso_staff", "rso.staff@demo.bphub.example", [act_approve_delegation]),
    ("member_coordinator", "coordinator.th@demo.bphub.example", [act_nominate]),
    ("member_official", "official.id@demo.bphub.example", [act_report_progress, act_prepare]),
    ("wg_co_chair", "cochair.au@demo.bphub.example", [act_report_progress, act_approve_delegation]),
    ("researcher", "researcher@demo.bphub.example", []),
    ("alumnus", "alumnus.ph@demo.bphub.example", []),
]


@pytest.mark.parametrize(("role", "email", "acts"), WALKS, ids=[role for role, _, _ in WALKS])
def test_first_day(role, email, acts, server, page, screenshot, settings):
    # given the demo year, and the person of this role at the sign-in page
    load_demo_year(settings)

    # when they sign in with their password and authenticator code
    sign_in_with_mfa(page, server, email)

    # then the home says what needs them, each item a link with a count
    needs = read_needs(page)
    screenshot(page, f"50-first-day-{role}-home")
    assert bool(needs) == bool(acts), f"a {role} should {'' if acts else 'not '}find work waiting: {needs}"
    for need in needs:
        assert need.href and need.title and need.count, need

    # and every item leads to a page that opens
    for need in needs:
        status = follow(page, server, need)
        assert status == 200, f"{need.key} ({need.href}) answered {status}"
        expect(page.locator("main h1").first).to_be_visible()

    if not acts:
        # an empty list says what to do first, and every first step opens
        page.goto(f"{server}/")
        steps = first_steps(page)
        assert steps, f"the {role}'s empty list suggests nothing to do first"
        for title, href in steps:
            response = page.goto(f"{server}{href}" if href.startswith("/") else href)
            assert response.status == 200, f"first step {title!r} ({href}) answered {response.status}"
            expect(page.locator("main h1").first).to_be_visible()
        return

    # and they act on one
    where = None
    for act in acts:
        where = act(page, server, needs)
        if where:
            break
    assert where, f"none of the {role}'s needs led to a place to act: {[n.key for n in needs]}"
    screenshot(page, f"51-first-day-{role}-acted")

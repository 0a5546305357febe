"""A person's first day, per role, on the demo year: sign in with the authenticator, read the home's
"What needs you" list, follow every item to the place to act, and act on one.

The acts: the RSO approves a delegation waiting for approval; a member coordinator nominates a
delegation of their member; an official or a co-chair reports progress on an action item their
member owns. Researchers and alumni act for no member: their list may be empty, and then says what
they can do first. Every page the walk opens is also checked by axe (conftest.py).
"""

import pytest
from playwright.sync_api import expect

from e2e.first_day import (
    act_approve_delegation,
    act_nominate,
    act_report_progress,
    follow,
    load_demo_year,
    read_needs,
    sign_in_with_mfa,
)

WALKS = [
    # role, demo account, what they act on (None: their list may be empty, nothing to act on)
    ("rso_admin", "rso.admin@demo.bphub.example", act_approve_delegation),
    ("rso_staff", "rso.staff@demo.bphub.example", act_approve_delegation),
    ("member_coordinator", "coordinator.th@demo.bphub.example", act_nominate),
    ("member_official", "official.id@demo.bphub.example", act_report_progress),
    ("wg_co_chair", "cochair.au@demo.bphub.example", act_report_progress),
    ("researcher", "researcher@demo.bphub.example", None),
    ("alumnus", "alumnus.ph@demo.bphub.example", None),
]


@pytest.mark.parametrize(("role", "email", "act"), WALKS, ids=[role for role, _, _ in WALKS])
def test_first_day(role, email, act, server, page, screenshot, settings):
    # given the demo year, and the person of this role at the sign-in page
    load_demo_year(settings)

    # when they sign in with their password and authenticator code
    sign_in_with_mfa(page, server, email)

    # then the home says what needs them, each item a link with a count
    needs = read_needs(page)
    screenshot(page, f"50-first-day-{role}-home")
    if act is not None:
        assert needs, f"nothing needs a {role} on the demo year"
    for need in needs:
        assert need.href and need.title and need.count, need

    # and every item leads to a page that opens
    for need in needs:
        status = follow(page, server, need)
        assert status == 200, f"{need.key} ({need.href}) answered {status}"
        expect(page.locator("main h1").first).to_be_visible()

    # and they act on one
    if act is None:
        if not needs:  # an empty list says what to do first, with a link that works
            page.goto(f"{server}/")
            first_step = page.locator(".needs-empty a").first
            if first_step.count():
                first_step.click()
                expect(page.locator("main h1").first).to_be_visible()
        return
    where = act(page, server, needs)
    assert where, f"none of the {role}'s needs led to a place to act: {[n.key for n in needs]}"
    screenshot(page, f"51-first-day-{role}-acted")

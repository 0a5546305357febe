"""Helpers of the first-day walks (test_first_day.py): the demo year in the live server's database,
a real sign-in with password and authenticator code, the home's "What needs you" list as its markup
promises it, and the acts a person takes where a need leads.

The list's markup (bphub/core/templates/core/home.html):
  <section class="needs" aria-labelledby="needs-title"><h2 id="needs-title">What needs you</h2>
  <ul class="needs-list"><li class="need" data-need="KEY"><a href="URL">TITLE</a>
  <span class="need-count">COUNT</span> …</li></ul></section>, or <p class="needs-empty"> when empty,
  then <ul class="first-steps"><li><a href="URL">TITLE</a> …</li></ul>: what the person can do first.
"""

import re
from dataclasses import dataclass

from playwright.sync_api import expect

from e2e.conftest import totp_code
from e2e.test_auth_flows import sign_in_with_password

DELEGATION_PAGE = re.compile(r"/meetings/\d+/delegations/[A-Z]{2,3}/$")
ACTION_PAGE = re.compile(r"/meetings/actions/\d+/$")


def load_demo_year(settings) -> None:
    """What `make run` shows: the reference data and the demo year (accounts, directory, meetings),
    loaded for real once per process and copied back for later tests (demo_snapshot.py)."""
    from bphub.core.tests.demo_snapshot import demo_year_ensure

    settings.DEMO_MODE = True
    demo_year_ensure()


def sign_in_with_mfa(page, server: str, email: str) -> None:
    """Password, then the demo authenticator's current code, as a person signs in."""
    from bphub.demo.data import DEMO_PASSWORD, DEMO_TOTP_SECRET

    sign_in_with_password(page, server, email, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    code, _period = totp_code(DEMO_TOTP_SECRET)
    page.fill("input[name=code]", code)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{server}/")


@dataclass
class Need:
    index: int  # its place in the list (several items may share a key: one per meeting)
    key: str
    title: str
    href: str
    count: str


def read_needs(page) -> list[Need]:
    """The home's "What needs you" list, read from its markup; [] when it says nothing needs them."""
    section = page.locator("section.needs")
    expect(section).to_be_visible()
    expect(section.locator("#needs-title")).to_have_text("What needs you")
    items = section.locator("li.need")
    if items.count() == 0:
        expect(section.locator(".needs-empty")).to_be_visible()
        return []
    needs = []
    for index in range(items.count()):
        item = items.nth(index)
        link = item.locator("a").first
        count = item.locator(".need-count")
        needs.append(
            Need(
                index=index,
                key=item.get_attribute("data-need") or "",
                title=link.inner_text().strip(),
                href=link.get_attribute("href") or "",
                count=count.first.inner_text().strip() if count.count() else "",
            )
        )
    return needs


def follow(page, server: str, need: Need) -> int:
    """Click the need's link on the home page; the status of the page it leads to."""
    if page.url.rstrip("/") != server:
        page.goto(f"{server}/")
    link = page.locator("section.needs li.need").nth(need.index).locator("a").first
    with page.expect_navigation() as navigation:
        link.click()
    return navigation.value.status


def first_steps(page) -> list[tuple[str, str]]:
    """The empty list's first steps: (title, href) of each."""
    links = page.locator("section.needs .first-steps a")
    return [(links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href") or "") for i in range(links.count())]


def places(page, pattern: re.Pattern, limit: int = 8) -> list[str]:
    """Where the page the need led to leads on: itself if it matches `pattern`, else the first
    `limit` links of its main content that match (a list of delegations, of action items)."""
    here = page.url.split("?")[0].split("#")[0]
    if pattern.search(here):
        return [page.url]
    found = []
    for link in page.locator("main a[href]").all():
        href = (link.get_attribute("href") or "").split("#")[0]
        if pattern.search(href.split("?")[0]) and href not in found:
            found.append(href)
    return found[:limit]


def _go(page, server: str, href: str) -> None:
    if page.url != href and page.url != f"{server}{href}":
        page.goto(href if href.startswith("http") else f"{server}{href}")


def act_approve_delegation(page, server, needs) -> str | None:
    """RSO or co-chair: a delegation waiting for approval is approved. Returns its page, or None."""
    from bphub.meetings.models import Delegation

    for need in needs:
        follow(page, server, need)
        # The meeting's delegations, each waiting one with its own "Approve XX" button.
        on_list = page.get_by_role("button", name=re.compile(r"^Approve [A-Z]{2,3}$"))
        listed = re.search(r"/meetings/(\d+)/delegations/$", page.url.split("?")[0])
        if listed and on_list.count():
            code = on_list.first.inner_text().split()[-1]
            on_list.first.click()
            expect(page.get_by_role("button", name=f"Approve {code}")).to_have_count(0)
            delegation = Delegation.objects.get(meeting_id=int(listed.group(1)), member__code=code)
            assert delegation.status == Delegation.Status.APPROVED
            return page.url
        for href in places(page, DELEGATION_PAGE):
            _go(page, server, href)
            approve = page.get_by_role("button", name="Approve")
            if not approve.count():
                continue
            where = page.url
            before = Delegation.objects.filter(status=Delegation.Status.SUBMITTED).count()
            approve.first.click()
            expect(page.locator("main")).to_contain_text("Approved")
            assert Delegation.objects.filter(status=Delegation.Status.SUBMITTED).count() == before - 1
            return where
    return None


def act_nominate(page, server, needs) -> str | None:
    """Coordinator: a delegation of their member is nominated (a head) and sent for approval."""
    from bphub.meetings.models import Delegation

    for need in needs:
        follow(page, server, need)
        for href in places(page, DELEGATION_PAGE):
            _go(page, server, href)
            roles = page.locator("form select[name^=role_]")
            submit = page.get_by_role("button", name="Submit for approval")
            if roles.count() == 0 or not submit.count():
                continue
            where = page.url
            roles.first.select_option("head")
            submit.click()
            expect(page.locator("main")).to_contain_text("awaiting approval")
            meeting_pk, code = re.search(r"/meetings/(\d+)/delegations/([A-Z]+)/", where).groups()
            delegation = Delegation.objects.get(meeting_id=int(meeting_pk), member__code=code)
            assert delegation.status == Delegation.Status.SUBMITTED
            assert delegation.delegates.filter(role="head").exists()
            return where
    return None


def act_report_progress(page, server, needs) -> str | None:
    """Official or co-chair: progress is reported on an action item they or their member own."""
    from bphub.meetings.models import ActionItem

    for need in needs:
        follow(page, server, need)
        for href in places(page, ACTION_PAGE):
            _go(page, server, href)
            report = page.get_by_role("button", name="Add the report")
            if not report.count():
                continue
            where = page.url
            action = ActionItem.objects.get(pk=int(re.search(r"/actions/(\d+)/", where).group(1)))
            updates = action.updates.count()
            page.select_option("select[name=status]", ActionItem.Status.IN_PROGRESS)
            page.fill("textarea[name=text]", "First draft shared with the RSO for comments (first-day walk).")
            report.click()
            expect(page.locator("main")).to_contain_text("First draft shared with the RSO")
            assert action.updates.count() == updates + 1
            return where
    return None


def act_prepare(page, server, needs) -> str | None:
    """Someone whose delegation is approved: reads the meeting's pre-briefing pack and asks for its
    PDF, which the task worker then prepares (here the page only has to say so)."""
    for need in needs:
        if need.key != "meetings.meeting_to_prepare":
            continue
        follow(page, server, need)
        expect(page.locator("main")).to_contain_text("Pre-briefing pack", ignore_case=True)
        where = page.url
        page.get_by_role("link", name="Download as PDF").click()
        expect(page.locator("main")).to_contain_text("being prepared")
        return where
    return None

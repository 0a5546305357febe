"""The directory as its people use it: a coordinator imports a spreadsheet (errors first, then
fixed), a focal point follows a re-confirmation link and proposes a change, the coordinator
approves it. Through a real browser against the live server."""

import re
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

HEADER = "Full name,Name in own script,Position,Agency,E-mail,Telephone,Roles\n"
BAD_ROWS = (
    "Siti Rahma,,Director,DGI,siti.rahma@imigrasi.example,+62 21 555 0100,national\n"
    "Budi Santoso,,Analyst,DGI,not-an-email,12,som\n"
)
GOOD_ROWS = (
    "Siti Rahma,,Director,DGI,siti.rahma@imigrasi.example,+62 21 555 0100,national\n"
    "Budi Santoso,,Analyst,DGI,budi.santoso@imigrasi.example,+62 21 555 0101,som\n"
)


def signed_in_context(browser, server, user):
    """A browser context with `user` signed in past MFA (the sign-in itself is tested in test_auth_flows)."""
    from bphub.accounts.testing import force_login_with_mfa

    client = Client()
    force_login_with_mfa(client, user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": server}])
    return context


def upload(page, server, name: str, content: str):
    page.goto(f"{server}/directory/import/")
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")}
    )
    page.get_by_role("button", name="Upload and preview").click()


def test_import_fix_apply_then_reconfirm_propose_and_approve(server, browser, page, screenshot):
    from bphub.accounts.testing import create_user
    from bphub.directory.models import ChangeProposal, FocalPoint
    from bphub.directory.services.freshness import confirmation_request_send
    from bphub.directory.testing import make_agency
    from bphub.members.models import Member
    from bphub.members.services import reference_load

    reference_load()
    indonesia = Member.objects.get(code="ID")
    make_agency(indonesia, name="Directorate General of Immigration", acronym="DGI")
    coordinator = create_user("member_coordinator", member=indonesia, full_name="Ayu Lestari")
    context = signed_in_context(browser, server, coordinator)
    coordinator_page = context.new_page()
    coordinator_page.set_default_timeout(15_000)

    # 1. A file with errors: the preview names the row, the column and the reason; nothing can be applied.
    upload(coordinator_page, server, "focal-points.csv", HEADER + BAD_ROWS)
    expect(coordinator_page).to_have_url(re.compile(r"/directory/import/\d+/$"))
    main = coordinator_page.locator("main")
    expect(main).to_contain_text("E-mail")
    expect(main).to_contain_text("not-an-email")
    expect(main).to_contain_text("3")  # the spreadsheet row of Budi (the header is row 1)
    expect(coordinator_page.get_by_role("button", name="Apply this import")).to_have_count(0)
    screenshot(coordinator_page, "20-import-preview-with-errors")
    assert FocalPoint.objects.filter(member=indonesia).count() == 0

    # 2. The fixed file: two new people, applied together.
    upload(coordinator_page, server, "focal-points-fixed.csv", HEADER + GOOD_ROWS)
    expect(coordinator_page.get_by_role("button", name="Apply this import")).to_be_visible()
    screenshot(coordinator_page, "21-import-preview-clean")
    coordinator_page.get_by_role("button", name="Apply this import").click()
    expect(coordinator_page.locator("main")).to_contain_text("Siti Rahma")
    assert FocalPoint.objects.filter(member=indonesia).count() == 2
    siti = FocalPoint.objects.get(full_name="Siti Rahma")
    assert [p.number for p in siti.phones.all()] == ["+62215550100"]

    coordinator_page.goto(f"{server}/directory/?q=rahma")
    expect(coordinator_page.locator("main")).to_contain_text("Siti Rahma")
    expect(coordinator_page.locator("main")).not_to_contain_text("Budi Santoso")
    screenshot(coordinator_page, "22-directory-search")

    # 3. Siti's record is overdue: the reminder goes through the outbox with a single-use link.
    FocalPoint.objects.filter(pk=siti.pk).update(review_due_on=timezone.localdate() - timedelta(days=35))
    with transaction.atomic():
        assert confirmation_request_send(focal_point=siti) is not None
    # (Tests hand mail to Django's test outbox; the outbox's own tests deliver through real SMTP.)
    message = next(m for m in mail.outbox if m.to == ["siti.rahma@imigrasi.example"])
    link = re.search(r"https?://\S+/directory/confirm/[\w-]+/", message.body).group(0)
    link = server + link[link.index("/directory/") :]

    # 4. Siti follows the link without an account and proposes a new position.
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Siti Rahma")
    screenshot(page, "23-confirmation-link")
    page.get_by_text("Propose changes").click()
    page.get_by_label("Position", exact=False).first.fill("Director of Immigration Intelligence")
    page.get_by_role("button", name="Send my changes for review").click()
    expect(page.locator("h1")).to_have_text("Thank you")
    proposal = ChangeProposal.objects.get(focal_point=siti)
    assert proposal.status == ChangeProposal.Status.PENDING
    siti.refresh_from_db()
    assert siti.title == "Director"  # nothing changes before the review
    page.goto(link)  # single use
    expect(page.locator("main")).not_to_contain_text("Send my changes for review")

    # 5. The coordinator reviews and approves; the record shows the change and its history.
    coordinator_page.goto(f"{server}/directory/proposals/")
    coordinator_page.get_by_role("link", name=re.compile("Siti Rahma")).first.click()
    expect(coordinator_page.locator("main")).to_contain_text("Director of Immigration Intelligence")
    screenshot(coordinator_page, "24-proposal-review")
    coordinator_page.get_by_role("button", name="Approve and apply").click()
    coordinator_page.goto(f"{server}/directory/people/{siti.pk}/")
    expect(coordinator_page.locator("main")).to_contain_text("Director of Immigration Intelligence")
    screenshot(coordinator_page, "25-person-after-approval")
    siti.refresh_from_db()
    assert siti.title == "Director of Immigration Intelligence"
    assert siti.last_confirmed_via == "proposal"
    assert page.console_log.csp_violations() == [], page.console_log.messages
    context.close()

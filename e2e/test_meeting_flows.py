"""A meeting as the secretariat runs it, through a real browser against the live server:
the RSO creates a meeting and invites a working group; the member's coordinator nominates a
delegation with its note verbale; the RSO approves it, holds the meeting, records an outcome with
an action item and publishes the outcomes; the member (the action's owner) reports progress; a
pre-briefing PDF downloads and opens."""

import io
import re
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from e2e.test_directory_flows import signed_in_context


def _local(instant, zone) -> str:
    """A datetime-local input's value for `instant` on the host's clock."""
    return timezone.localtime(instant, zone).strftime("%Y-%m-%dT%H:%M")


def test_rso_runs_a_meeting_from_invitation_to_followed_up_action(server, browser, screenshot):
    import pypdf

    from bphub.accounts.testing import create_user
    from bphub.core.models import Classification
    from bphub.meetings.models import ActionItem, Delegation, Meeting
    from bphub.meetings.testing import make_person
    from bphub.members.models import Body, Member
    from bphub.members.services import reference_load

    reference_load()
    indonesia = Member.objects.get(code="ID")
    working_group = Body.objects.get(code="TIPWG")  # Australia and Indonesia hold seats today
    rso = create_user("rso_staff", full_name="Ratana RSO")
    coordinator = create_user("member_coordinator", member=indonesia, full_name="Ayu Lestari")
    official = create_user("member_official", member=indonesia, full_name="Budi Santoso")
    head = make_person(indonesia, name="Siti Rahma", user=official)
    make_person(indonesia, name="Dewi Kartika")

    # 1. The RSO creates the meeting (times typed on the host's clock) and opens it.
    rso_page = signed_in_context(browser, server, rso).new_page()
    rso_page.set_default_timeout(20_000)
    rso_page.goto(f"{server}/meetings/new/")
    from zoneinfo import ZoneInfo

    jakarta = ZoneInfo("Asia/Jakarta")
    start = (timezone.now() + timedelta(days=21)).replace(minute=0, second=0, microsecond=0)
    rso_page.fill("input[name=title_0]", "Working Group on Trafficking in Persons: 20th meeting")
    rso_page.select_option("select[name=kind]", Meeting.Kind.WORKING_GROUP)
    rso_page.select_option("select[name=group]", str(working_group.pk))
    rso_page.select_option("select[name=host]", str(indonesia.pk))
    rso_page.select_option("select[name=time_zone]", "Asia/Jakarta")
    rso_page.fill("input[name=starts_at]", _local(start, jakarta))
    rso_page.fill("input[name=ends_at]", _local(start + timedelta(hours=7), jakarta))
    rso_page.fill("input[name=nomination_deadline]", _local(start - timedelta(days=7), jakarta))
    rso_page.fill("input[name=venue]", "Bali International Convention Centre")
    rso_page.select_option("select[name=classification]", Classification.MEMBERS)
    rso_page.get_by_role("button", name="Create draft").click()
    expect(rso_page).to_have_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get(title__en="Working Group on Trafficking in Persons: 20th meeting")
    assert meeting.status == Meeting.Status.DRAFT
    assert timezone.localtime(meeting.starts_at, jakarta).hour == timezone.localtime(start, jakarta).hour

    rso_page.get_by_role("button", name="Announce").click()
    expect(rso_page.locator("main")).to_contain_text("Announced")
    rso_page.get_by_role("button", name=re.compile("Open registration")).click()
    expect(rso_page.locator("main")).to_contain_text("Registration open")

    # ... and invites the working group: one delegation per member seated on it today.
    rso_page.goto(f"{server}/meetings/{meeting.pk}/invite/")
    rso_page.select_option("select[name=b-body]", str(working_group.pk))
    rso_page.get_by_role("button", name="Invite its members").click()
    expect(rso_page.locator("main")).to_contain_text("Indonesia")
    assert set(meeting.delegations.values_list("member__code", flat=True)) >= {"AU", "ID"}
    screenshot(rso_page, "30-meeting-invited")

    # 2. Indonesia's coordinator nominates a head of delegation and a delegate, with the note verbale.
    coordinator_page = signed_in_context(browser, server, coordinator).new_page()
    coordinator_page.set_default_timeout(20_000)
    coordinator_page.goto(f"{server}/meetings/{meeting.pk}/delegations/ID/")
    people = {p.full_name: p for p in indonesia.focal_points.all()}
    coordinator_page.select_option(f"select[name=role_{people['Siti Rahma'].pk}]", "head")
    coordinator_page.select_option(f"select[name=role_{people['Dewi Kartika'].pk}]", "delegate")
    coordinator_page.locator("input[name=note_verbale]").set_input_files(
        {"name": "note-verbale.pdf", "mimeType": "application/pdf", "buffer": _pdf("Note verbale of Indonesia")}
    )
    coordinator_page.get_by_role("button", name="Submit for approval").click()
    expect(coordinator_page.locator("main")).to_contain_text("awaiting approval")
    delegation = Delegation.objects.get(meeting=meeting, member=indonesia)
    assert delegation.status == Delegation.Status.SUBMITTED
    assert delegation.note_verbale_name == "note-verbale.pdf"
    screenshot(coordinator_page, "31-delegation-nominated")

    # 3. The RSO approves the delegation.
    rso_page.goto(f"{server}/meetings/{meeting.pk}/delegations/ID/")
    rso_page.get_by_role("button", name="Approve").click()
    expect(rso_page.locator("main")).to_contain_text("Approved")
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.APPROVED

    # The day comes: the meeting has taken place (its dates move into the past).
    moved = timezone.now() - timedelta(hours=8) - meeting.starts_at
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at + moved,
        ends_at=meeting.ends_at + moved,
        nomination_deadline=meeting.nomination_deadline + moved,
    )
    rso_page.goto(f"{server}/meetings/{meeting.pk}/")
    rso_page.get_by_role("button", name="Mark as held").click()
    expect(rso_page.locator("main")).to_contain_text("Held")

    # 4. The RSO records a decision and an action for Indonesia, then publishes the outcomes.
    rso_page.goto(f"{server}/meetings/{meeting.pk}/outcomes/new/")
    rso_page.select_option("select[name=kind]", "decision")
    rso_page.fill("textarea[name=text_0]", "Members agreed to share their national referral procedures.")
    rso_page.get_by_role("button", name="Record the outcome").click()
    expect(rso_page.locator("main")).to_contain_text("national referral procedures")

    rso_page.goto(f"{server}/meetings/{meeting.pk}/actions/new/")
    rso_page.fill("input[name=title_0]", "Share Indonesia's national referral procedure")
    rso_page.check("input[name=owner_kind][value=member]")
    rso_page.select_option("select[name=owner_member]", "ID")
    rso_page.fill("input[name=due_on]", (timezone.localdate() + timedelta(days=30)).isoformat())
    rso_page.get_by_role("button", name="Record the action").click()
    expect(rso_page.locator("main")).to_contain_text("Share Indonesia")
    action = ActionItem.objects.get(meeting=meeting)
    assert action.owner_member == indonesia and action.status == ActionItem.Status.OPEN

    rso_page.goto(f"{server}/meetings/{meeting.pk}/")
    rso_page.get_by_role("button", name="Publish outcomes").click()
    expect(rso_page.locator("main")).to_contain_text("Outcomes published")
    screenshot(rso_page, "32-outcomes-published")

    # 5. Indonesia (the owner) reports progress on its action.
    official_page = signed_in_context(browser, server, official).new_page()
    official_page.set_default_timeout(20_000)
    official_page.goto(f"{server}/meetings/actions/{action.pk}/")
    official_page.select_option("select[name=status]", ActionItem.Status.IN_PROGRESS)
    official_page.fill("textarea[name=text]", "Draft procedure shared with the RSO for comments.")
    official_page.get_by_role("button", name="Add the report").click()
    expect(official_page.locator("main")).to_contain_text("Draft procedure shared with the RSO")
    action.refresh_from_db()
    assert action.status == ActionItem.Status.IN_PROGRESS
    assert action.updates.get().author == official
    screenshot(official_page, "33-action-updated")

    # 6. The head of delegation downloads the pre-briefing pack as a PDF, and it opens: the task
    # worker makes it (here one batch of the worker, run by the test) while the page waits for it.
    official_page.goto(f"{server}/meetings/{meeting.pk}/pre-briefing/")
    expect(official_page.locator("main")).to_contain_text("Share Indonesia")
    official_page.get_by_role("link", name=re.compile("PDF")).first.click()
    expect(official_page.locator("main")).to_contain_text("is being prepared")
    screenshot(official_page, "34-prebriefing-pdf-being-prepared")
    with official_page.expect_download(timeout=60_000) as download_info:
        call_command("worker", "--batch", "--interval", "0", verbosity=0)
    expect(official_page.locator("main")).to_contain_text("The PDF is ready")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = pypdf.PdfReader(io.BytesIO(open(download.path(), "rb").read()))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "20th meeting" in text
    assert "Share Indonesia" in text
    assert head.full_name  # the head's record stays the one person record linked to the account


def _pdf(text: str) -> bytes:
    from bphub.demo.meetings import demo_pdf

    return demo_pdf([text])

"""The meetings pages fit the screen they are read on: at 390 px (a phone) and at 1280 px no page is
wider than the window, and in the pre-briefing pack the "Overdue" badge never covers the due date
nor a border the first letter of an action's title."""

from datetime import timedelta

from django.utils import timezone

from e2e.test_directory_flows import signed_in_context

FITS = "document.documentElement.scrollWidth <= window.innerWidth"
BOX = "element => { const r = element.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _meeting_with_everything():
    """A numbered meeting of a working group with an agenda, documents, overdue and open actions
    with long titles, and an approved delegation; returns (meeting, official of a member)."""
    from bphub.accounts.testing import create_user
    from bphub.core.models import Classification
    from bphub.meetings.models import Delegation, Meeting
    from bphub.meetings.testing import (
        make_action,
        make_agenda,
        make_delegation,
        make_document,
        make_meeting,
        make_person,
        make_series,
    )
    from bphub.members.models import Body, Member
    from bphub.members.services import reference_load

    reference_load()
    indonesia = Member.objects.get(code="ID")
    group = Body.objects.get(code="TIPWG")
    series = make_series(code="tipwg-test", name="Working Group on Trafficking in Persons meeting", group=group)
    previous = make_meeting(
        title="19th Working Group on Trafficking in Persons meeting",
        series=series,
        number=19,
        group=group,
        host=indonesia,
        starts_at=timezone.now() - timedelta(days=120),
        status=Meeting.Status.OUTCOMES_PUBLISHED,
        classification=Classification.MEMBERS,
    )
    meeting = make_meeting(
        title="20th Working Group on Trafficking in Persons meeting",
        series=series,
        number=20,
        group=group,
        host=indonesia,
        days=2,
        venue="Bali International Convention Centre, Nusa Dua (Room Melati and the plenary hall)",
        online_url="https://meet.example/a-very-long-online-meeting-link-that-should-wrap-rather-than-overflow",
        classification=Classification.MEMBERS,
        description={"en": "The working group reviews progress on its forward work plan and agrees next steps."},
    )
    make_agenda(meeting, sessions=3, items_per_session=3)
    make_document(meeting, title="Annotated agenda of the twentieth meeting of the working group", is_key=True)
    long_title = "Compile members' national referral procedures for victims of trafficking into one regional guide"
    make_action(previous, title=long_title, owner_member=indonesia, due_on=timezone.localdate() - timedelta(days=9))
    make_action(previous, title="Share the national data on returns", owner_member=indonesia)
    make_action(meeting, title="Circulate the revised draft guidance note", owner_body=group)
    make_delegation(
        meeting, indonesia, status=Delegation.Status.APPROVED, people=[make_person(indonesia, name="Siti Rahma")]
    )
    official = create_user("member_official", member=indonesia, full_name="Budi Santoso")
    return meeting, official


def test_meetings_pages_fit_a_phone_and_the_pack_draws_nothing_over_the_text(server, browser, screenshot):
    from bphub.accounts.testing import create_user

    meeting, official = _meeting_with_everything()
    rso = create_user("rso_staff", full_name="Ratana RSO")
    paths = {
        "meetings-list": "/meetings/",
        "meeting": f"/meetings/{meeting.pk}/",
        "actions": "/meetings/actions/",
        "pack": f"/meetings/{meeting.pk}/pre-briefing/",
        "slots": f"/meetings/{meeting.pk}/slots/",
    }
    for user in (rso, official):
        context = signed_in_context(browser, server, user)
        page = context.new_page()
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in paths.items():
                if name == "slots" and user is official:
                    continue  # only those who run the meeting find a time
                response = page.goto(server + path)
                assert response.status == 200, (path, response.status)
                assert page.evaluate(FITS), (
                    user.role,
                    width,
                    path,
                    page.evaluate("document.documentElement.scrollWidth"),
                )
                if user is official:
                    screenshot(page, f"meetings-{name}-{width}")
            # The overdue action of the pack: the badge beside (or under) the date, the title clear of the border.
            page.goto(server + paths["pack"])
            row = page.locator("table.pack-actions tr.overdue").first
            date_box = row.locator("time").evaluate(BOX)
            badge_box = row.locator(".badge.overdue").evaluate(BOX)
            assert not _overlap(date_box, badge_box), (width, date_box, badge_box)
            cell = row.locator("td").first
            border = float(cell.evaluate("element => parseFloat(getComputedStyle(element).borderLeftWidth)"))
            assert cell.locator("a").evaluate(BOX)[0] >= cell.evaluate(BOX)[0] + border, width
        context.close()

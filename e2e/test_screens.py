"""The pages people read most, on a desk (1280 px) and on a phone (390 px), on the demo year:
screenshots saved under e2e/screenshots/, and each checked for what a reader would notice
(e2e/layout.py): nothing wider than the screen, no text drawn over other text or a control.
axe checks every one of them as well (conftest.py)."""

import time

from django.urls import reverse

from e2e.conftest import SCREENSHOTS
from e2e.first_day import load_demo_year
from e2e.layout import layout_problems
from e2e.test_directory_flows import signed_in_context

WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
MAX_HEIGHT = 4000  # px of a page kept in its screenshot: enough to see, small enough to take fast


def _screenshot(page, name: str) -> None:
    height = min(page.evaluate("() => document.documentElement.scrollHeight"), MAX_HEIGHT)
    width = page.viewport_size["width"]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
    )


def _pages():
    """(name, account or None for a visitor, path): the home of a coordinator, the pack and the action
    items of an official, the rest as the RSO reads them."""
    from bphub.meetings.models import Meeting

    meeting = Meeting.objects.filter(series__code="som", status=Meeting.Status.REGISTRATION_OPEN).first()
    meeting = meeting or Meeting.objects.exclude(status=Meeting.Status.DRAFT).order_by("starts_at").last()
    rso = "rso.staff@demo.bphub.example"
    return [
        ("home", "coordinator.th@demo.bphub.example", "/"),
        ("meeting", rso, reverse("meetings:meeting_detail", kwargs={"pk": meeting.pk})),
        ("pack", "official.id@demo.bphub.example", reverse("meetings:prebriefing", kwargs={"pk": meeting.pk})),
        ("directory-search", rso, reverse("directory:person_list") + "?q=som"),
        ("coverage", rso, reverse("directory:coverage")),
        ("network", rso, reverse("directory:network")),
        # Found too wide on the first day (issue 11): checked at both widths too.
        ("actions", "official.id@demo.bphub.example", reverse("meetings:action_list")),
        ("exchange", rso, reverse("knowledge:resource_list")),
        ("health", rso, reverse("directory:health")),
        ("login", None, reverse("account_login")),
    ]


def test_key_pages_fit_a_desk_and_a_phone(server, browser, settings):
    from bphub.accounts.models import User

    # given the demo year
    load_demo_year(settings)
    pages = _pages()
    problems = []
    for width, viewport in WIDTHS.items():
        contexts = {}
        for name, email, path in pages:
            # when the page is opened at this width
            if email not in contexts:
                if email is None:
                    context = browser.new_context(viewport=viewport, locale="en-GB")
                else:
                    context = signed_in_context(browser, server, User.objects.get(email=email))
                contexts[email] = context.new_page()
                contexts[email].set_viewport_size(viewport)
            page = contexts[email]
            started = time.perf_counter()
            response = page.goto(f"{server}{path}")
            assert response.status == 200, f"{name} ({path}) answered {response.status}"
            if name == "network":
                page.wait_for_load_state("networkidle")  # the graph is drawn from data it fetches
            _screenshot(page, f"40-{name}-{width}")
            # then it fits the screen and no text is drawn over anything
            found = layout_problems(page, desk=width >= 1024)
            problems += [f"{name} at {width}px ({path}): {problem}" for problem in found]
            print(f"{name} at {width}px: {time.perf_counter() - started:.1f} s")
        for page in contexts.values():
            page.context.close()
    assert not problems, "\n".join(problems)

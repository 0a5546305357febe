"""Directory, sign-in and exchange pages keep to the screen: the network view stays within the
window with labelled nodes, nothing is wider than a phone, and the health table fits a laptop."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from e2e.conftest import PASSWORD, ConsoleLog

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def directory():
    """Indonesia with a directory of the size a member has (agencies, about 40 people, roles)."""
    from bphub.core.models import Classification
    from bphub.directory.models import RoleKind
    from bphub.directory.testing import make_agency, make_focal_point
    from bphub.members.models import Body, Member, Theme
    from bphub.members.services import reference_load

    reference_load()
    indonesia = Member.objects.get(code="ID")
    groups = list(Body.objects.filter(kind=Body.Kind.WORKING_GROUP).order_by("code"))
    themes = list(Theme.objects.order_by("code")[:6])
    agencies = [
        make_agency(indonesia, name=f"Directorate {acronym}", acronym=acronym, themes=themes[n % 6 : n % 6 + 2],
                    classification=Classification.PUBLIC)
        for n, acronym in enumerate(["KEMLU", "IMIGRASI", "POLRI", "BAKAMLA", "KEMNAKER", "KEMENSOS"])
    ]
    for n in range(40):
        roles = [{"kind": RoleKind.WORKING_GROUP, "body": groups[n % len(groups)], "theme": None}] if n % 3 == 0 else []
        make_focal_point(
            indonesia,
            full_name=f"Siti Rahmawati {n:02d}",
            agency=agencies[n % len(agencies)],
            emails=[f"siti.rahmawati.{n:02d}@directorate-general.imigrasi.example"],
            roles=roles,
            classification=Classification.PUBLIC,
        )
    return indonesia


def _signed_in(browser, server, user, viewport):
    from bphub.accounts.testing import force_login_with_mfa

    client = Client()
    force_login_with_mfa(client, user)
    context = browser.new_context(viewport=viewport, locale="en-GB")
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": server}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_log = ConsoleLog(page)
    return context, page


def _page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_the_network_view_keeps_to_the_window_and_labels_its_nodes(server, browser, directory, screenshot):
    from bphub.accounts.testing import create_user

    # given an official of Indonesia on a laptop
    official = create_user("member_official", member=directory)
    context, page = _signed_in(browser, server, official, LAPTOP)
    try:
        # when they open the network view
        page.goto(f"{server}/directory/network/")

        # then it is Indonesia's network, drawn (a canvas), with the tools to zoom, and the page stays short
        expect(page.locator("h1")).to_have_text("Network: Indonesia (ID)")
        expect(page.locator("#network-graph canvas").first).to_be_attached()
        expect(page.locator("#network-tools")).to_be_visible()
        screenshot(page, "30-network-member-1280")
        height = page.evaluate("() => document.documentElement.scrollHeight")
        assert height < 3000, f"the network page is {height}px tall"
        assert _page_width(page) <= LAPTOP["width"]
        # the graph's nodes carry the labels people use: the member code, agency acronyms, names
        labels = page.evaluate(
            "() => fetch(document.getElementById('network-graph').dataset.url).then(r => r.json())"
            ".then(d => d.nodes.map(n => n.data.label))"
        )
        assert {"ID", "POLRI", "Siti Rahmawati 00"} <= set(labels)
        # the table is there for keyboard and screen-reader users, one click away
        page.get_by_text("Show the same members, agencies, focal points and roles as tables").click()
        expect(page.locator("table.network").first).to_be_visible()
        assert page.console_log.csp_violations() == [], page.console_log.messages
    finally:
        context.close()


def test_directory_pages_fit_a_phone_and_the_health_table_fits_a_laptop(server, browser, directory, screenshot):
    from bphub.accounts.testing import create_user

    rso = create_user("rso_staff")
    for name, viewport in (("390", PHONE), ("1280", LAPTOP)):
        context, page = _signed_in(browser, server, rso, viewport)
        try:
            for slug, path in (
                ("directory-search", "/directory/?member=ID"),
                ("directory-health", "/directory/health/"),
                ("directory-coverage", "/directory/coverage/"),
                ("network", "/directory/network/?scope=member:ID"),
                ("exchange", "/exchange/"),
                ("members", "/members/"),
            ):
                page.goto(f"{server}{path}")
                expect(page.locator("h1")).to_be_visible()
                screenshot(page, f"31-{slug}-{name}", full_page=False)
                width = _page_width(page)
                assert width <= viewport["width"], f"{path} is {width}px wide on a {viewport['width']}px screen"
            if viewport is LAPTOP:
                # The health table shows every column without scrolling sideways.
                page.goto(f"{server}/directory/health/")
                wrap = page.locator("table.health").locator("xpath=..")
                overflow = wrap.evaluate("el => el.scrollWidth - el.clientWidth")
                assert overflow <= 0, f"the health table is cut off by {overflow}px at 1280"
                # ... with room to spare for wider fonts and longer translations (a fifth of the width)
                narrowest = page.locator("table.health").evaluate(
                    "t => { t.style.width = 'min-content'; const w = t.getBoundingClientRect().width;"
                    " t.style.width = ''; return w; }"
                )
                available = wrap.evaluate("el => el.clientWidth")
                assert narrowest <= 0.8 * available, f"the health table needs {narrowest}px of {available}px"
        finally:
            context.close()


def test_emails_break_only_between_their_parts(server, browser, directory):
    from bphub.accounts.testing import create_user

    rso = create_user("rso_staff")
    context, page = _signed_in(browser, server, rso, PHONE)
    try:
        page.goto(f"{server}/directory/?member=ID")
        cell = page.locator("td.email a").first
        expect(cell).to_be_visible()
        # Each line of a wrapped address ends at "@", "." or the end: never inside a word.
        lines = cell.evaluate(
            """el => {
                // The address's characters, line by line as drawn (it is several text nodes: <wbr>).
                const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), range = document.createRange();
                const out = [];
                let line = "", last = null, node;
                while ((node = walker.nextNode())) {
                    for (let i = 0; i < node.textContent.length; i++) {
                        range.setStart(node, i); range.setEnd(node, i + 1);
                        const top = Math.round(range.getBoundingClientRect().top);
                        if (last !== null && top !== last) { out.push(line); line = ""; }
                        line += node.textContent[i]; last = top;
                    }
                }
                out.push(line);
                return out;
            }"""
        )
        assert "".join(lines) == "siti.rahmawati.00@directorate-general.imigrasi.example"
        assert len(lines) > 1, "the address was expected to wrap on a phone"
        for line, following in zip(lines, lines[1:], strict=False):
            assert line.endswith(("@", "-")) or following.startswith("."), lines
    finally:
        context.close()


def test_sign_in_pages_fit_a_phone_and_say_sign_in(server, browser, screenshot):
    from bphub.accounts.testing import create_user

    user = create_user("member_official", email="ayu.lestari@kementerian-luar-negeri.example")
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{server}/accounts/login/")
        assert _page_width(page) <= PHONE["width"]
        # a wrong password: the error on the styled page
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", "not the passphrase")
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator(".msg.error")).to_be_visible()
        # styled as the site's alerts are (a coloured bar), not bare text
        border = page.locator(".msg.error").evaluate("el => getComputedStyle(el).borderLeftWidth")
        assert border == "4px", border
        screenshot(page, "32-login-error-390", full_page=False)
        assert _page_width(page) <= PHONE["width"]
        # the right one: the code page, styled, "Sign in"
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        expect(page.locator("h1")).to_have_text("Sign in")
        expect(page.get_by_label("Authenticator code")).to_be_focused()
        screenshot(page, "33-mfa-code-390", full_page=False)
        assert "Sign In" not in page.content()
        assert _page_width(page) <= PHONE["width"]
    finally:
        context.close()

"""What an anonymous visitor sees: the public home page, the members list, another language."""

import re
from pathlib import Path

from playwright.sync_api import expect

ID_CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "id" / "LC_MESSAGES" / "django.mo"


def test_anonymous_visitor_sees_the_home_page_and_the_members_list(server, page, screenshot):
    from bphub.members.services import reference_load

    reference_load()
    page.goto(f"{server}/")
    expect(page.locator("h1")).to_have_text("The Bali Process coordination hub")
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    # The stylesheet loaded and applied: the header bar has the brand colour, not the default.
    header_background = page.locator("header.top").evaluate("el => getComputedStyle(el).backgroundColor")
    assert header_background == "rgb(11, 93, 122)", header_background
    assert page.evaluate("() => typeof window.htmx") == "object", "htmx.min.js did not load"
    screenshot(page, "05-home-anonymous")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members & bodies").click()
    expect(page).to_have_url(f"{server}/members/")
    expect(page.locator("main")).to_contain_text("Australia")
    screenshot(page, "06-members-anonymous")
    assert page.console_log.csp_violations() == [], page.console_log.messages


def test_language_switcher_turns_the_site_indonesian(server, page, screenshot):
    page.goto(f"{server}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language").select_option(label="Bahasa Indonesia")
    page.locator("form.lang button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    if ID_CATALOGUE.exists():
        # With the Indonesian catalogue compiled, the navigation reads in Indonesian.
        nav = page.get_by_role("navigation").first
        expect(nav).not_to_contain_text("Members & bodies")
        expect(page.locator("main h1")).not_to_have_text("The Bali Process coordination hub")
    screenshot(page, "07-home-indonesian")
    # The choice sticks for the next page too.
    page.goto(f"{server}/members/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert page.console_log.csp_violations() == [], page.console_log.messages


def test_home_page_fits_a_phone(server, browser, screenshot):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(f"{server}/")
        expect(page.locator("h1")).to_be_visible()
        screenshot(page, "08-home-mobile-390")
        # Nothing wider than the screen: no sideways scrolling on a phone.
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= 390, f"the page is {scroll_width}px wide on a 390px screen"
        page.goto(f"{server}/accounts/login/")
        screenshot(page, "09-login-mobile-390")
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= 390, f"the login page is {scroll_width}px wide on a 390px screen"
    finally:
        context.close()


def test_no_content_security_policy_violations_on_public_pages(server, page):
    for path in ("/", "/accounts/login/", "/members/"):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("load")
    assert page.console_log.csp_violations() == [], page.console_log.messages
    assert not [m for m in page.console_log.messages if m.startswith(("error", "pageerror"))], page.console_log.messages


def test_the_login_page_asks_nothing_unexpected_of_the_browser(server, page):
    response = page.goto(f"{server}/accounts/login/")
    assert re.search(r"default-src 'self'", response.headers.get("content-security-policy", ""))
    assert response.headers.get("x-frame-options") == "DENY"


# The budget for a cold load of the login page: HTML + CSS + JS, compressed, ≤ 60 KB.
LOGIN_PAGE_BUDGET = 60 * 1024


def test_login_page_cold_load_weighs_at_most_60_kb_compressed(server, page):
    """Bytes a production server would send for a first visit to the login page.

    Method: Chromium loads the page with an empty cache and every response is recorded.
    - HTML comes through GZipMiddleware exactly as in production (Chromium sends
      Accept-Encoding), so its encoded body size is read from the browser (request.sizes()).
    - Static files (CSS, JS, icon) are served uncompressed by the test server's static handler,
      whereas production serves whitenoise's precompressed copies. Each body is compressed here
      with whitenoise's own compressor (gzip level 9, and brotli), and the gzip size is counted:
      every browser takes gzip, brotli is smaller still, so this is the upper bound.
    - Response headers are counted as the browser measured them.
    """
    from whitenoise.compress import Compressor

    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{server}/accounts/login/", wait_until="load")
    page.wait_for_load_state("networkidle")

    rows, total, total_brotli = [], 0, 0
    for response in responses:
        sizes = response.request.sizes()
        body = response.body() if response.status == 200 else b""
        if response.request.resource_type == "document":
            assert response.headers.get("content-encoding") == "gzip", "HTML is not compressed"
            compressed = brotli_size = sizes["responseBodySize"]
        else:
            compressed = len(Compressor.compress_gzip(body))
            brotli_size = len(Compressor.compress_brotli(body))
        sent = compressed + sizes["responseHeadersSize"]
        total += sent
        total_brotli += brotli_size + sizes["responseHeadersSize"]
        rows.append(
            f"{response.request.resource_type:10} {len(body):7} raw {compressed:7} gzip {brotli_size:7} br "
            f"{sizes['responseHeadersSize']:5} hdr  {response.url}"
        )
    report = "\n".join(rows) + f"\ntotal {total} bytes gzip ({total_brotli} brotli), budget {LOGIN_PAGE_BUDGET}"
    print(report)
    kinds = {response.request.resource_type for response in responses}
    assert {"document", "stylesheet", "script"} <= kinds, report
    assert total <= LOGIN_PAGE_BUDGET, report

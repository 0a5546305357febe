"""Signing in as a person does: password, authenticator enrolment, recovery codes, TOTP."""

import re

from playwright.sync_api import expect

from e2e.conftest import PASSWORD, totp_code


def sign_in_with_password(page, server, email, password=PASSWORD):
    page.goto(f"{server}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()


def test_first_sign_in_enrols_the_authenticator_then_signs_in_with_totp(server, page, screenshot):
    from bphub.accounts.testing import create_user

    user = create_user(mfa=False, full_name="Ayu Lestari", email="ayu@example.org")

    page.goto(f"{server}/accounts/login/")
    expect(page.locator("input[name=login]")).to_be_visible()
    screenshot(page, "01-login")
    login_console = page.console_log.csp_violations()

    sign_in_with_password(page, server, user.email)
    # No authenticator yet: every page sends the person to enrol one, straight away (the password
    # of a moment ago is not asked for again).
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    screenshot(page, "02-mfa-setup")

    code, first_period = totp_code(secret)
    page.fill("input[name=code]", code)
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    screenshot(page, "03-recovery-codes")
    # Checked at the end, so that one wrong step still lets the rest of the flow be tried.
    problems = []
    field = page.locator("#recovery_codes")
    codes = field.input_value().split() if field.count() else []
    if len(codes) != 10:
        shown = page.locator("main").inner_text()
        problems.append(f"the recovery codes page shows {len(codes)} codes, not 10: {shown!r}")
    # The codes are shown once: the page holds the person until they say they saved them.
    if page.locator("#codes_saved").count():
        page.check("#codes_saved")
    page.goto(f"{server}/")
    expect(page.locator("h1")).to_have_text("Welcome, Ayu Lestari")
    screenshot(page, "04-home-signed-in")
    assert page.console_log.csp_violations() == [] and login_console == [], page.console_log.messages

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # Second sign-in: password, then a code from a later period (a code works only once).
    sign_in_with_password(page, server, user.email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    code, _ = totp_code(secret, not_before_period=first_period)
    page.fill("input[name=code]", code)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{server}/")
    expect(page.locator("h1")).to_have_text("Welcome, Ayu Lestari")
    assert page.console_log.csp_violations() == [], page.console_log.messages
    assert problems == []


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(server, page):
    from bphub.accounts.testing import create_user

    user = create_user(email="wrong@example.org")
    sign_in_with_password(page, server, user.email, password="not the passphrase at all")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("main")).to_contain_text("not correct")
    expect(page.locator("input[name=login]")).to_have_value(user.email)
    assert page.console_log.csp_violations() == [], page.console_log.messages

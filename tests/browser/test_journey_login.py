"""Logging in safely, in a real browser: wrong passwords block the login for a while; a diensthoofd
sets up her authenticator app at the first login and gives its code at the next.

Screenshots land in test-artifacts/journey-login/."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.helpers import give_second_factor, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-login")


def test_wrong_passwords_block_the_login_and_the_head_gives_a_second_factor(page, live_server, world, shot):
    page.goto("/login/")
    for attempt in range(1, 6):
        page.get_by_label("E-mailadres").fill(world.alice.email)
        page.get_by_label("Wachtwoord").fill(f"geraden-{attempt}")
        page.get_by_role("button", name="Aanmelden").click()
        if attempt < 5:
            expect(page.get_by_text("Dit e-mailadres en wachtwoord horen niet bij elkaar")).to_be_visible()
    expect(page.get_by_role("heading", name="Aanmelden tijdelijk geblokkeerd")).to_be_visible()
    expect(page.get_by_text("5 keer fout")).to_be_visible()
    shot(page, "locked-out")

    # The diensthoofd's first login: the app is set up before anything else opens.
    page.goto("/login/")
    page.get_by_label("E-mailadres").fill(world.hilde.email)
    page.get_by_label("Wachtwoord").fill("een-sterk-wachtwoord-42")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_text("Je rol werkt met alles wat het OCMW bewaart")).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()
    shot(page, "set-up-the-app")
    page.get_by_label("Code").fill("123456")
    page.get_by_role("button", name="Inschakelen").click()
    expect(page.get_by_text("Deze code klopt niet")).to_be_visible()
    TOTPDevice.objects.filter(user=world.hilde).update(throttling_failure_timestamp=None,
                                                       throttling_failure_count=0)  # a moment later
    give_second_factor(page, world.hilde)
    expect(page.get_by_text("Tweestapsverificatie staat aan")).to_be_visible()
    expect(page.get_by_role("heading", name="Je team vandaag")).to_be_visible()
    shot(page, "home-after-set-up")
    assert TOTPDevice.objects.get(user=world.hilde).confirmed

    # The next login asks the code from the app.
    page.get_by_role("button", name="Afmelden").click()
    log_in(page, world.hilde, shot)
    expect(page.get_by_role("heading", name="Je team vandaag")).to_be_visible()


def test_a_reopened_browser_does_not_resume_the_previous_persons_session(browser, page, world):
    """Issue 16, finding 5: the cookie carried an expiry (the inactivity refresh), so on a shared PC
    a browser closed and reopened within 30 minutes was still logged in as the previous person."""
    log_in(page, world.alice)
    page.goto("/clienten/")
    expect(page.get_by_role("heading", name="Mijn caseload")).to_be_visible()
    cookies = page.context.cookies()
    assert {cookie["name"] for cookie in cookies} >= {"sessionid"}
    # What a browser keeps when it is closed: only cookies with an expiry of their own.
    kept = [cookie for cookie in cookies if cookie["expires"] != -1]
    assert all(cookie["name"] != "sessionid" for cookie in kept)
    reopened = browser.new_context(base_url=page.url.split("/clienten/")[0], locale="nl-BE")
    reopened.add_cookies(kept)
    again = reopened.new_page()
    again.goto("/clienten/")
    expect(again.get_by_role("heading", name="Aanmelden")).to_be_visible()
    reopened.close()

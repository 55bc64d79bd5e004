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

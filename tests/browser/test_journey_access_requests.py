"""Separation of duties, in a real browser: the beheerder adds a diensthoofd, which waits; the
diensthoofd approves it on her phone, and the account log shows who did what.

Screenshots land in test-artifacts/journey-access-requests/."""

import pytest
from playwright.sync_api import expect

from organisations.models import User
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-access-requests")


def test_the_beheerder_asks_and_the_diensthoofd_approves_on_her_phone(page, world, shot):
    log_in(page, world.bea)
    page.get_by_role("link", name="Nieuwe gebruiker").click()
    page.get_by_label("E-mailadres").fill("karel@example.be")
    page.get_by_label("Voornaam").fill("Karel")
    page.get_by_label("Achternaam").fill("Peeters")
    page.get_by_label("Rol").select_option("diensthoofd")
    shot(page, "new-head")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Wacht op goedkeuring door een diensthoofd")).to_be_visible()
    expect(page.get_by_role("heading", name="Wacht op een diensthoofd")).to_be_visible()
    shot(page, "waiting")
    assert not User.objects.get(email="karel@example.be").is_active
    page.get_by_role("button", name="Afmelden").click()

    log_in(page, world.hilde)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    expect(page.get_by_text("1 aanvraag voor toegang tot dossiers wacht op jouw goedkeuring")).to_be_visible()
    shot(page, "home-phone")
    page.get_by_role("link", name="Goedkeuren of weigeren").click()
    expect(page.get_by_role("strong").filter(has_text="Karel Peeters")).to_be_visible()
    shot(page, "requests-phone")
    page.get_by_role("button", name="Goedkeuren").click()
    expect(page.get_by_role("alert")).to_contain_text("Goedgekeurd: een nieuwe account voor Karel Peeters")
    expect(page.get_by_text("Er wacht niets op goedkeuring.")).to_be_visible()
    log = page.get_by_role("list").last
    expect(log.get_by_text("Aanvraag goedgekeurd: een nieuwe account")).to_be_visible()
    expect(log.get_by_text("Account aangemaakt: diensthoofd")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "approved-phone")
    assert User.objects.get(email="karel@example.be").is_active

"""The navigation's search box searches as one types, on a desktop and on a phone, and matching
says why nobody can be proposed: a counsellor types a few letters, opens the client from the list,
and reads on a full workplace's page that its places are taken.

Screenshots land in test-artifacts/journey-live-search/."""

import pytest
from playwright.sync_api import expect

from employers.models import Workplace
from tests.browser.helpers import log_in
from tests.factories import ClientFactory
from trajectories.models import Placement

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-live-search")


def search_box(page):
    return page.get_by_role("searchbox", name="Zoek cliënten, werkgevers en werkposten")


def test_the_search_box_answers_as_one_types(page, live_server, world, shot):
    log_in(page, world.alice)
    search_box(page).press_sequentially("benal", delay=60)
    results = page.locator("#nav-search-list")
    expect(results.get_by_role("link", name="Benali, Fatima")).to_be_visible()
    expect(results.get_by_role("link", name="Alle resultaten voor “benal” (1)")).to_be_visible()
    shot(page, "desktop-list")
    search_box(page).press("ArrowDown")
    expect(results.get_by_role("link", name="Benali, Fatima")).to_be_focused()
    page.keyboard.press("Escape")
    expect(results).to_have_count(0)
    search_box(page).press_sequentially("x")
    expect(page.locator("#nav-search-results")).to_contain_text("Niets gevonden voor “benalx”.")

    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_role("button", name="Menu").click()
    search_box(page).press_sequentially("benal", delay=60)
    expect(results.get_by_role("link", name="Benali, Fatima")).to_be_visible()
    box = results.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-list")
    results.get_by_role("link", name="Benali, Fatima").click()
    expect(page.get_by_role("heading", name="Fatima Benali")).to_be_visible()


def test_a_full_workplace_says_why_nobody_is_proposed(page, live_server, world, shot):
    workplace = Workplace.objects.create(employer=world.employer, function="orderpicker", hours_per_week=19,
                                         postcode="8930")
    Placement.objects.filter(trajectory=world.trajectory).update(workplace=workplace)  # its one place
    ClientFactory(organisation=world.menen, counsellor=world.alice, first_name="Jonas", last_name="Declercq")
    log_in(page, world.alice)
    page.goto(world.employer.get_absolute_url())
    expect(page.get_by_text("volzet", exact=True)).to_be_visible()
    page.get_by_role("link", name="Kandidaten zoeken").click()
    expect(page.locator("#why-no-proposal")).to_have_text(
        "Hier kan nu niemand voorgesteld worden: de enige plaats is bezet. De rangschikking is ter informatie.")
    expect(page.get_by_role("link", name="Declercq, Jonas")).to_be_visible()
    expect(page.get_by_role("button", name="Werkplek voorstellen")).to_have_count(0)
    shot(page, "full-workplace")
    page.goto(f"/clienten/{world.client.pk}/werkposten/")
    expect(page.locator("#why-none")).to_contain_text("Werkt al in een lopende tijdelijke werkervaring (TWE)")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "busy-client-phone")

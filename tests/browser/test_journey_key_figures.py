"""The diensthoofd reads the key figures of a year (people counted once, the activation rate) and
opens the leefloners in activation behind the rate; on a phone the definitions fold open; the
schepen reads the same key figures with the small ones hidden.

Screenshots land in test-artifacts/journey-key-figures/."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.test_yearly_figures_v2 import year_2024  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-key-figures")


def test_the_head_opens_the_activation_rate_and_the_schepen_sees_it_protected(
        page, live_server, world, year_2024, shot):  # noqa: F811 (the fixture)
    log_in(page, world.hilde)
    page.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    page.get_by_label("Jaar").select_option("2024")
    page.get_by_role("button", name="Tonen").click()
    key_figures = page.get_by_role("region", name="Kerncijfers 2024: personen, elk één keer geteld")
    expect(key_figures).to_contain_text("36 %")
    expect(key_figures).to_contain_text("Activeringsgraad")
    shot(page, "dashboard")

    key_figures.get_by_role("link", name="4", exact=True).click()
    expect(page.get_by_role("heading", name="Leefloners van 2024 in activering")).to_be_visible()
    expect(page.get_by_text("4 rijen achter dit cijfer.")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("tbody")).to_contain_text("Niets")  # in activation by her trajectory
    shot(page, "in-activation")

    page.set_viewport_size({"width": 390, "height": 844})
    page.go_back()
    key_figures = page.get_by_role("region", name="Kerncijfers 2024: personen, elk één keer geteld")
    key_figures.get_by_text("Hoe deze cijfers geteld worden").click()
    definitions = key_figures.locator("details")
    expect(definitions.get_by_text("Van de leefloners van het jaar, wie in het jaar een traject")).to_be_visible()
    shot(page, "phone-definitions")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, world.sam)
    page.goto("/overzicht/?jaar=2024")
    key_figures = page.get_by_role("region", name="Kerncijfers 2024: personen, elk één keer geteld")
    expect(key_figures).to_contain_text("< 5 van 11")
    expect(key_figures.get_by_role("link")).to_have_count(0)
    expect(key_figures).not_to_contain_text("36 %")
    shot(page, "schepen")

"""From TWE to work, in a real browser: a counsellor starts a TWE at a partner employer, closes
it, starts the nazorg from it (the form comes filled in), closes the nazorg with outcome `werk`,
and reads the whole path on the client's timeline.

Screenshots of every page visited land in test-artifacts/journey-trajectory/."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from trajectories.models import Trajectory

pytestmark = pytest.mark.browser


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-trajectory")


def close_with_outcome(page, shot, name):
    page.get_by_role("link", name="Afronden met uitstroom").click()
    page.get_by_label("Uitstroom").select_option(label="Werk (regulier)")
    page.get_by_label("Leefloon na het traject").select_option(label="Leefloon verlaten: werk")
    shot(page, f"{name}-close-form")
    page.get_by_role("button", name="Afronden met uitstroom").click()
    expect(page.locator("h1 .badge")).to_have_text("Afgerond")


def test_twe_then_nazorg_to_work(page, live_server, world, shot):
    world.trajectory.delete()  # Fatima starts without a trajectory
    log_in(page, world.alice)
    page.goto(reverse("clients:detail", args=[world.client.pk]))
    shot(page, "case-file")

    # 1. A TWE at the partner employer, started today.
    page.get_by_role("link", name="Nieuw traject").click()
    page.get_by_label("Type").select_option("twe")
    page.get_by_label("Werkgever of eigen dienst").select_option(label="Vanhoutte Logistiek NV")
    page.get_by_label("Functie").fill("orderpicker")
    page.get_by_label("Uren per week").fill("19")
    page.get_by_label("Mentor").fill("Koen Vanhoutte")
    shot(page, "new-twe")
    page.get_by_role("button", name="Traject opslaan").click()
    expect(page.locator("h1")).to_contain_text("Tijdelijke werkervaring (TWE)")
    expect(page.locator("h1 .badge")).to_have_text("Lopend")
    expect(page.get_by_role("cell", name="Vanhoutte Logistiek NV")).to_be_visible()
    shot(page, "twe-running")
    twe = Trajectory.objects.get(client=world.client, type="twe")
    assert twe.placements.get().employer == world.employer

    # 2. The TWE is closed with an outcome; the page now offers the nazorg.
    close_with_outcome(page, shot, "twe")
    shot(page, "twe-closed")

    # 3. "Nazorg starten": the form comes filled in from the TWE.
    page.get_by_role("link", name="Nazorg starten").click()
    expect(page.get_by_label("Type")).to_have_value("nazorg")
    expect(page.get_by_label("Volgt op de stap")).to_have_value(str(twe.pk))
    shot(page, "new-nazorg-filled-in")
    page.get_by_role("button", name="Traject opslaan").click()
    expect(page.locator("h1")).to_contain_text("Nazorg")
    expect(page.locator("h1 .badge")).to_have_text("Lopend")
    shot(page, "nazorg-running")

    # 4. The nazorg closes with outcome werk.
    close_with_outcome(page, shot, "nazorg")
    nazorg = Trajectory.objects.get(client=world.client, type="nazorg")
    assert (nazorg.follows, nazorg.status, nazorg.outcome, nazorg.created_by) == (twe, "afgerond", "werk", world.alice)
    shot(page, "nazorg-closed")

    # 5. The timeline tells the whole path.
    page.get_by_role("link", name=f"← {world.client.full_name}").click()
    timeline = page.locator("#timeline")
    for step in ("Tijdelijke werkervaring (TWE) gestart", "Tijdelijke werkervaring (TWE) afgerond: Werk (regulier)",
                 "Nazorg gestart", "Nazorg afgerond: Werk (regulier)"):
        expect(timeline).to_contain_text(step)
    shot(page, "timeline")

"""A new partner employer and a first match, in a real browser: the diensthoofd adds an employer
with a workplace; a counsellor finds her client in the ranking, reads the reasons and proposes the
placement in one step.

Screenshots of every page visited land in test-artifacts/journey-matching/."""

import pytest
from playwright.sync_api import expect

from employers.models import Employer
from tests.browser.helpers import log_in
from tests.factories import CompetenceFactory, InterestFactory
from trajectories.models import Trajectory

pytestmark = pytest.mark.browser


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-matching")


def test_head_adds_a_workplace_and_a_counsellor_proposes_a_placement(page, live_server, world, shot):
    punctual = CompetenceFactory(organisation=world.menen, name="Stiptheid")
    bakery = InterestFactory(organisation=world.menen, name="Horeca")
    world.trajectory.delete()  # Fatima is free for a new workplace
    world.client.competences.set([punctual])
    world.client.interests.set([bakery])
    world.client.postcode, world.client.mobility = "8930", "fiets"
    world.client.save()

    # 1. The diensthoofd adds the employer and its workplace.
    log_in(page, world.hilde)
    page.get_by_role("link", name="Werkgevers").click()
    page.get_by_role("link", name="Nieuwe werkgever").click()
    page.get_by_label("Naam").fill("Bakkerij Dewulf")
    page.get_by_label("Ondernemingsnummer (KBO)").fill("0403.170.701")
    page.get_by_label("Sector").fill("voeding")
    page.get_by_label("Postcode").fill("8930")
    page.get_by_label("Gemeente").fill("Menen")
    shot(page, "new-employer")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Bakkerij Dewulf")).to_be_visible()
    expect(page.get_by_text("KBO 0403.170.701")).to_be_visible()

    page.get_by_role("link", name="Nieuwe werkpost").click()
    page.get_by_label("Functie").fill("hulpbakker")
    page.get_by_label("Uren per week").fill("19")
    page.locator("#div_id_required_competences").get_by_label("Stiptheid").check()
    page.locator("#div_id_interests").get_by_label("Horeca").check()
    shot(page, "new-workplace")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("hulpbakker")).to_be_visible()
    shot(page, "employer-with-workplace")
    employer = Employer.objects.get(organisation=world.menen, name="Bakkerij Dewulf")
    assert employer.kbo_number == "0403170701"
    page.get_by_role("button", name="Afmelden").click()

    # 2. The counsellor finds her client at the top of the ranking, with the reasons.
    log_in(page, world.alice)
    page.get_by_role("link", name="Werkgevers").click()
    page.get_by_role("link", name="Bakkerij Dewulf").click()
    page.get_by_role("link", name="Kandidaten zoeken").click()
    first = page.locator("ol.list-group > li").first
    expect(first).to_contain_text("Benali, Fatima")
    expect(first).to_contain_text("1 van 1 vereist (Stiptheid)")
    expect(first).to_contain_text("past bij de interesse in Horeca")
    expect(first).to_contain_text("in dezelfde gemeente")
    shot(page, "ranking-with-reasons")

    # 3. One step from the match to a proposed TWE at this workplace.
    first.get_by_role("button", name="Werkplek voorstellen").click()
    expect(page.locator("h1")).to_contain_text("Tijdelijke werkervaring (TWE)")
    expect(page.locator("h1 .badge")).to_have_text("Aangemeld")
    expect(page.get_by_role("cell", name="Bakkerij Dewulf")).to_be_visible()
    shot(page, "proposed-twe")
    trajectory = Trajectory.objects.get(client=world.client)
    placement = trajectory.placements.get()
    assert (trajectory.status, placement.employer, placement.workplace.function) == (
        "aangemeld", employer, "hulpbakker")

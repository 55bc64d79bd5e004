"""A TWE-OCMW through its phases, in a real browser, at desktop and at phone width: a counsellor
registers a TWE that starts with the screening (no workplace yet), fills in the WEO, adds the
art. 60 §7 employment at a partner with its placement agreement, ends that employment (guidance
after it), and closes the TWE with outcome werk and "leefloon verlaten: werk". Each step checks the
phase the page highlights; each page is photographed at 1280 and at 390 px wide, and at 390 px the
page does not scroll sideways.

Screenshots land in test-artifacts/journey-twe/."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.factories import EmployerFactory
from trajectories.models import Trajectory

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def day(days_ago):
    return (TODAY - datetime.timedelta(days=days_ago)).strftime("%d/%m/%Y")


@pytest.fixture
def shot(screenshots):
    take = screenshots("journey-twe")

    def both_widths(page, name):
        """A screenshot at desktop width, then one at phone width, where nothing scrolls sideways."""
        take(page, f"{name}-1280")
        page.set_viewport_size(PHONE)
        take(page, f"{name}-390")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width} px wide at a 390 px screen"
        page.set_viewport_size(DESKTOP)

    return both_widths


def expect_phase(page, name):
    """The phase the TWE's timeline highlights (aria-current) is `name`."""
    current = page.locator("#twe-phases li[aria-current=step]")
    expect(current).to_have_count(1)
    expect(current).to_contain_text(name)


def test_a_twe_through_its_phases(page, live_server, world, shot):
    world.trajectory.delete()  # Fatima starts without a trajectory
    EmployerFactory(organisation=world.menen, name="Groendienst Menen", kind="eigen_dienst")
    log_in(page, world.alice)
    page.goto(reverse("clients:detail", args=[world.client.pk]))

    # 1. A TWE that starts with the screening, 60 days ago, without a workplace.
    page.get_by_role("link", name="Nieuw traject").click()
    page.get_by_label("Type").select_option("twe")
    page.get_by_label("Startdatum").fill(day(60))
    expect(page.get_by_label("WEO ondertekend op")).to_be_visible()
    shot(page, "new-twe")
    page.get_by_role("button", name="Traject opslaan").click()
    expect(page.locator("h1")).to_contain_text("Tijdelijke werkervaring (TWE)")
    expect(page.locator("h1 .badge")).to_have_text("Lopend")
    expect_phase(page, "Screening")
    expect(page.locator("#twe-last-day")).to_contain_text("gekend zodra de datum van de WEO ingevuld is")
    shot(page, "screening")
    twe = Trajectory.objects.get(client=world.client, type="twe")
    assert not twe.placements.exists()

    # 2. The WEO is signed and the TWE registered in VDAB's partner portal.
    page.get_by_role("link", name="Bewerken", exact=True).click()
    page.get_by_label("WEO ondertekend op").fill(day(50))
    page.get_by_label("Geregistreerd in het partnerportaal van VDAB op").fill(day(49))
    shot(page, "edit-weo")
    page.get_by_role("button", name="Opslaan").click()
    expect_phase(page, "Begeleiding vanaf de WEO")
    expect(page.locator("#twe-phases")).to_contain_text(f"WEO ondertekend op {day(50)}")
    twe.refresh_from_db()
    expect(page.locator("#twe-last-day")).to_have_text(twe.twe_last_day.strftime("%d/%m/%Y"))
    shot(page, "weo")

    # 3. The art. 60 §7 employment at the partner, with its placement agreement.
    page.get_by_text("Tewerkstelling art. 60 §7 toevoegen").click()
    form = page.locator("form[action$='/werkplekken/nieuw/']")
    agreement = form.get_by_label("Plaatsingsovereenkomst ondertekend op")
    form.get_by_label("Werkgever of eigen dienst").select_option(label="Groendienst Menen")
    expect(agreement).to_be_hidden()  # no placement agreement at an own service
    form.get_by_label("Werkgever of eigen dienst").select_option(label="Vanhoutte Logistiek NV")
    expect(agreement).to_be_visible()
    form.get_by_label("Functie").fill("orderpicker")
    form.get_by_label("Uren per week").fill("19")
    form.get_by_label("Start").fill(day(40))
    agreement.fill(day(45))
    shot(page, "add-employment")
    form.get_by_role("button", name="Werkplek opslaan").click()
    expect_phase(page, "Tewerkstelling art. 60 §7")
    expect(page.locator("#twe-phases")).to_contain_text("19 u/week · Vanhoutte Logistiek NV")
    expect(page.locator("#placements")).to_contain_text(f"ondertekend op {day(45)}")
    expect(page.locator("[id^=warning-agreement]")).to_have_count(0)
    expect(page.locator("#warning-weo")).to_have_count(0)
    shot(page, "employment")

    # 4. The employment ended yesterday: guidance after it.
    page.locator("#placements").get_by_role("link", name="bewerken").click()
    page.get_by_label("Einde").fill(day(1))
    shot(page, "end-employment")
    page.get_by_role("button", name="Opslaan").click()
    expect_phase(page, "Begeleiding na de tewerkstelling")
    expect(page.locator("#twe-phases li[aria-current=step]")).to_contain_text(f"vanaf {day(0)}")
    shot(page, "guidance-after")

    # 5. Closed with outcome werk, and the leefloon left for work.
    page.get_by_role("link", name="Afronden met uitstroom").click()
    page.get_by_label("Uitstroom").select_option(label="Werk (regulier)")
    page.get_by_label("Leefloon na het traject").select_option(label="Leefloon verlaten: werk")
    shot(page, "close")
    page.get_by_role("button", name="Afronden met uitstroom").click()
    expect(page.locator("h1 .badge")).to_have_text("Afgerond")
    expect(page.locator("#leefloon-after")).to_contain_text("Leefloon verlaten: werk")
    expect_phase(page, "Einde")
    shot(page, "closed")
    twe.refresh_from_db()
    assert (twe.status, twe.outcome, twe.leefloon_after) == ("afgerond", "werk", "werk")
    assert twe.placements.get().agreement_signed_on == TODAY - datetime.timedelta(days=45)


def test_the_beheerder_keeps_the_care_organisations(page, live_server, world, screenshots):
    """The vocabulary behind casemanager Zorg: reached from the beheerder's navigation, added and
    deactivated; the page fits a phone."""
    from trajectories.models import CareOrganisation

    take = screenshots("journey-care-organisations")
    log_in(page, world.bea)
    page.get_by_role("button", name="Woordenlijsten").click()
    page.get_by_role("link", name="Zorgorganisaties").click()
    expect(page.get_by_role("heading", name="Zorgorganisaties")).to_be_visible()
    page.get_by_role("link", name="Nieuwe zorgorganisatie").click()
    page.get_by_label("Naam").fill("CAW Zuid-West-Vlaanderen")
    page.get_by_label("Soort").select_option("caw")
    take(page, "new")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("cell", name="CAW Zuid-West-Vlaanderen")).to_be_visible()
    take(page, "list-1280")
    page.set_viewport_size(PHONE)
    take(page, "list-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="CAW Zuid-West-Vlaanderen").click()
    page.get_by_label("Actief").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("row", name="CAW Zuid-West-Vlaanderen")).to_contain_text("nee")
    assert CareOrganisation.objects.of_organisation(world.menen).get().active is False

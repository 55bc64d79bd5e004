"""An OCMW arrives with its caseload in a spreadsheet: the diensthoofd uploads it, reads the
check (first with a typing error, then corrected) and confirms.

Screenshots of every page visited land in test-artifacts/journey-import/."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clients.models import Client
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

HEADER = "rijksregisternummer;voornaam;achternaam;traject_type;traject_start;traject_einde;uitstroom;werkgever"
WRONG = f"{HEADER}\n85.07.30-033.27;Jonas;Peeters;twe;2025-04-01;;;Bakkerij Dewulf\n"
RIGHT = f"{HEADER}\n85.07.30-033.28;Jonas;Peeters;twe;2025-04-01;;;Bakkerij Dewulf\n" \
        "90.02.01-002.29;Sara;Janssens;voortraject;2025-01-06;2025-03-31;opleiding;\n"


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-import")


def upload(page, tmp_path, content):
    path = tmp_path / "caseload.csv"
    path.write_text(content, encoding="utf-8")
    page.goto(reverse("caseload:import"))
    page.get_by_label("Caseloadbestand (CSV of XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Bestand nakijken").click()


def test_head_imports_a_spreadsheet(page, live_server, world, shot, tmp_path):
    log_in(page, world.hilde)
    page.get_by_role("navigation").get_by_role("link", name="Caseload").click()
    page.get_by_role("link", name="Importeren").click()
    shot(page, "upload")

    upload(page, tmp_path, WRONG)
    expect(page.get_by_role("alert")).to_contain_text("1 probleem")
    expect(page.get_by_role("cell", name="rijksregisternummer", exact=True)).to_be_visible()
    expect(page.get_by_text("De controlecijfers van dit rijksregisternummer kloppen niet")).to_be_visible()
    expect(page.get_by_role("button", name="Import bevestigen")).to_have_count(0)
    shot(page, "check-with-a-problem")
    assert not Client.objects.filter(last_name="Peeters").exists()

    upload(page, tmp_path, RIGHT)
    expect(page.get_by_text("nieuwe cliënten")).to_be_visible()
    shot(page, "check-ok")
    page.get_by_role("button", name="Import bevestigen").click()
    expect(page.get_by_role("alert")).to_contain_text("Geïmporteerd: 2 nieuwe cliënten, 2 nieuwe trajecten")
    page.get_by_label("Zoeken op naam of rijksregisternummer").fill("Peeters")
    expect(page.get_by_role("link", name="Peeters, Jonas")).to_be_visible()
    shot(page, "caseload-after-import")
    jonas = Client.objects.get(organisation=world.menen, national_number="85073003328")
    assert jonas.trajectories.get().placements.get().employer.name == "Bakkerij Dewulf"

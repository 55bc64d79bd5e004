"""The legal spine in a real browser: a counsellor records a client's leefloon decision, draws up the
GPMI, prints the contract, uploads the signed scan and logs an in-person evaluation; the diensthoofd's
deadline view shows the GPMI overdue before and kept after.

Screenshots land in test-artifacts/journey-gpmi/."""

import datetime

import pytest
from playwright.sync_api import expect

from gpmi.models import Gpmi
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser
TODAY = datetime.date.today()


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-gpmi")


def overdue_count(page):
    return page.locator(".display-6").first.inner_text().strip()


def test_a_counsellor_draws_up_signs_and_evaluates_the_gpmi_and_the_head_sees_it(
        browser, page, live_server, world, shot, tmp_path):
    head = browser.new_context(base_url=live_server.url, locale="nl-BE", timezone_id="Europe/Brussels",
                               viewport={"width": 390, "height": 844})
    head_page = head.new_page()
    head_page.set_default_timeout(10_000)

    # The counsellor records the leefloon decision of 95 days ago: the GPMI is overdue.
    log_in(page, world.alice)
    page.goto(f"/clienten/{world.client.pk}/")
    page.get_by_role("link", name="Open").click()
    page.get_by_role("link", name="Nieuwe beslissing").click()
    decided = (TODAY - datetime.timedelta(days=95)).strftime("%d/%m/%Y")
    page.get_by_label("Datum van de beslissing").fill(decided)
    page.get_by_label("Leefloon vanaf").fill(decided)
    page.get_by_label("Categorie").select_option("alleenstaand")
    shot(page, "decision")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het GPMI moest klaar zijn op")).to_be_visible()
    shot(page, "overdue")

    # The diensthoofd, on her phone: one GPMI overdue.
    head_page.set_viewport_size({"width": 1280, "height": 900})  # the menu folds away at phone width
    log_in(head_page, world.hilde)
    head_page.set_viewport_size({"width": 390, "height": 844})
    head_page.goto("/termijnen/")
    assert overdue_count(head_page) == "1"
    shot(head_page, "deadlines-before")

    # The GPMI: drawn up, printed, signed, the scan uploaded, evaluated.
    page.get_by_role("link", name="GPMI opstellen").first.click()
    page.get_by_label("Richting").select_option("werk")
    page.get_by_label("Doelen").fill("Binnen het jaar werk vinden als magazijnier.")
    page.get_by_label("Engagementen van de cliënt").fill("Elke week twee sollicitaties; naar de afspraken komen.")
    page.get_by_label("Engagementen van het OCMW").fill("Wekelijkse begeleiding; de opleiding heftruck betalen.")
    shot(page, "draw-up")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het GPMI werd opgesteld als ontwerp")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Contract afdrukken (PDF)").click()
    contract = tmp_path / "contract.pdf"
    download.value.save_as(contract)
    assert contract.read_bytes().startswith(b"%PDF")
    page.get_by_label("Ondertekend op").fill(TODAY.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Ondertekend", exact=True).click()
    expect(page.get_by_text("Volgende evaluatie uiterlijk op")).to_be_visible()

    page.get_by_role("link", name="Ondertekend contract opladen").click()
    page.get_by_label("Bestand").set_input_files(str(contract))
    page.get_by_label("Beschrijving").fill("Ondertekend GPMI-contract")
    page.get_by_role("button", name="Document toevoegen").click()
    gpmi = Gpmi.objects.unscoped().get(client=world.client)
    page.goto(f"/clienten/{world.client.pk}/gpmi/{gpmi.pk}/")
    expect(page.get_by_role("link", name=f"GPMI-contract {TODAY:%d/%m/%Y}")).to_be_visible()

    page.get_by_label("Wie nam deel").fill("Fatima, Alice")
    page.get_by_label("Besluit").fill("Twee sollicitaties per week gedaan; volgende stap: heftruckattest.")
    page.get_by_role("button", name="Evaluatie bewaren").click()
    expect(page.get_by_text("GPMI-jaar 1: 1 van 3 evaluaties, 1 van 2 persoonlijk.").first).to_be_visible()
    shot(page, "signed-and-evaluated")

    # The diensthoofd's view: nothing overdue any more, every leefloner covered.
    head_page.reload()
    assert overdue_count(head_page) == "0"
    expect(head_page.get_by_text("100%")).to_be_visible()
    assert head_page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(head_page, "deadlines-after")
    assert gpmi.documents.count() == 1 and gpmi.evaluations.get().in_person
    head.close()

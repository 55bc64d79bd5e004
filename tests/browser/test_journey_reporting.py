"""The diensthoofd reads the dashboard, asks for last year's report and watches it being made (the
page updates itself), downloads it and e-mails it to the schepen; the schepen reads the same figures
without a name; the regiocoördinator compares the member OCMWs.

Screenshots land in test-artifacts/journey-reporting/."""

import datetime

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from reporting import services, tasks
from reporting.models import YearlyReport
from tests.browser.helpers import log_in
from tests.factories import ClientFactory
from tests.test_yearly_report import trajectory

pytestmark = pytest.mark.browser
LAST_YEAR = datetime.date.today().year - 1


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-reporting")


@pytest.fixture
def last_year(world):
    """Twelve nazorg trajectories in Menen last year, with their outcomes."""
    outcomes = ["werk"] * 6 + ["opleiding"] * 2 + ["maatwerk", "werkloos", "werkloos"] + [""]
    for month, (client, outcome) in enumerate(zip(ClientFactory.create_batch(12, organisation=world.menen,
                                                                             counsellor=world.alice),
                                                  outcomes, strict=True), start=1):
        start = datetime.date(LAST_YEAR, month, 1)
        end = start + datetime.timedelta(days=120) if outcome else None
        trajectory(client, world.hilde, "nazorg", start, end if end and end.year == LAST_YEAR else None,
                   outcome if end and end.year == LAST_YEAR else "")


def test_the_head_makes_the_yearly_report_and_the_schepen_reads_it(page, live_server, world, last_year, shot,
                                                                   monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.render_yearly_report, "delay", queued.append)  # the worker comes later
    log_in(page, world.hilde)
    page.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    page.get_by_label("Jaar").select_option(str(LAST_YEAR))
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("heading", name=f"Dashboard {LAST_YEAR}")).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()
    shot(page, "dashboard")

    page.get_by_role("link", name="Jaarverslagen").click()
    # The year of the report (the page also has the year of POD MI's Uniek Verslag, a number field).
    page.get_by_role("combobox", name="Jaar").select_option(str(LAST_YEAR))
    page.get_by_role("button", name="Jaarverslag maken").click()
    expect(page.get_by_text("Het jaarverslag wacht op de achtergrondverwerking.")).to_be_visible()
    expect(page.get_by_text("Deze pagina werkt zichzelf bij.")).to_be_visible()
    shot(page, "queued")

    [report_id] = queued
    services.render_report(report_id)  # the Celery worker picks it up; the open page notices by itself
    expect(page.get_by_text("Gemaakt op")).to_be_visible()
    shot(page, "ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF downloaden").click()
    assert download.value.suggested_filename == f"jaarverslag-menen-{LAST_YEAR}.pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(download.value.path()).pages).split())
    assert "OCMW Menen" in text
    assert f"In {LAST_YEAR} volgde het OCMW 12 mensen in een traject; 6 van hen vonden werk" in text

    page.get_by_role("button", name="Mailen naar de schepen").click()
    expect(page.get_by_text("Het jaarverslag wordt verstuurd naar sam@example.be.")).to_be_visible()
    expect(page.get_by_text("Gemaild op")).to_be_visible()
    shot(page, "e-mailed")
    assert YearlyReport.objects.get().emailed_to == "sam@example.be"

    page.get_by_role("button", name="Afmelden").click()
    log_in(page, world.sam)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert world.client.last_name not in page.content() and "Alice" not in page.content()
    page.get_by_role("link", name="Jaarverslagen").click()
    expect(page.get_by_role("link", name="PDF downloaden")).to_be_visible()
    expect(page.get_by_role("button", name="Jaarverslag maken")).to_have_count(0)
    shot(page, "schepen-reports")

    page.get_by_role("button", name="Afmelden").click()
    log_in(page, world.rita)
    page.goto(f"/overzicht/?jaar={LAST_YEAR}")
    # One table per section (the key figures first), each with the members and their total.
    expect(page.get_by_role("columnheader", name="OCMW Wervik").first).to_be_visible()
    expect(page.get_by_role("row", name="Nazorg 12 0 12")).to_be_visible()
    expect(page.get_by_role("link", name="CSV downloaden")).to_be_visible()
    shot(page, "region-comparison")

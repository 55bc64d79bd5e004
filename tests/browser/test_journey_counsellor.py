"""A counsellor's first morning, in a real browser: log in, find the caseload, open a case file
(after a typing error in the national number), log a home visit, and a schepen who opens that
case file by its URL is refused.

Screenshots of every page visited land in test-artifacts/journey-counsellor/ for review."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clients.models import Client, ContactMoment
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

WRONG_NATIONAL_NUMBER = "85.07.30-033.27"  # check digits should be 28
NATIONAL_NUMBER = "85.07.30-033.28"
NOTE = "Eerste huisbezoek: motivatie besproken."


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-counsellor")


def test_counsellor_opens_a_case_file_and_logs_a_home_visit(page, live_server, world, shot):
    # 1. alice logs in through the real form, lands on her day, and opens her own caseload.
    log_in(page, world.alice, shot)
    expect(page).to_have_url(re.compile(re.escape(reverse("home")) + "$"))
    expect(page.get_by_role("heading", name="Goeiedag, Alice", level=1)).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Mijn caseload").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("clients:list")) + "$"))
    expect(page.get_by_role("heading", name="Mijn caseload", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Benali, Fatima")).to_be_visible()
    shot(page, "caseload")

    # 2. A new client, with a typing error in the national number: a Dutch error, nothing saved.
    clients_before = Client.objects.count()
    page.get_by_role("main").get_by_role("link", name="Nieuwe cliënt").click()
    expect(page.get_by_role("heading", name="Nieuwe cliënt", level=1)).to_be_visible()
    page.get_by_label("Voornaam").fill("Jonas")
    page.get_by_label("Achternaam").fill("Vermeulen")
    national_number = page.get_by_label("Rijksregisternummer")
    national_number.fill(WRONG_NATIONAL_NUMBER)
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("alert")).to_contain_text("Er is niets opgeslagen")
    expect(national_number).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#div_id_national_number .invalid-feedback")).to_contain_text("controlecijfers")
    expect(national_number).to_have_accessible_description(re.compile("controlecijfers"))  # screen readers too
    expect(national_number).to_have_value(WRONG_NATIONAL_NUMBER)  # her input is kept to correct
    assert Client.objects.count() == clients_before
    shot(page, "new-client-wrong-national-number")

    # 3. She corrects the check digits and lands on the new case file.
    national_number.fill(NATIONAL_NUMBER)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Jonas Vermeulen", level=1)).to_be_visible()
    client = Client.objects.get(organisation=world.menen, national_number="85073003328")
    assert Client.objects.count() == clients_before + 1
    assert (client.organisation, client.counsellor) == (world.menen, world.alice)
    expect(page).to_have_url(re.compile(re.escape(reverse("clients:detail", args=[client.pk])) + "$"))
    expect(page.get_by_role("alert")).to_contain_text("Jonas Vermeulen")
    timeline = page.locator("#timeline-section")
    expect(timeline.locator("#timeline")).to_contain_text("Dossier geopend")
    shot(page, "new-client-case-file")

    # 4. A home visit through the form on the case file: htmx swaps the timeline in place.
    page.evaluate("window.journeyMarker = 'same page'")  # a full reload would forget this
    form = timeline.locator("form")
    kind = form.get_by_label("Soort")
    kind.select_option(ContactMoment.Kind.HOME_VISIT)  # by value: the option reads "huisbezoek"
    expect(kind.locator("option:checked")).to_have_text(re.compile("^huisbezoek$", re.IGNORECASE))
    form.get_by_label("Duur (minuten)").fill("45")
    form.get_by_label("Notitie").fill(NOTE)
    form.get_by_role("button", name="Contactmoment opslaan").click()

    timeline = page.locator("#timeline-section")
    expect(timeline.get_by_role("status")).to_contain_text("Contactmoment geregistreerd")
    entry = timeline.locator("#timeline li", has_text=NOTE)
    expect(entry).to_contain_text("Huisbezoek")
    expect(entry).to_contain_text("45 min")
    assert page.evaluate("window.journeyMarker") == "same page"
    expect(timeline.locator("form").get_by_label("Notitie")).to_have_value("")  # a fresh form for the next one
    moment = ContactMoment.objects.get(client=client)
    assert (moment.author, moment.kind, moment.duration_minutes, moment.note) == (
        world.alice, ContactMoment.Kind.HOME_VISIT, 45, NOTE)
    shot(page, "contact-moment-logged")

    # 5. She logs out; sam, schepen of Menen, opens the case file by its URL and is refused.
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    expect(page.get_by_role("button", name="Afmelden")).to_have_count(0)
    shot(page, "logged-out")
    log_in(page, world.sam)
    expect(page.get_by_role("link", name="Mijn caseload")).to_have_count(0)  # a schepen sees figures only
    shot(page, "schepen-start-page")
    response = page.goto(reverse("clients:detail", args=[client.pk]))
    assert response.status == 403
    expect(page.get_by_role("heading", name="Geen toegang", level=1)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Vermeulen")
    expect(page.get_by_role("main")).not_to_contain_text(NOTE)
    shot(page, "schepen-no-access")

"""Daily work (issue 10): the diensthoofd hands Alice's caseload over to Bob with a note; Bob
finds the files as recently assigned on his home page, opens one, adds the signed GPMI contract
and downloads it again; the file is no longer "new" for him. Then he finds an employer through
the search box, and the head opens a dashboard figure to see the files behind it.

Screenshots land in test-artifacts/journey-handover/."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clients.models import Client
from documents.models import Document
from tests.browser.helpers import log_in

from ..factories import ClientFactory

pytestmark = pytest.mark.browser
NOTE = "Alice is met verlof tot januari. GPMI loopt; volgende afspraak op dinsdag."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-handover")


def test_a_caseload_handed_over_is_found_opened_and_completed(browser, live_server, world, shot, tmp_path):
    ClientFactory(organisation=world.menen, counsellor=world.alice, first_name="Jonas", last_name="Declercq")

    def person(user):
        context = browser.new_context(base_url=live_server.url, locale="nl-BE", timezone_id="Europe/Brussels",
                                      viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.set_default_timeout(10_000)
        page = context.new_page()
        log_in(page, user)
        return page

    # 1. The head lands on her team's day, filters the caseload on Alice and hands it all over.
    head = person(world.hilde)
    expect(head.get_by_role("heading", name="Je team vandaag")).to_be_visible()
    shot(head, "head-home")
    head.get_by_role("navigation").get_by_role("link", name="Caseload").click()
    head.get_by_label("Trajectbegeleider").select_option(label="Alice " + world.alice.last_name)
    head.get_by_role("link", name=re.compile("Hele caseload van Alice")).click()
    expect(head.get_by_role("heading", name="Dossiers overdragen")).to_be_visible()
    expect(head.get_by_text("De 2 open dossiers van Alice")).to_be_visible()
    head.get_by_label("Overdragen aan").select_option(label="Bob " + world.bob.last_name)
    head.get_by_label("Overdrachtsnota").fill(NOTE)
    shot(head, "hand-over")
    head.get_by_role("button", name="Overdragen").click()
    expect(head.get_by_text("2 dossiers overgedragen aan Bob")).to_be_visible()
    assert set(Client.objects.filter(counsellor=world.bob).values_list("last_name", flat=True)) == {
        "Benali", "Declercq"}
    shot(head, "bobs-caseload")

    # 2. Bob sees the two files as recently assigned, with the note, and opens Fatima's.
    bob = person(world.bob)
    assigned = bob.get_by_role("region", name=re.compile("Recent aan jou toegewezen"))
    expect(assigned.get_by_role("link", name="Fatima Benali")).to_be_visible()
    expect(assigned.get_by_text(NOTE).first).to_be_visible()
    shot(bob, "bob-home")
    assigned.get_by_role("link", name="Fatima Benali").click()
    expect(bob.get_by_role("heading", name="Fatima Benali", level=1)).to_be_visible()
    expect(bob.get_by_text(NOTE)).to_be_visible()

    # 3. He adds the signed GPMI contract and downloads it again.
    documents = bob.get_by_role("region", name="Documenten")
    documents.get_by_role("link", name="Een document toevoegen").click()  # the form comes in place (htmx)
    documents.get_by_label("Type").select_option(label="GPMI-contract")
    documents.get_by_label("Beschrijving").fill("Getekend GPMI")
    contract = tmp_path / "gpmi-benali.pdf"
    contract.write_bytes(PDF)
    documents.get_by_label("Bestand").set_input_files(str(contract))
    documents.get_by_role("button", name="Document toevoegen").click()
    expect(bob.get_by_text("GPMI-contract").first).to_be_visible()
    expect(bob.get_by_text("gpmi-benali.pdf")).to_be_visible()
    shot(bob, "document-added")
    with bob.expect_download() as download_info:
        bob.get_by_role("region", name="Documenten").get_by_role("link", name="Downloaden").click()
    download = download_info.value
    assert download.suggested_filename == "gpmi-benali.pdf"
    assert Path(download.path()).read_bytes() == PDF
    assert Document.objects.get().added_by == world.bob

    # 4. Back home, Fatima is no longer new; Jonas still is.
    bob.get_by_role("navigation").get_by_role("link", name="Vandaag").click()
    assigned = bob.get_by_role("region", name=re.compile("Recent aan jou toegewezen"))
    expect(assigned.get_by_role("link", name="Jonas Declercq")).to_be_visible()
    expect(assigned.get_by_role("link", name="Fatima Benali")).to_have_count(0)
    shot(bob, "bob-home-after")

    # 5. The search box finds the employer.
    bob.get_by_role("searchbox", name="Zoek cliënten, werkgevers en werkposten").fill("vanhoutte")
    bob.keyboard.press("Enter")
    expect(bob.get_by_role("link", name="Vanhoutte Logistiek NV")).to_be_visible()
    shot(bob, "search")

    # 6. The head opens a dashboard figure: the files behind it.
    head.goto(reverse("reporting:dashboard"))
    head.get_by_role("link", name="2", exact=True).first.click()
    expect(head.get_by_text(re.compile(r"\d+ rij(en)? achter dit cijfer"))).to_be_visible()
    shot(head, "figure-behind")

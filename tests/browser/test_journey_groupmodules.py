"""Group modules in a real browser, on a phone (issue 19): the counsellor enrols her client from the
case file; the trainer (a colleague counsellor who gives the edition) opens today's session from the
Groepsmodules page at 390 px, marks attendance with one tap per person (present, late, unexcused)
and sees the marks; the client's counsellor then sees the module and the marks on the client's file.

Screenshots land in test-artifacts/journey-groupmodules/, at 390 and at 1280 px."""

import datetime

import pytest
from playwright.sync_api import expect

from groupmodules import services
from groupmodules.models import Attendance, Edition, Module, Session
from tests.browser.helpers import log_in
from tests.factories import ClientFactory

pytestmark = pytest.mark.browser
TODAY = datetime.date.today()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-groupmodules")


def fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width} px wide at a 390 px screen"


def test_the_trainer_takes_attendance_on_a_phone_and_the_counsellor_sees_it_on_the_file(
        browser, page, live_server, world, shot):
    module = services.module_save(Module(organisation=world.menen, title="Sollicitatieclub", kind="jobclub",
                                         capacity=12, place="Sociaal huis, zaal 2"))
    edition = services.edition_save(Edition(module=module, name="Voorjaar", trainer=world.bob,
                                            start_date=TODAY - datetime.timedelta(days=14),
                                            end_date=TODAY + datetime.timedelta(days=60)))
    services.session_save(Session(edition=edition, date=TODAY - datetime.timedelta(days=7), topic="Kennismaking"))
    today = services.session_save(Session(edition=edition, date=TODAY, topic="Je cv op één blad",
                                          start_time=datetime.time(9, 30), end_time=datetime.time(12)))
    others = [ClientFactory(organisation=world.menen, counsellor=world.alice, first_name=first, last_name=last)
              for first, last in (("Jonas", "Claeys"), ("Lotte", "Vermeersch"))]
    for client in others:
        services.enrol(client=client, edition=edition, by=world.alice)

    # The counsellor enrols her client from the case file.
    log_in(page, world.alice)
    page.goto(f"/clienten/{world.client.pk}/")
    page.get_by_role("link", name="Inschrijven in een groepsmodule").click()
    expect(page.get_by_role("heading", name="Fatima Benali inschrijven in een groepsmodule")).to_be_visible()
    page.get_by_role("link", name="Inschrijven").last.click()
    shot(page, "enrol-1280")
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.get_by_text("Fatima Benali is ingeschreven.")).to_be_visible()
    expect(page.get_by_role("link", name="Fatima Benali")).to_be_visible()
    shot(page, "edition-1280")

    # The trainer, on his phone in the room: the menu, Groepsmodules, today's session.
    trainer = browser.new_context(base_url=live_server.url, locale="nl-BE", timezone_id="Europe/Brussels",
                                  viewport=DESKTOP)
    phone = trainer.new_page()
    phone.set_default_timeout(10_000)
    log_in(phone, world.bob)
    phone.set_viewport_size(PHONE)
    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("link", name="Groepsmodules").click()
    expect(phone.get_by_role("heading", name="Sessies vandaag")).to_be_visible()
    fits_the_phone(phone)
    shot(phone, "groupmodules-390")
    phone.get_by_role("link", name="Sollicitatieclub · Voorjaar").click()
    expect(phone.get_by_text("0 van 3 aangeduid")).to_be_visible()
    fits_the_phone(phone)
    shot(phone, "sheet-before-390")

    # One tap per person; each row shows its mark at once (only that row is swapped).
    for name, button, mark in (("Fatima Benali", "Aanwezig", "Aanwezig"), ("Jonas Claeys", "Te laat", "Te laat"),
                               ("Lotte Vermeersch", "Onverwittigd", "Afwezig, onverwittigd")):
        row = phone.get_by_role("listitem").filter(has_text=name)
        tap = row.get_by_role("button", name=button, exact=True)
        assert tap.bounding_box()["height"] >= 44
        tap.click()
        expect(row.locator(".badge")).to_have_text(mark)
        expect(row.get_by_role("button", name=button, exact=True)).to_have_attribute("aria-pressed", "true")
    expect(phone.get_by_text("3 van 3 aangeduid")).to_be_visible()  # the count follows the taps
    fits_the_phone(phone)
    shot(phone, "sheet-marked-390")
    assert sorted(Attendance.objects.unscoped().filter(session=today).values_list("presence", flat=True)) == [
        "aanwezig", "onverwittigd", "te_laat"]
    phone.reload()
    expect(phone.get_by_text("3 van 3 aangeduid")).to_be_visible()
    # The edition on the phone: participants with their counts, the sessions.
    phone.get_by_role("link", name="Sollicitatieclub · Voorjaar").click()
    expect(phone.get_by_text("aanwezig 0 · afwezig 1")).to_be_visible()  # Lotte: one unexcused absence
    fits_the_phone(phone)
    shot(phone, "edition-390")
    phone.go_back()
    phone.set_viewport_size(DESKTOP)
    shot(phone, "sheet-marked-1280")
    trainer.close()

    # The client's counsellor sees the module and the mark on the client's file.
    page.goto(f"/clienten/{world.client.pk}/")
    card = page.locator("section").filter(has=page.get_by_role("heading", name="Groepsmodules"))
    expect(card.get_by_role("link", name="Sollicitatieclub · Voorjaar")).to_be_visible()
    expect(card.get_by_text("Ingeschreven")).to_be_visible()
    expect(card.get_by_text(f"{TODAY:%d/%m} aanwezig")).to_be_visible()
    expect(card.get_by_text("aanwezig 1 · afwezig 0")).to_be_visible()
    card.scroll_into_view_if_needed()
    shot(page, "client-file-1280")
    page.set_viewport_size(PHONE)
    # The card fits the phone (the file's own header buttons are the client page's business).
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    card.scroll_into_view_if_needed()
    shot(page, "client-file-390")

    # The diensthoofd's menu still fits one line at 1280 px with the new link; she sees today's session too.
    head = browser.new_context(base_url=live_server.url, locale="nl-BE", timezone_id="Europe/Brussels",
                               viewport=DESKTOP)
    head_page = head.new_page()
    head_page.set_default_timeout(10_000)
    log_in(head_page, world.hilde)
    head_page.get_by_role("link", name="Groepsmodules").click()
    expect(head_page.get_by_text("3 van 3 aangeduid")).to_be_visible()
    assert head_page.evaluate("document.querySelector('nav').getBoundingClientRect().height") < 70
    assert head_page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    shot(head_page, "head-groupmodules-1280")
    head.close()

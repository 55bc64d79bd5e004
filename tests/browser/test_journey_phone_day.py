"""A counsellor's day on a phone (390 px): Vandaag lists her client once, as a no-contact reminder;
she opens the case file, logs a contact moment, and the reminder is gone: closed by itself in the
same transaction, so the Follow-up count and Vandaag drop it at once.

Screenshots of every page visited land in test-artifacts/journey-phone-day/."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import ContactMoment
from reminders import engine
from reminders.models import Reminder, Rule
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-phone-day")


def assert_fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_contact_moment_on_the_phone_closes_the_reminder(page, live_server, world, shot):
    # Her client's TWE has run for 90 days without a contact moment: the daily run finds it.
    engine.evaluate(timezone.localdate())
    reminder = Reminder.objects.get(rule=Rule.NO_CONTACT, client=world.client)
    name = world.client.full_name

    log_in(page, world.alice)  # at 1280 px: on a phone the log-out button folds into the menu
    page.set_viewport_size(PHONE)
    page.goto("/")
    reminders = page.get_by_role("region", name=re.compile("Herinneringen voor vandaag"))
    expect(reminders.get_by_role("link", name=name)).to_be_visible()
    expect(reminders).to_contain_text("Vandaag te doen: 1")
    # One item per cause: not listed again under the silent clients.
    silent = page.get_by_role("region", name=re.compile("dagen geen contact"))
    expect(silent).to_be_visible()
    expect(silent.get_by_role("link", name=name)).to_have_count(0)
    expect(page.get_by_role("link", name=name)).to_have_count(1)
    assert_fits(page)
    shot(page, "vandaag-with-reminder")

    reminders.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    assert_fits(page)
    shot(page, "case-file")

    timeline = page.locator("#timeline-section")
    form = timeline.locator("form")
    form.get_by_label("Soort").select_option(ContactMoment.Kind.PHONE)
    form.get_by_label("Duur (minuten)").fill("10")
    form.get_by_label("Notitie").fill("Gebeld: het gaat goed op de werkvloer.")
    form.get_by_role("button", name="Contactmoment opslaan").click()
    expect(page.locator("#timeline-section").get_by_role("status")).to_contain_text("Contactmoment geregistreerd")
    shot(page, "contact-moment-logged")

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.DONE and reminder.closed_by_itself

    page.reload()  # the menu's Follow-up count is rendered with the page
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("#nav.collapse.show")).to_be_visible()
    expect(page.get_by_role("link", name="Opvolging")).not_to_contain_text("1")
    assert_fits(page)
    shot(page, "case-file-after")

    page.goto("/")
    expect(page.get_by_role("region", name=re.compile("Herinneringen voor vandaag"))).to_contain_text(
        "Niets op te volgen op dit moment.")
    expect(page.get_by_role("link", name=name)).to_have_count(0)
    assert_fits(page)
    shot(page, "vandaag-after")

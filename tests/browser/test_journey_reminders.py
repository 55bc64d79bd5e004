"""A counsellor's follow-up in a real browser: the daily run finds what slipped, the count shows in
the navigation bar, she handles one reminder and snoozes the other.

Screenshots of every page visited land in test-artifacts/journey-reminders/."""

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reminders.models import Reminder
from tests.browser.helpers import log_in
from trajectories import services

pytestmark = pytest.mark.browser


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-reminders")


def test_counsellor_handles_and_snoozes_her_reminders(page, live_server, world, shot):
    today = datetime.date.today()
    # Her running TWE has had no contact for 90 days, and a training's planned end has passed.
    services.trajectory_register(client=world.client, by=world.alice, type="opleiding",
                                 start_date=today - datetime.timedelta(days=60), start=True,
                                 planned_end_date=today - datetime.timedelta(days=1))
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Reminder.objects.visible_to(world.alice).count() == 2

    log_in(page, world.alice)
    follow_up = page.get_by_role("navigation").get_by_role("link", name="Opvolging")
    expect(follow_up).to_contain_text("2")
    # Her home page lists them too, with what each rule found.
    expect(page.get_by_role("region", name=re.compile("Herinneringen voor vandaag")).locator("li")).to_have_count(2)
    shot(page, "home-with-count")
    follow_up.click()
    items = page.locator("ul.list-group > li")
    expect(items).to_have_count(2)
    expect(page.get_by_text("al een tijd geen contactmoment")).to_be_visible()
    expect(page.get_by_text("geplande einddatum voorbij")).to_be_visible()
    shot(page, "follow-up-list")

    first = items.filter(has_text="geplande einddatum voorbij")
    first.get_by_role("button", name="Afgehandeld").click()
    expect(page.get_by_text("Herinnering afgehandeld.")).to_be_visible()
    second = page.locator("ul.list-group > li").first
    second.get_by_label("Uitstellen tot").fill((today + datetime.timedelta(days=7)).strftime("%d/%m/%Y"))
    second.get_by_role("button", name="Uitstellen").click()
    expect(page.get_by_text("Niets op te volgen op dit moment.")).to_be_visible()
    expect(page.get_by_role("link", name="Opvolging")).not_to_contain_text("2")
    shot(page, "nothing-left")

    page.get_by_role("link", name="Uitgesteld").click()
    expect(page.get_by_text("uitgesteld tot")).to_be_visible()
    shot(page, "snoozed-tab")
    statuses = sorted(Reminder.objects.visible_to(world.alice).values_list("status", flat=True))
    assert statuses == ["afgehandeld", "uitgesteld"]

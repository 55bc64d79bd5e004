"""An activeringstraject extended once, in a real browser: the counsellor sees the 15-month
reminder of the 18-month limit, extends the trajectory with its reason on her phone, the old
reminder is gone at once, and the daily run three months before the new end brings the next one.

Screenshots land in test-artifacts/journey-werk-zorg/."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from playwright.sync_api import expect

from reminders.models import Reminder
from tests.browser.helpers import log_in
from trajectories import rules, services

pytestmark = pytest.mark.browser
TODAY = datetime.date.today()


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-werk-zorg")


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_werk_zorg_extended_once_moves_its_reminders(page, live_server, world, shot):
    start = TODAY - datetime.timedelta(days=16 * 31)
    werk_zorg = services.trajectory_register(client=world.client, by=world.alice, type="werk_zorg",
                                             start_date=start, start=True, vdab_decided_on=start)
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    limit = Reminder.objects.of_organisation(world.menen).filter(rule="werk_zorg_grens", trajectory=werk_zorg)
    assert limit.filter(status="open").count() == 1

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, world.alice)
    page.goto("/opvolging/")
    expect(page.get_by_text("bereikt 15 maanden")).to_be_visible()
    shot(page, "reminder-15-months")

    # On her phone: the trajectory, then its edit form with the extension.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/clienten/{world.client.pk}/trajecten/{werk_zorg.pk}/")
    assert no_horizontal_scroll(page)
    page.get_by_role("link", name="Bewerken", exact=True).first.click()
    extended_to = rules.werk_zorg_last_day(start) + datetime.timedelta(days=120)
    page.get_by_label("Verlengd tot").fill(extended_to.strftime("%d/%m/%Y"))
    page.get_by_label("Geplande einddatum").fill(extended_to.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Waarom werd het activeringstraject verlengd?")).to_be_visible()  # asked, server-side
    shot(page, "reason-asked")
    page.get_by_label("Reden van de verlenging").fill("Opname in het PZ, traject loopt verder na ontslag")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text(f"Verlengd tot {extended_to:%d/%m/%Y}")).to_be_visible()
    assert no_horizontal_scroll(page)
    shot(page, "extended")

    # The reminder of the old limit closed by itself; nothing is due until 3 months before the new end.
    assert [(r.detail, r.status, r.closed_by_itself) for r in limit.all()] == [("15", "afgehandeld", True)]
    page.goto("/opvolging/")
    expect(page.get_by_text("bereikt 15 maanden")).to_have_count(0)
    shot(page, "follow-up-after-extension")
    due = extended_to - relativedelta(months=3)
    call_command("send_reminders", "--today", due.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [(r.due_date, r.detail) for r in limit.filter(status="open")] == [
        (due, f"verlengd:{extended_to.isoformat()}:3")]

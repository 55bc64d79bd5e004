"""Two people on one case file, in two browsers: the diensthoofd saves first, the counsellor's later
save is refused without losing what she typed, and saving again keeps hers. The diensthoofd then
reads who opened the file.

Screenshots land in test-artifacts/journey-audit/."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clients.models import Client
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-audit")


def test_a_concurrent_edit_loses_nothing_and_the_head_sees_who_opened_the_file(browser, live_server, world, shot):
    def person(user):
        context = browser.new_context(base_url=live_server.url, locale="nl-BE", timezone_id="Europe/Brussels",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        log_in(page, user)
        return page

    edit = reverse("clients:edit", args=[world.client.pk])
    alice, hilde = person(world.alice), person(world.hilde)
    alice.goto(edit)
    hilde.goto(edit)  # both have the form open

    hilde.get_by_label("Doelen").fill("Eerst Nederlands op B1")
    hilde.get_by_role("button", name="Opslaan").click()
    expect(hilde.get_by_text("Dossier opgeslagen.")).to_be_visible()

    alice.get_by_label("Doelen").fill("Een job in de kinderopvang")
    alice.get_by_label("Telefoon").fill("0470 12 34 56")
    alice.get_by_role("button", name="Opslaan").click()
    expect(alice.get_by_text("heeft dit intussen opgeslagen")).to_be_visible()
    expect(alice.get_by_label("Doelen")).to_have_value("Een job in de kinderopvang")
    expect(alice.get_by_label("Telefoon")).to_have_value("0470 12 34 56")
    shot(alice, "conflict-keeps-what-she-typed")
    assert Client.objects.get(pk=world.client.pk).goals == "Eerst Nederlands op B1"

    alice.get_by_role("button", name="Opslaan").click()  # deliberately keeps her version
    expect(alice.get_by_text("Dossier opgeslagen.")).to_be_visible()
    assert Client.objects.get(pk=world.client.pk).goals == "Een job in de kinderopvang"

    hilde.goto(reverse("clients:detail", args=[world.client.pk]))
    hilde.get_by_role("link", name="Inzagelogboek").click()
    rows = hilde.locator("tbody tr")
    expect(rows.filter(has_text="Alice")).not_to_have_count(0)
    expect(hilde.get_by_text("Niemand kan deze regels wijzigen of verwijderen.")).to_be_visible()
    shot(hilde, "access-log")

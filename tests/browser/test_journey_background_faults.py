"""When background processing or the disk fails, the person in front of the screen is told, in Dutch,
and can go on: the diensthoofd asks for a report while Redis is down, sees it wait, sees the sweep
give up on it with a reason, and asks again at once; a counsellor's upload on a full disk comes back
with the message and her form as she filled it in, on a phone.

Screenshots land in test-artifacts/journey-background-faults/."""

import datetime
import errno

import pytest
from django.core.files.storage import storages
from kombu.exceptions import OperationalError
from playwright.sync_api import expect

from documents.models import Document
from reporting import services, tasks
from reporting.models import YearlyReport
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser
LAST_YEAR = datetime.date.today().year - 1
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def shot(screenshots):
    return screenshots("journey-background-faults")


def test_a_report_asked_while_redis_is_down_waits_fails_visibly_and_is_asked_again(
        page, live_server, world, shot, monkeypatch, settings):
    def broker_down(*_args, **_kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_yearly_report, "delay", broker_down)
    log_in(page, world.hilde)
    page.goto("/overzicht/jaarverslagen/")
    page.get_by_role("combobox", name="Jaar").select_option(str(LAST_YEAR))
    page.get_by_role("button", name="Jaarverslag maken").click()
    expect(page.get_by_text("Achtergrondverwerking is nu niet beschikbaar")).to_be_visible()
    expect(page.get_by_text("Het jaarverslag wacht op de achtergrondverwerking.")).to_be_visible()
    shot(page, "queued-while-redis-is-down")

    # Redis stays away; the sweep gives up after its attempts and says why.
    settings.REPORT_MAX_ATTEMPTS = 1
    report = YearlyReport.objects.get()
    YearlyReport.objects.filter(pk=report.pk).update(
        queued_at=report.queued_at - datetime.timedelta(hours=1), attempts=1)
    services.sweep_stuck_reports()
    page.reload()
    expect(page.get_by_text("Het jaarverslag kon niet gemaakt worden.")).to_be_visible()
    expect(page.locator(".alert-danger")).not_to_be_empty()
    shot(page, "failed-with-a-reason")

    # Redis is back: asking again queues the same report at once.
    queued = []
    monkeypatch.setattr(tasks.render_yearly_report, "delay", queued.append)
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Opnieuw aanvragen").click()
    expect(page.get_by_text("Het jaarverslag wacht op de achtergrondverwerking.")).to_be_visible()
    shot(page, "asked-again-on-a-phone")
    assert queued == [report.pk]
    assert YearlyReport.objects.get().state == YearlyReport.State.QUEUED


def test_an_upload_on_a_full_disk_comes_back_with_the_message_and_the_form(
        page, live_server, world, shot, monkeypatch, tmp_path):
    storage = storages["documents"]

    def disk_full(name, content):
        raise OSError(errno.ENOSPC, "No space left on device", name)

    monkeypatch.setattr(storage, "_save", disk_full)
    log_in(page, world.alice)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/clienten/{world.client.pk}/")
    documents = page.get_by_role("region", name="Documenten")
    documents.get_by_role("link", name="Een document toevoegen").click()
    documents.get_by_label("Type").select_option(label="GPMI-contract")
    documents.get_by_label("Beschrijving").fill("Getekend GPMI")
    contract = tmp_path / "gpmi-benali.pdf"
    contract.write_bytes(PDF)
    documents.get_by_label("Bestand").set_input_files(str(contract))
    documents.get_by_role("button", name="Document toevoegen").click()
    expect(page.locator(".alert-danger")).to_have_count(1)  # said once
    expect(page.locator(".alert-danger")).to_contain_text(
        "Het document kon niet bewaard worden: de opslag is vol of niet beschrijfbaar.")
    expect(page.get_by_label("Beschrijving")).to_have_value("Getekend GPMI")
    shot(page, "upload-on-a-full-disk")
    assert not Document.objects.exists()

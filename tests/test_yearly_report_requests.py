"""The yearly report asked for in the browser: queued, rendered by the Celery task, kept, downloaded
and e-mailed to the schepen; scoped to the organisation and to the roles that read figures."""

import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reporting import services
from reporting.models import STALE_RENDERING, YearlyReport

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1


def ask(http, year=LAST_YEAR):
    return http.post(reverse("reporting:reports"), {"year": year})


def test_the_head_asks_for_a_report_and_downloads_the_pdf(world, login, django_capture_on_commit_callbacks):
    http = login(world.hilde)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(http, world.trajectory.start_date.year)
    report = YearlyReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert report.state == "klaar" and report.requested_by == world.hilde and report.finished_at
    assert report.figures["trajecten"]["twe"]["gevolgd"] == 1  # kept as reported
    download = http.get(reverse("reporting:report_pdf", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert f'filename="jaarverslag-menen-{report.year}.pdf"' in download["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages)
    assert "OCMW Menen" in text and f"Activering {report.year}" in text
    assert world.client.last_name not in text and world.alice.last_name not in text
    page = http.get(report.get_absolute_url()).content.decode()
    assert "Klaar" in page and "PDF downloaden" in page and "sam@example.be" in page


def test_the_state_page_polls_until_the_report_is_finished(world, login):
    http = login(world.hilde)
    ask(http)  # the on-commit hook that queues the task does not run: the report stays queued
    report = YearlyReport.objects.get()
    fragment = http.get(report.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "In de wachtrij" in fragment and "<html" not in fragment
    services.render_report(report.pk)
    fragment = http.get(report.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "PDF downloaden" in fragment


def test_asking_twice_while_it_is_made_gives_the_same_report(world, login):
    http = login(world.hilde)
    first, second = ask(http), ask(http)
    assert YearlyReport.objects.count() == 1 and first.url == second.url
    assert "wordt al gemaakt" in http.get(second.url).content.decode()


def test_a_year_in_the_future_is_refused_in_dutch(world, login):
    response = ask(login(world.hilde), timezone.localdate().year + 1)
    assert response.status_code == 200 and not YearlyReport.objects.exists()
    assert f"Kies een jaar tussen 2000 en {timezone.localdate().year}." in response.content.decode()
    with pytest.raises(services.ValidationError, match="tussen 2000 en"):
        services.request_report(world.menen, 1999, world.hilde)


def test_a_failure_is_kept_with_its_reason_and_can_be_retried(world, login, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    def broken(organisation, year):
        raise OSError("Pango ontbreekt")

    real = services.render_pdf_and_figures
    monkeypatch.setattr(services, "render_pdf_and_figures", broken)
    http = login(world.hilde)
    with django_capture_on_commit_callbacks(execute=True):
        ask(http)
    report = YearlyReport.objects.get()
    assert report.state == "mislukt" and "(fout: OSError)" in report.failure and not report.pdf
    assert f"het nummer van het verslag: {report.pk}" in report.failure
    page = http.get(report.get_absolute_url()).content.decode()
    assert "kon niet gemaakt worden" in page and "Opnieuw aanvragen" in page
    assert http.get(reverse("reporting:report_pdf", args=[report.pk])).status_code == 404
    monkeypatch.setattr(services, "render_pdf_and_figures", real)  # not undo(): that would end eager tasks too
    with django_capture_on_commit_callbacks(execute=True):
        ask(http)
    assert list(YearlyReport.objects.values_list("state", flat=True)) == ["klaar", "mislukt"]


def test_a_report_is_rendered_once_even_when_the_task_is_delivered_twice(world, monkeypatch):
    report = YearlyReport.objects.create(organisation=world.menen, year=LAST_YEAR, requested_by=world.hilde)
    calls = []
    real = services.render_pdf_and_figures
    monkeypatch.setattr(services, "render_pdf_and_figures", lambda *args: calls.append(args) or real(*args))
    assert services.render_report(report.pk).state == "klaar"
    assert services.render_report(report.pk) is None and len(calls) == 1
    # A rendering whose worker died long ago is taken up again; a live one is not.
    YearlyReport.objects.filter(pk=report.pk).update(state="bezig", started_at=timezone.now())
    assert services.render_report(report.pk) is None
    YearlyReport.objects.filter(pk=report.pk).update(started_at=timezone.now() - STALE_RENDERING * 2)
    assert services.render_report(report.pk).state == "klaar" and len(calls) == 2


def test_a_report_left_behind_is_asked_again(world, login):
    http = login(world.hilde)
    ask(http)
    stuck = YearlyReport.objects.get()
    YearlyReport.objects.filter(pk=stuck.pk).update(state="bezig", started_at=timezone.now() - STALE_RENDERING * 2)
    response = ask(http)
    stuck.refresh_from_db()
    assert stuck.state == "mislukt" and "onderbroken" in stuck.failure
    fresh = YearlyReport.objects.exclude(pk=stuck.pk).get()
    assert fresh.state == "wachtrij" and response.url == fresh.get_absolute_url()
    # A queued report that no worker took for that long is left behind as well.
    YearlyReport.objects.filter(pk=fresh.pk).update(queued_at=timezone.now() - STALE_RENDERING * 2)
    ask(http)
    assert YearlyReport.objects.filter(state="mislukt").count() == 2 and YearlyReport.objects.pending().count() == 1


def test_a_rendering_overtaken_by_another_worker_does_not_overwrite_it(world, monkeypatch):
    report = YearlyReport.objects.create(organisation=world.menen, year=LAST_YEAR, requested_by=world.hilde)
    real = services.render_pdf_and_figures

    def slow(organisation, year):  # while this worker pauses, the report is claimed again by another
        YearlyReport.objects.filter(pk=report.pk).update(started_at=timezone.now() - STALE_RENDERING * 2)
        monkeypatch.setattr(services, "render_pdf_and_figures", real)
        assert services.render_report(report.pk).state == "klaar"
        YearlyReport.objects.filter(pk=report.pk).update(figures={"the": "newer result"})
        return real(organisation, year)

    monkeypatch.setattr(services, "render_pdf_and_figures", slow)
    services.render_report(report.pk)
    report.refresh_from_db()
    assert report.state == "klaar" and report.figures == {"the": "newer result"}


def test_the_head_e_mails_the_report_to_the_schepen(world, login, django_capture_on_commit_callbacks):
    http = login(world.hilde)
    with django_capture_on_commit_callbacks(execute=True):
        ask(http)
    report = YearlyReport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(reverse("reporting:report_email", args=[report.pk]), follow=True)
    assert "wordt verstuurd naar sam@example.be" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["sam@example.be"] and str(LAST_YEAR) in message.subject and "OCMW Menen" in message.subject
    [(filename, content, mimetype)] = message.attachments
    assert filename == f"jaarverslag-menen-{LAST_YEAR}.pdf" and content.startswith(b"%PDF")
    assert mimetype == "application/pdf"
    report.refresh_from_db()
    assert report.emailed_to == "sam@example.be" and report.emailed_at
    # Once sent, the page offers no second sending and a crafted request is refused.
    again = http.post(reverse("reporting:report_email", args=[report.pk]), follow=True).content.decode()
    assert "werd al gemaild" in again and "Mailen naar de schepen" not in again and len(mail.outbox) == 1


def test_a_double_click_sends_one_e_mail(world, login, django_capture_on_commit_callbacks):
    http = login(world.hilde)
    with django_capture_on_commit_callbacks(execute=True):
        ask(http)
    report = YearlyReport.objects.get()
    with django_capture_on_commit_callbacks() as queued:  # both clicks before the worker runs
        http.post(reverse("reporting:report_email", args=[report.pk]))
        http.post(reverse("reporting:report_email", args=[report.pk]))
    assert len(queued) == 2
    for task in queued:
        task()
    assert len(mail.outbox) == 1


def test_without_a_schepen_the_report_is_not_e_mailed(world, login, django_capture_on_commit_callbacks):
    world.sam.is_active = False
    world.sam.save()
    http = login(world.hilde)
    with django_capture_on_commit_callbacks(execute=True):
        ask(http)
    report = YearlyReport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(reverse("reporting:report_email", args=[report.pk]), follow=True)
    assert "Geen schepen van OCMW Menen" in response.content.decode() and not mail.outbox


def test_who_may_see_ask_and_send(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(login(world.hilde))
    report = YearlyReport.objects.get()
    urls = [reverse("reporting:reports"), report.get_absolute_url(), reverse("reporting:report_pdf", args=[report.pk])]
    sam = login(world.sam)  # the schepen reads and downloads, but does not ask or send
    assert [sam.get(url).status_code for url in urls] == [200, 200, 200]
    assert ask(sam).status_code == 403
    assert sam.post(reverse("reporting:report_email", args=[report.pk])).status_code == 403
    for user in (world.alice, world.bea, world.rita):
        http = login(user)
        assert [http.get(url).status_code for url in urls] == [403, 403, 403]
    olga = login(world.olga)  # another organisation's head
    assert [olga.get(url).status_code for url in urls] == [200, 404, 404]
    assert world.menen.name not in olga.get(urls[0]).content.decode()
    assert olga.post(reverse("reporting:report_email", args=[report.pk])).status_code == 404
    anonymous = Client()
    assert all(anonymous.get(url).status_code == 302 for url in urls)


def test_the_list_takes_a_fixed_number_of_queries(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = login(world.hilde)

    def count():
        with CaptureQueriesContext(connection) as context:
            http.get(reverse("reporting:reports"))
        return len(context)

    YearlyReport.objects.create(organisation=world.menen, year=2020, requested_by=world.hilde)
    few = count()
    for year in (2021, 2022, 2023):
        YearlyReport.objects.create(organisation=world.menen, year=year, requested_by=world.sam)
    assert count() == few

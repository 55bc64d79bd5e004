"""Yearly reports when background processing fails: the broker is down when the report is asked for,
its task is lost, or the rendering got stuck. The page answers, the report stays queued and the sweep
queues it again or fails it with a reason; the head asks again at once for a failed report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from reporting import services, tasks
from reporting.models import YearlyReport

LAST_YEAR = timezone.localdate().year - 1
BROKER_DOWN = "De achtergrondverwerking is nu niet beschikbaar. Het verslag blijft in de wachtrij"


def ask(http, year=LAST_YEAR, **extra):
    return http.post(reverse("reporting:reports"), {"year": year}, **extra)


def queued(world, **fields):
    """A report of Menen whose task the broker took (unless published_at=None)."""
    report = YearlyReport.objects.create(organisation=world.menen, year=LAST_YEAR, requested_by=world.hilde)
    YearlyReport.objects.filter(pk=report.pk).update(**{"published_at": timezone.now(), **fields})
    report.refresh_from_db()
    return report


def ago(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


@pytest.fixture
def broker_down(monkeypatch):
    calls = []

    def unreachable(*args, **kwargs):
        calls.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_yearly_report, "delay", unreachable)
    return calls


@pytest.mark.django_db(transaction=True)  # the task is queued on the real commit, within the request
def test_asking_while_the_broker_is_down_answers_and_keeps_the_report_queued(world, login, broker_down, caplog):
    http = login(world.hilde)
    response = ask(http)
    report = YearlyReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert report.state == "wachtrij" and len(broker_down) == 1 and report.published_at is None
    assert "not queued: the broker is unreachable" in caplog.text
    page = http.get(response.url).content.decode()
    assert BROKER_DOWN in page and "In de wachtrij" in page and "was niet bereikbaar" in page
    # Asking again sends the task again (it never reached the broker); still one report.
    again = ask(http, follow=True).content.decode()
    assert len(broker_down) == 2 and YearlyReport.objects.count() == 1
    assert "wordt al gemaakt" in again and BROKER_DOWN in again


@pytest.mark.django_db(transaction=True)
def test_e_mailing_while_the_broker_is_down_answers_and_says_so(world, login, monkeypatch):
    report = queued(world, state="klaar")
    monkeypatch.setattr(tasks.email_yearly_report, "delay", lambda *args: (_ for _ in ()).throw(
        OperationalError("Connection refused.")))
    response = login(world.hilde).post(reverse("reporting:report_email", args=[report.pk]), follow=True)
    assert response.status_code == 200 and "het verslag werd niet gemaild" in response.content.decode()
    report.refresh_from_db()
    assert report.emailed_at is None  # nothing claimed: the head e-mails it again later


@pytest.mark.django_db
def test_a_report_is_queued_only_after_the_commit(world, login, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.render_yearly_report, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks() as callbacks:
        ask(login(world.hilde))
        assert sent == []  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent == [(YearlyReport.objects.get().pk,)] and YearlyReport.objects.get().published_at


@pytest.mark.django_db
def test_the_sweep_queues_again_a_report_no_worker_took(world, login, django_capture_on_commit_callbacks):
    lost = queued(world, queued_at=ago(11))
    recent = YearlyReport.objects.create(organisation=world.wervik, year=LAST_YEAR, requested_by=world.olga)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = tasks.sweep_stuck_reports()
    assert counts == {"failed": 0, "requeued": 1, "given_up": 0} and len(callbacks) == 1
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.state == "klaar" and lost.attempts == 2  # queued again, and made by the (eager) task
    assert recent.state == "wachtrij" and recent.attempts == 1  # not waiting long enough to be swept


@pytest.mark.django_db
def test_the_sweep_gives_up_after_the_last_attempt_with_a_reason(world, login, settings,
                                                                   django_capture_on_commit_callbacks):
    report = queued(world, queued_at=ago(11), attempts=settings.REPORT_MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert tasks.sweep_stuck_reports()["given_up"] == 1
    report.refresh_from_db()
    assert callbacks == [] and report.state == "mislukt" and report.finished_at
    page = login(world.hilde).get(report.get_absolute_url()).content.decode()
    assert f"Het verslag stond {settings.REPORT_MAX_ATTEMPTS} keer in de wachtrij" in page
    assert "Opnieuw aanvragen" in page


@pytest.mark.django_db
def test_the_sweep_fails_a_rendering_that_got_stuck_with_a_visible_reason(world, login):
    stuck = queued(world, state="bezig", started_at=ago(16))
    other = YearlyReport.objects.create(organisation=world.wervik, year=LAST_YEAR, requested_by=world.olga,
                                        state="bezig", started_at=ago(1))
    assert tasks.sweep_stuck_reports()["failed"] == 1
    stuck.refresh_from_db()
    other.refresh_from_db()
    assert stuck.state == "mislukt" and stuck.failure == "Het maken liep vast; vraag het opnieuw aan."
    assert other.state == "bezig"
    # A task of the stuck rendering that comes back late does not render it (the claim is gone).
    assert services.render_report(stuck.pk) is None
    page = login(world.hilde).get(stuck.get_absolute_url()).content.decode()
    assert "Het maken liep vast; vraag het opnieuw aan." in page and "Opnieuw aanvragen" in page


@pytest.mark.django_db
def test_the_sweep_follows_the_clock(world, time_machine):
    report = queued(world)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=9), tick=False)
    assert tasks.sweep_stuck_reports()["requeued"] == 0
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2), tick=False)
    assert tasks.sweep_stuck_reports()["requeued"] == 1
    report.refresh_from_db()
    assert report.attempts == 2 and report.queued_at == timezone.now()


@pytest.mark.django_db
def test_the_next_sweep_sends_a_task_that_never_reached_the_broker(world, time_machine, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.render_yearly_report, "delay", lambda *args: sent.append(args))
    missed = queued(world, published_at=None)  # asked while Redis was down
    assert tasks.sweep_stuck_reports()["requeued"] == 0  # its commit may be a moment ago
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=61), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stuck_reports()["requeued"] == 1
    missed.refresh_from_db()
    assert sent == [(missed.pk,)] and missed.published_at == timezone.now() and missed.attempts == 2


@pytest.mark.django_db
def test_a_failed_report_is_asked_again_at_once(world, login, django_capture_on_commit_callbacks):
    failed = queued(world, state="mislukt", failure="Het maken liep vast; vraag het opnieuw aan.",
                    attempts=3, finished_at=ago(1))
    http = login(world.hilde)
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(reverse("reporting:report_retry", args=[failed.pk]))
    assert response.status_code == 302 and response.url == failed.get_absolute_url()
    failed.refresh_from_db()
    assert failed.state == "klaar" and failed.failure == "" and failed.attempts == 1
    assert YearlyReport.objects.count() == 1  # the same report, asked again
    # Nothing to ask again once it is made.
    response = http.post(reverse("reporting:report_retry", args=[failed.pk]), follow=True)
    assert "niets opnieuw aan te vragen" in response.content.decode()


@pytest.mark.django_db
def test_asking_again_for_a_failed_report_while_another_is_on_its_way_shows_that_one(world, login):
    failed = queued(world, state="mislukt", failure="x")
    pending = queued(world)
    response = login(world.hilde).post(reverse("reporting:report_retry", args=[failed.pk]))
    assert response.url == pending.get_absolute_url()
    failed.refresh_from_db()
    assert failed.state == "mislukt"


@pytest.mark.django_db
def test_a_stalled_report_does_not_block_asking_again(world, login):
    stalled = queued(world, queued_at=ago(11))
    response = ask(login(world.hilde))
    stalled.refresh_from_db()
    fresh = YearlyReport.objects.exclude(pk=stalled.pk).get()
    assert stalled.state == "mislukt" and response.url == fresh.get_absolute_url() and fresh.state == "wachtrij"


@pytest.mark.django_db
def test_only_the_head_asks_again(world, login):
    failed = queued(world, state="mislukt", failure="x")
    url = reverse("reporting:report_retry", args=[failed.pk])
    assert login(world.sam).post(url).status_code == 403
    assert login(world.alice).post(url).status_code == 403
    assert login(world.olga).post(url).status_code == 404  # another organisation's head
    assert login(world.hilde).get(url).status_code == 405
    failed.refresh_from_db()
    assert failed.state == "mislukt"
    page = login(world.sam).get(failed.get_absolute_url()).content.decode()
    assert "Opnieuw aanvragen" not in page

"""On a real Redis broker with real Celery worker processes (PostgreSQL shared between the test
and the workers): the beat-scheduled task creates the reminders and sends the digest, and a worker
killed in the middle of a task and started again leaves no duplicate reminder and no duplicate
e-mail. Needs DATABASE_URL (PostgreSQL) and REDIS_URL; CI provides both."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from reminders.models import Digest, Reminder
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def services_for_workers(world, tmp_path):
    require_service(connection.vendor == "postgresql", "a PostgreSQL DATABASE_URL (workers share the test database)")
    require_service(bool(os.environ.get("REDIS_URL")), "REDIS_URL")
    # A Redis database of its own, emptied first (CELERY_TEST_REDIS_DB lets two runs on one machine coexist).
    broker = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/" + os.environ.get("CELERY_TEST_REDIS_DB", "14")
    redis.Redis.from_url(broker).flushdb()
    settings = connection.settings_dict
    database = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    mails = tmp_path / "mails"
    mails.mkdir()
    return {"DATABASE_URL": database, "REDIS_URL": broker, "EMAIL_URL": f"filemail:///{mails}",
            "CELERY_VISIBILITY_TIMEOUT": "3", "CELERY_RESTORE_INTERVAL": "1", "CELERY_RESTORE_THROTTLE": "1"}, mails


class Worker:
    def __init__(self, environment, *extra):
        env = {**os.environ, **environment}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ocmw_activation", "worker", "--pool", "solo", "-l", "info",
             "--without-gossip", "--without-mingle", *extra],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition, seconds=60, what="the workers"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} did not get there in {seconds} s")


def sent_mails(folder):
    return sorted(folder.glob("*.log"))


def queue_evaluation(environment):
    """Send the daily task to the broker the way beat does, from a separate process."""
    queue(environment, "from reminders.tasks import evaluate_reminders; evaluate_reminders.delay()")


def queue(environment, code):
    """Send a task to the broker from a separate process (the tests themselves run tasks eagerly)."""
    code = f"import ocmw_activation; {code}"
    subprocess.run([sys.executable, "-c", f"import django, os; os.environ.setdefault("
                    f"'DJANGO_SETTINGS_MODULE', 'ocmw_activation.settings'); django.setup(); {code}"],
                   cwd=ROOT, env={**os.environ, **environment}, check=True, timeout=60)


def make_due(world):
    """Alice's running TWE started 90 days ago without any contact moment: rule 3 is due."""
    assert (datetime.date.today() - world.trajectory.start_date).days >= 30


def test_beat_creates_the_reminders_and_sends_the_digest(services_for_workers, world):
    environment, mails = services_for_workers
    make_due(world)
    worker = Worker({**environment, "REMINDERS_EVERY_SECONDS": "2"}, "--beat", "--schedule",
                    str(mails.parent / "beat-schedule"))
    try:
        wait_for(lambda: Reminder.objects.exists() and len(sent_mails(mails)) == 1, what="beat, worker and digest")
        time.sleep(5)  # beat fires again twice: still one reminder, still one e-mail
    finally:
        worker.stop()
    assert list(Reminder.objects.visible_to(world.alice).values_list("rule", flat=True)) == ["geen_contact"]
    assert len(sent_mails(mails)) == 1
    assert world.alice.email in sent_mails(mails)[0].read_text()


@pytest.mark.parametrize("point", ["evaluated", "claimed"])
def test_a_worker_killed_mid_task_leaves_no_duplicates(services_for_workers, world, point):
    environment, mails = services_for_workers
    make_due(world)
    first = Worker({**environment, "REMINDERS_FAULT_PAUSE": f"{point}:60"})
    try:
        queue_evaluation(environment)
        if point == "evaluated":
            wait_for(lambda: Reminder.objects.exists(), what="the first worker")
        else:
            wait_for(lambda: Digest.objects.exists(), what="the first worker")
        time.sleep(0.5)
    finally:
        first.kill()  # in the middle of the task: not acknowledged
    assert sent_mails(mails) == []

    broker = redis.Redis.from_url(environment["REDIS_URL"])
    assert broker.hlen("unacked") == 1  # the killed worker's task waits to be delivered again

    second = Worker(environment)  # Redis hands the unacknowledged task to the new worker
    try:
        wait_for(lambda: broker.hlen("unacked") == 0 and broker.llen("celery") == 0, what="the restarted worker")
        if point == "evaluated":
            wait_for(lambda: len(sent_mails(mails)) == 1, what="the digest after the restart")
        time.sleep(2)
    finally:
        second.stop()
    assert Reminder.objects.count() == 1
    assert Digest.objects.count() == 1
    if point == "evaluated":
        assert len(sent_mails(mails)) == 1  # the redelivered task made no second reminder, and mailed once
    else:
        # Killed between claiming and sending: at most once by design, so no mail rather than two;
        # the reminder stays on the counsellor's page.
        assert sent_mails(mails) == [] and Digest.objects.get().sent_at is None


def test_a_worker_renders_the_yearly_report_and_mails_it(services_for_workers, world, tmp_path):
    from reporting.models import YearlyReport

    environment, mails = services_for_workers
    environment = {**environment, "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
    report = YearlyReport.objects.create(organisation=world.menen, year=datetime.date.today().year - 1,
                                         requested_by=world.hilde)
    worker = Worker(environment)
    try:
        queue(environment, f"from reporting.tasks import render_yearly_report; render_yearly_report.delay({report.pk})")
        wait_for(lambda: YearlyReport.objects.get(pk=report.pk).state == "klaar", what="the report rendering")
        queue(environment, f"from reporting.tasks import email_yearly_report; email_yearly_report.delay({report.pk})")
        wait_for(lambda: len(sent_mails(mails)) == 1, what="the report e-mail")
    finally:
        worker.stop()
    report.refresh_from_db()
    assert (tmp_path / "media" / report.pdf.name).read_bytes().startswith(b"%PDF")
    assert report.emailed_to == world.sam.email
    mail = sent_mails(mails)[0].read_text()
    assert f"To: {world.sam.email}" in mail and "application/pdf" in mail

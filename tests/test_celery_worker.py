"""On a real Redis broker with real Celery worker processes (PostgreSQL shared between the test
and the workers): the beat-scheduled task creates the reminders and sends the digest, and a worker
killed in the middle of a task and started again leaves no duplicate reminder and no lost or second
e-mail (a second copy only when killed after the mail server took it, with the same Message-ID).
tests/test_digest_faults.py kills workers at random. Needs DATABASE_URL (PostgreSQL) and REDIS_URL;
CI provides both."""

import datetime
import email
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
            "CELERY_VISIBILITY_TIMEOUT": "3", "CELERY_RESTORE_INTERVAL": "1", "CELERY_RESTORE_THROTTLE": "1",
            "REMINDERS_DIGEST_LEASE_SECONDS": "2"}, mails


class Worker:
    def __init__(self, environment, *extra, log=None):
        """log: a file for the worker's output (else a pipe nobody reads, fine for a short test)."""
        env = {**os.environ, **environment}
        self.log = log
        output = open(log, "ab") if log else subprocess.PIPE  # noqa: SIM115 (the worker's, closed with it)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ocmw_activation", "worker", "--pool", "solo", "-l", "info",
             "--without-gossip", "--without-mingle", *extra],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        if log:
            output.close()

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


def mail_messages(folder):
    """Every e-mail the file backend wrote (it may append several to one file), parsed."""
    separator = b"\n" + b"-" * 79 + b"\n"
    return [email.message_from_bytes(raw.strip(b"\n")) for path in sent_mails(folder)
            for raw in path.read_bytes().split(separator) if raw.strip()]


def message_id(message):
    return "".join(message["Message-ID"].split())  # unfolded


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


@pytest.mark.parametrize("point", ["evaluated", "claimed", "sent"])
def test_a_worker_killed_mid_task_leaves_no_duplicates(services_for_workers, world, point):
    environment, mails = services_for_workers
    make_due(world)
    first = Worker({**environment, "REMINDERS_FAULT_PAUSE": f"{point}:60"})
    try:
        queue_evaluation(environment)
        if point == "evaluated":
            wait_for(lambda: Reminder.objects.exists(), what="the first worker")
        elif point == "claimed":
            wait_for(lambda: Digest.objects.exists(), what="the first worker")
        else:
            wait_for(lambda: len(sent_mails(mails)) == 1, what="the first worker")
        time.sleep(0.5)
    finally:
        first.kill()  # in the middle of the task: not acknowledged
    assert len(mail_messages(mails)) == (1 if point == "sent" else 0)

    broker = redis.Redis.from_url(environment["REDIS_URL"])
    # The killed worker's task waits to be delivered again (with, on a slow machine, the digest retry
    # that a starting worker queues, if it was still running: reminders.apps, worker_ready).
    assert broker.hlen("unacked") >= 1

    second = Worker(environment)  # Redis hands the unacknowledged task to the new worker
    try:
        wait_for(lambda: broker.hlen("unacked") == 0 and broker.llen("celery") == 0, what="the restarted worker")
        wait_for(lambda: Digest.objects.filter(sent_at__isnull=False).exists(), what="the digest after the restart")
        time.sleep(2)
    finally:
        second.stop()
    assert Reminder.objects.count() == 1
    sent = Digest.objects.get()
    assert list(sent.reminders.all()) == list(Reminder.objects.all())
    messages = mail_messages(mails)
    if point == "sent":
        # The one window left: killed after the mail server took the e-mail and before sent_at was
        # committed. The take-over hands it over again with the same Message-ID (de-duplicated).
        assert [message_id(message) for message in messages] == [sent.message_id] * 2
    else:
        # The redelivered task made no second reminder; a digest claimed and not sent is taken over
        # once its lease expired, and mailed once.
        assert [message_id(message) for message in messages] == [sent.message_id]
    assert sent.attempts == (1 if point == "evaluated" else 2)
    assert world.alice.email in messages[0]["To"]


def test_a_worker_renders_the_yearly_report_and_mails_it(services_for_workers, world, tmp_path):
    from reporting.models import YearlyReport

    environment, mails = services_for_workers
    environment = {**environment, "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
    report = YearlyReport.objects.create(organisation=world.menen, year=datetime.date.today().year - 1,
                                         requested_by=world.hilde)
    worker = Worker(environment)
    try:
        queue(environment, f"from reporting.tasks import render_yearly_report; render_yearly_report.delay({report.pk})")
        wait_for(lambda: YearlyReport.objects.get(pk=report.pk).state == "klaar", seconds=180,
                 what="the report rendering")
        queue(environment, f"from reporting.tasks import email_yearly_report; email_yearly_report.delay({report.pk})")
        # The file backend creates the file before it writes the message: wait for the whole message,
        # not for the file (stopping the worker in between interrupted the send, one CI run in many).
        wait_for(lambda: len(sent_mails(mails)) == 1 and "application/pdf" in sent_mails(mails)[0].read_text(),
                 what="the report e-mail")
    finally:
        worker.stop()
    report.refresh_from_db()
    assert (tmp_path / "media" / report.pdf.name).read_bytes().startswith(b"%PDF")
    assert report.emailed_to == world.sam.email
    mail = sent_mails(mails)[0].read_text()
    assert f"To: {world.sam.email}" in mail and "application/pdf" in mail

"""Redis killed while a yearly report is asked for (and while a worker holds another report's task),
on a private redis-server and a real Celery worker: the request answers in a moment and keeps the
report queued, the worker survives the broker loss, and once Redis is back the sweep gets every report
made (or failed with a reason the head can ask again for). Needs redis-server, DATABASE_URL
(PostgreSQL) and REDIS_URL, like tests/test_celery_worker.py whose fixture and Worker it reuses."""

import datetime
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis

from reporting.models import YearlyReport
from tests import test_celery_worker
from tests.conftest import require_service
from tests.test_celery_worker import Worker, queue, wait_for

services_for_workers = test_celery_worker.services_for_workers  # the fixture: a Redis database, the test DB

pytestmark = pytest.mark.django_db(transaction=True)
LAST_YEAR = datetime.date.today().year - 1


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own, without persistence: killing it loses what it held, as a
    crashed or recreated Redis container without its volume does."""

    def __init__(self, folder):
        self.port, self.folder, self.process = free_port(), folder, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.answers, 10, "redis-server")

    def answers(self):
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            return False

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def state(report):
    return YearlyReport.objects.get(pk=report.pk).state


def sweep(environment):
    queue(environment, "from reporting.tasks import sweep_stuck_reports; sweep_stuck_reports()")


def in_a_process(environment, code, result):
    """Run code in a separate process (a web or beat process of its own); what it writes to `out` comes back."""
    queue(environment, f"out = open({str(result)!r}, 'w'); {code}")
    return result.read_text()


@pytest.mark.parametrize("pool", ["solo", "prefork"])
def test_redis_killed_while_a_report_is_asked_for(services_for_workers, world, tmp_path, pool):
    require_service(shutil.which("redis-server") is not None, "redis-server")
    environment, _mails = services_for_workers
    server = PrivateRedis(tmp_path)
    server.start()
    environment = {**environment, "REDIS_URL": server.url, "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
                   # The sweep's limits, short for the test; the held rendering lasts 4 s.
                   "REPORT_QUEUE_TIMEOUT_SECONDS": "2", "REPORT_RENDER_TIMEOUT_SECONDS": "20",
                   "REPORT_FAULT_PAUSE": "4"}
    held = YearlyReport.objects.create(organisation=world.menen, year=LAST_YEAR, requested_by=world.hilde)
    extra = ("--pool", "prefork", "--concurrency", "2") if pool == "prefork" else ()  # as in docker-compose.yml
    worker = Worker(environment, *extra)
    figures = {}
    try:
        queue(environment, f"from reporting.tasks import render_yearly_report; render_yearly_report.delay({held.pk})")
        wait_for(lambda: state(held) == "bezig", 60, "the worker taking the first report")
        server.kill()  # while the worker holds that report's task
        figures["asking for a report, Redis down"] = float(in_a_process(
            environment, "import time; from organisations.models import Organisation, User; "
            "from reporting import services; started = time.monotonic(); "
            f"services.request_report(Organisation.objects.get(slug='wervik'), {LAST_YEAR}, "
            "User.objects.get(email='olga@example.be')); out.write(str(time.monotonic() - started))",
            tmp_path / "asked.txt"))
        asked = YearlyReport.objects.get(organisation=world.wervik)
        assert asked.state == "wachtrij" and asked.published_at is None
        time.sleep(3)  # Redis stays away a while; the worker keeps trying
        assert worker.process.poll() is None, "the worker exited when Redis went away"
        server.start()
        back = time.monotonic()

        def settled():
            sweep(environment)  # what beat does every REPORT_SWEEP_SECONDS
            return {state(held), state(asked)} <= {"klaar", "mislukt"}

        wait_for(settled, 90, "the reports after Redis came back")
        figures["Redis back until both reports made or failed"] = time.monotonic() - back
        assert worker.process.poll() is None, "the worker exited after Redis came back"
        held.refresh_from_db()
        outcome = f"held report {held.state} {held.failure}".strip()
        if held.state == "mislukt":  # the head asks again for it (the button's service)
            asked_again = time.monotonic()
            queue(environment, f"from reporting import services; services.ask_again({held.pk})")
            wait_for(lambda: state(held) == "klaar", 60, "the report asked again")
            figures["asked again until made"] = time.monotonic() - asked_again
        assert worker.process.poll() is None
    finally:
        worker.stop()
        server.kill()
        output = worker.process.stdout.read().decode(errors="replace")
    print(f"\n[{pool}] " + "; ".join(f"{what}: {seconds:.1f} s" for what, seconds in figures.items())
          + f"; {outcome}")
    assert "Unrecoverable error" not in output, output[-4000:]
    held.refresh_from_db()
    asked.refresh_from_db()
    assert asked.state == "klaar" and asked.attempts == 2  # queued again by the sweep, then made
    assert held.state == "klaar"

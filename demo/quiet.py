"""Seeding the embedded demo quietly (issue 22): `make demo` used to print some 300 lines of e-mail, an
English log line per task and kombu's "No hostname was supplied" above the logins.

Without REDIS_URL, Celery runs tasks in this process (settings: CELERY_TASK_ALWAYS_EAGER), so the
seeding itself runs the reminder scan the demo queues, the digests that scan sends and the notice
about the colleague waiting for approval. Their e-mails go to the demo's own (fictional) addresses;
the embedded demo's e-mail backend prints every message on the console, which is what a person trying
the demo wants once the server runs, not while seeding. While seeding they are kept in memory and
counted instead (the digests are still claimed and marked sent, as a mail server would have them).
Celery's English "Task … succeeded" lines are left out while seeding (and by the settings in the
embedded demo's server); kombu's "No hostname was supplied" is settled in the settings. A real
failure still shows: an eager task raises into the command.

With a broker (REDIS_URL), a worker runs the tasks and sends the e-mails through the configured
backend; nothing is changed then."""

import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.core import mail
from django.test.utils import override_settings

from reminders import tasks as reminder_tasks

KEPT_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@dataclass
class Seeding:
    in_process: bool  # tasks ran in this process (no broker)
    emails: int = 0  # e-mails those tasks sent, kept in memory


def tasks_run_in_process():
    """True when Celery runs tasks eagerly in this process (the embedded demo, the tests)."""
    return bool(reminder_tasks.evaluate_reminders.app.conf.task_always_eager)


@contextmanager
def seeding_quietly():
    """Around the seeding: yields a Seeding that says, afterwards, how many e-mails were kept."""
    seeding = Seeding(in_process=tasks_run_in_process())
    if not seeding.in_process:
        yield seeding
        return
    trace = logging.getLogger("celery.app.trace")  # the settings quiet it too, when REDIS_URL is unset
    level, before = trace.level, len(getattr(mail, "outbox", []))
    trace.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND=KEPT_BACKEND):
            yield seeding
    finally:
        trace.setLevel(level)
        seeding.emails = len(getattr(mail, "outbox", [])) - before

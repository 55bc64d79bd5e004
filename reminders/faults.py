"""Fault injection for the worker integration tests (tests/test_celery_worker.py,
tests/test_digest_faults.py) only."""

import time

from django.conf import settings


def pause(point):
    """Wait at a named point when settings.REMINDERS_FAULT_PAUSE says so ("claimed:20", or several:
    "claimed:0.2,sent:5"), so a test can kill the worker exactly there. Empty in production: no effect.
    Points: "evaluated" (reminders created, digests not queued), "claimed" (a digest claimed with its
    reminders and Message-ID, not sent), "sent" (the e-mail handed over, sent_at not yet recorded)."""
    for configured in filter(None, settings.REMINDERS_FAULT_PAUSE.split(",")):
        name, _, seconds = configured.strip().partition(":")
        if name == point:
            time.sleep(float(seconds))

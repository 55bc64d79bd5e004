"""Fault injection for the worker integration test (tests/test_celery_worker.py) only."""

import time

from django.conf import settings


def pause(point):
    """Wait at a named point when settings.REMINDERS_FAULT_PAUSE says so ("claimed:20"), so the
    test can kill the worker exactly there. Empty in production: no effect."""
    configured, _, seconds = settings.REMINDERS_FAULT_PAUSE.partition(":")
    if configured == point:
        time.sleep(int(seconds))

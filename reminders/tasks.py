"""Celery tasks. Both are idempotent (the database keeps reminders and digests unique), run with
acks_late so a task that dies with its worker is delivered again, and retry with backoff when the
database or the mail server cannot be reached."""

import datetime
import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import digest, engine, faults

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError, smtplib.SMTPException, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


def _day(value):
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(**RETRY)
def evaluate_reminders(day=None, only_if_missing=False):
    """The daily job (Celery beat): create the due reminders of every day since the last one scanned, in
    order (engine.catch_up: a day beat missed is evaluated too), then queue the digests. With
    `only_if_missing` (the hourly beat entry, for a beat that was down at the scan time) nothing
    happens when the day was scanned already; None then."""
    today = _day(day)
    if only_if_missing and engine.scanned(today):
        return None
    totals = engine.catch_up(today)
    faults.pause("evaluated")
    send_digests.delay(today.isoformat())
    return {str(rule): count for rule, count in totals.items()}


@shared_task(**RETRY)
def send_digests(day=None):
    """With a day (queued by the evaluation): the digests left unsent, then that day's. Without (a
    worker starting, beat every 10 minutes): only the digests whose claim expired unsent."""
    return digest.send_digests(_day(day) if day else None)

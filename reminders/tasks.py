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
def evaluate_reminders(day=None):
    """The daily job (Celery beat): create the due reminders, then queue the digests."""
    totals = engine.evaluate(_day(day))
    faults.pause("evaluated")
    send_digests.delay(_day(day).isoformat())
    return {str(rule): count for rule, count in totals.items()}


@shared_task(**RETRY)
def send_digests(day=None):
    return digest.send_digests(_day(day))

"""Celery tasks for the yearly report. Delivered again when a worker dies (acks_late); rendering
claims the report first, so a second delivery never renders it twice."""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

RETRY = {"acks_late": True, "autoretry_for": (OperationalError, InterfaceError), "retry_backoff": True,
         "retry_backoff_max": 600, "max_retries": 8}


# No result is read: ignore_result spares the queueing a round trip to the result backend (a second
# place to wait for when Redis is down).
@shared_task(**RETRY, ignore_result=True)
def render_yearly_report(report_id):
    report = services.render_report(report_id)
    return report.state if report else None


@shared_task(**{**RETRY, "autoretry_for": (*RETRY["autoretry_for"], smtplib.SMTPException, ConnectionError)},
             ignore_result=True)
def email_yearly_report(report_id):
    services.email_report(report_id)


@shared_task(**RETRY, ignore_result=True)
def sweep_stuck_reports():
    """Every few minutes (settings.CELERY_BEAT_SCHEDULE): reports whose task was lost are queued again
    or marked failed (services.sweep_stuck_reports)."""
    return services.sweep_stuck_reports()

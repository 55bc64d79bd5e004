"""Celery tasks for the yearly report. Delivered again when a worker dies (acks_late); rendering
claims the report first, so a second delivery never renders it twice."""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

RETRY = {"acks_late": True, "autoretry_for": (OperationalError, InterfaceError), "retry_backoff": True,
         "retry_backoff_max": 600, "max_retries": 8}


@shared_task(**RETRY)
def render_yearly_report(report_id):
    report = services.render_report(report_id)
    return report.state if report else None


@shared_task(**{**RETRY, "autoretry_for": (*RETRY["autoretry_for"], smtplib.SMTPException, ConnectionError)})
def email_yearly_report(report_id):
    services.email_report(report_id)

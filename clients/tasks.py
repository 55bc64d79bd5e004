"""The nightly retention run (Celery beat). Idempotent: an anonymised file is never due again."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import retention


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, max_retries=8)
def anonymise_expired_files():
    return retention.run()

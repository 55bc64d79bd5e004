"""Nightly: an uploaded caseload file holds national numbers; one that was previewed but never
confirmed is not kept longer than a day."""

import datetime

from celery import shared_task
from django.utils import timezone

from .models import Upload

KEEP_UNCONFIRMED = datetime.timedelta(days=1)


@shared_task(acks_late=True)
def forget_abandoned_uploads():
    deleted, _by_model = Upload.objects.unscoped().filter(uploaded_at__lt=timezone.now() - KEEP_UNCONFIRMED).delete()
    return deleted

"""Nightly: files in the documents storage that no document refers to are removed after a day.
They are left by a request that stored its upload and then rolled back as a whole, or by an
organisation an operator removed in the admin. A day's grace keeps an upload that is being
committed right now."""

import datetime

from celery import shared_task
from django.utils import timezone

from .models import Document, documents_storage

GRACE = datetime.timedelta(days=1)
ROOT = "documenten"


@shared_task(acks_late=True)
def remove_orphan_files():
    storage = documents_storage()
    if not storage.exists(ROOT):
        return 0
    known = set(Document.objects.unscoped().values_list("file", flat=True))
    cutoff = timezone.now() - GRACE
    removed = 0
    for folder in storage.listdir(ROOT)[0]:
        for name in storage.listdir(f"{ROOT}/{folder}")[1]:
            path = f"{ROOT}/{folder}/{name}"
            if path not in known and storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                removed += 1
    return removed

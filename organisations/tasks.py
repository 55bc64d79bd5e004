"""E-mails about accounts (organisations.accounts): the account log's entries that have people to
tell are sent by this task, queued when the entry is committed and swept every few minutes by beat,
so a notice whose task was lost (a worker killed, Redis down) still goes out. Each entry is locked
while it is sent and marked in the same transaction: sent at least once, and a second worker skips
what the first one holds."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .accounts import recent_changes
from .models import AccountEvent

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError, smtplib.SMTPException, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(**RETRY)
def send_account_notices():
    sent = 0
    while _send_next():
        sent += 1
    return sent


def _send_next():
    with transaction.atomic():
        event = (AccountEvent.objects.unscoped().select_for_update(skip_locked=True, of=("self",))
                 .select_related("organisation", "actor", "subject", "request")
                 .filter(notified_at__isnull=True).order_by("pk").first())
        if event is None:
            return False
        _send(event)
        AccountEvent.objects.unscoped().filter(pk=event.pk).update(notified_at=timezone.now())
        return True


def _send(event):
    recent = recent_changes([event.subject_id], before=event.at).get(event.subject_id, []) \
        if event.action == AccountEvent.Action.REQUESTED else []
    with translation.override(settings.LANGUAGE_CODE):
        context = {"event": event, "site_url": settings.SITE_URL, "recent": recent}
        subject = render_to_string("organisations/account_notice_subject.txt", context).strip()
        body = render_to_string("organisations/account_notice_email.txt", context)
    send_mail(subject, body, None, event.notify)

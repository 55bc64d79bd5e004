"""The daily digest: one e-mail per person with the reminders that are new for them."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organisations.models import User

from . import faults
from .models import Digest, Reminder

logger = logging.getLogger(__name__)


def _claim(user, day):
    """The day's digest for this person, claimed and committed before anything is sent; None when
    another run claimed it already. A worker that dies after this point never causes a second
    e-mail (at most the digest is lost, and the reminders stay in the app)."""
    try:
        with transaction.atomic():
            return Digest.objects.create(recipient=user, day=day)
    except IntegrityError:
        return None


def send_digests(day):
    """Send today's digests; returns how many were sent. Nothing new, no e-mail."""
    pending = Reminder.objects.open_on(day).filter(digest__isnull=True, recipient__is_active=True,
                                                   recipient__email__gt="")
    sent = 0
    for user in User.objects.filter(pk__in=pending.values("recipient")).order_by("pk"):
        digest = _claim(user, day)
        if digest is None:
            continue
        pending.filter(recipient=user).update(digest=digest)
        faults.pause("claimed")
        reminders = list(digest.reminders.select_related("client", "trajectory", "agreement__employer"))
        if reminders:
            _send(user, reminders, day)
            digest.sent_at = timezone.now()
            digest.save(update_fields=["sent_at"])
            sent += 1
        else:
            logger.info("digest for %s on %s: nothing left after claiming", user.pk, day)
    return sent


def _send(user, reminders, day):
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "reminders": reminders, "day": day, "site_url": settings.SITE_URL}
        subject = _("Follow-up: %(count)s new reminders") % {"count": len(reminders)}
        message = EmailMultiAlternatives(subject, render_to_string("reminders/digest.txt", context),
                                         to=[user.email])
        message.attach_alternative(render_to_string("reminders/digest.html", context), "text/html")
        message.send()

"""The daily digest: one e-mail per person with the reminders that are new for them, at least once
and never twice.

Claim: a run creates the person's Digest row for the day, attaches the reminders it tells about and
gives it its Message-ID (django.core.mail.make_msgid), all in one transaction (_claim), before anything
is sent. No claim exists without its reminders, and from then on the e-mail's content and Message-ID
are fixed.

Lease: a claim holds for settings.REMINDERS_DIGEST_LEASE_SECONDS. A digest still without sent_at after
that (its worker died between the claim and the send) or whose send failed (the claim is given back at
once) is taken over by a later run with a conditional UPDATE (_take_over: of two runs only one gets it)
and sent with the same reminders and the same Message-ID. Later runs: the next day's run (earlier days'
digests too), every 10 minutes (beat, "retry-unsent-digests") and whenever a worker starts (apps.py,
worker_ready).

Never twice: sent_at is recorded by one UPDATE right after the mail server accepted the e-mail. The one
window left is a worker killed between that acceptance and the commit of sent_at: the take-over then
hands the e-mail over again with the SAME Message-ID, which mail systems treat as the same message and
de-duplicate. That is at-least-once delivery with an idempotency key; exactly-once would need the mail
server inside our transaction. A worker that outlived its lease (a send that hung; EMAIL_TIMEOUT bounds
it well below the lease) checks just before it sends that the claim is still its own.
"""

import datetime
import logging
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from organisations.models import Role, User

from . import faults
from .models import Digest, Reminder

logger = logging.getLogger(__name__)


class _NothingToSay(Exception):
    """The reminders went to another digest meanwhile: no claim."""


def _message_id():
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost")


def _claim(user, day, reminder_ids):
    """The person's new digest for the day, committed with its reminders and its Message-ID before
    anything is sent; None when the person has one for the day already (sent, or claimed by another
    run: the unique constraint) or the reminders went to another digest meanwhile."""
    try:
        with transaction.atomic():
            digest = Digest.objects.create(recipient=user, day=day, claimed_at=timezone.now(),
                                           message_id=_message_id())
            if not Reminder.objects.unscoped().filter(pk__in=reminder_ids, digest__isnull=True).update(digest=digest):
                raise _NothingToSay
            return digest
    except (IntegrityError, _NothingToSay):
        return None


def _up_for_take_over(now):
    """Unsent, and its claim given back or older than the lease."""
    cutoff = now - datetime.timedelta(seconds=settings.REMINDERS_DIGEST_LEASE_SECONDS)
    return Q(sent_at__isnull=True) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=cutoff))


def _take_over(digest_id):
    """Claim again an unsent digest whose claim expired or was given back; None when another run was
    first (the UPDATE's condition is checked again on the locked row). A digest claimed before claims
    carried their content (no Message-ID) gets its Message-ID and the person's waiting reminders now."""
    now = timezone.now()
    with transaction.atomic():
        if not Digest.objects.filter(_up_for_take_over(now), pk=digest_id).update(
                claimed_at=now, attempts=F("attempts") + 1):
            return None
        digest = Digest.objects.select_related("recipient").get(pk=digest_id)
        if not digest.message_id:
            digest.message_id = _message_id()
            digest.save(update_fields=["message_id"])
            waiting = _recipients(Reminder.objects.unscoped().open_on(digest.day).filter(digest__isnull=True))
            Reminder.objects.unscoped().filter(pk__in=waiting.get(digest.recipient_id, []),
                                               digest__isnull=True).update(digest=digest)
        return digest


def _recipients(pending):
    """{person: [reminder ids]}: the client's counsellor today if still an active counsellor,
    else the organisation's head of service. Never anyone else (no schepen, no beheerder)."""
    rows = list(pending.values_list("pk", "organisation_id", "client__counsellor_id", "client__counsellor__is_active",
                                    "client__counsellor__role"))
    heads = {}
    for organisation_id, head_id in (User.objects.filter(role=Role.HEAD, is_active=True,
                                                         organisation_id__in={row[1] for row in rows})
                                     .order_by("-pk").values_list("organisation_id", "pk")):
        heads[organisation_id] = head_id  # the first (lowest id) head wins
    by_person = defaultdict(list)
    for pk, organisation_id, counsellor_id, active, role in rows:
        person = counsellor_id if counsellor_id and active and role == Role.COUNSELLOR else heads.get(organisation_id)
        if person:
            by_person[person].append(pk)
    return by_person


def send_digests(day=None):
    """Send the unsent digests whose claim expired or was given back (of any day), then, given a day,
    that day's new digests; returns how many were sent. Without a day (a worker starting, every 10
    minutes) only the former: a day's new digests wait for that day's evaluation. Nothing new, no
    e-mail. A failed send does not stop the others; the first error is raised at the end (the task
    retries with backoff, and the digest's claim was given back)."""
    sent, errors = 0, []
    for digest_id in (Digest.objects.filter(_up_for_take_over(timezone.now())).order_by("day", "pk")
                      .values_list("pk", flat=True)):
        digest = _take_over(digest_id)
        if digest is not None:
            sent += _attempt(digest, errors)
    if day is not None:
        by_person = _recipients(Reminder.objects.unscoped().open_on(day).filter(digest__isnull=True))
        people = User.objects.in_bulk(list(by_person))
        for person_id, reminder_ids in sorted(by_person.items()):
            user = people[person_id]
            if not user.email or Digest.objects.filter(recipient=user, day=day).exists():
                continue  # the day's digest went already (or is being sent): these wait for the next day
            digest = _claim(user, day, reminder_ids)
            if digest is not None:
                sent += _attempt(digest, errors)
    if errors:
        raise errors[0]
    return sent


def _attempt(digest, errors):
    faults.pause("claimed")
    try:
        return int(_deliver(digest))
    except Exception as error:
        logger.warning("digest %s for %s not sent: %r", digest.pk, digest.recipient_id, error)
        errors.append(error)
        return 0


def _deliver(digest):
    """Send a claimed digest and record it; False when there is nothing to send or the claim is no
    longer ours. A failed send gives the claim back at once, so the retry sends it (same Message-ID)."""
    reminders = list(digest.reminders.select_related("client", "trajectory", "agreement__employer"))
    if not reminders:  # they were deleted (with their client): nothing left to tell
        digest.delete()
        return False
    unsent = Digest.objects.filter(pk=digest.pk, sent_at__isnull=True)
    ours = unsent.filter(claimed_at=digest.claimed_at)
    if not ours.exists():
        return False
    try:
        _send(digest.recipient, reminders, digest.day, digest.message_id)
    except Exception:
        ours.update(claimed_at=None)
        raise
    faults.pause("sent")
    unsent.update(sent_at=timezone.now())  # the window to keep minimal: one UPDATE, in autocommit
    return True


def _send(user, reminders, day, message_id):
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "reminders": reminders, "day": day, "site_url": settings.SITE_URL}
        subject = ngettext("Follow-up: %(count)s new reminder", "Follow-up: %(count)s new reminders",
                           len(reminders)) % {"count": len(reminders)}
        message = EmailMultiAlternatives(subject, render_to_string("reminders/digest.txt", context),
                                         to=[user.email], headers={"Message-ID": message_id})
        message.attach_alternative(render_to_string("reminders/digest.html", context), "text/html")
        message.send()

"""The daily digest: one e-mail per person with the reminders that are new for them."""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from organisations.models import Role, User

from . import faults
from .models import Digest, Reminder

logger = logging.getLogger(__name__)


def _claim(user, day):
    """The day's digest for this person, claimed and committed before anything is sent; None when
    another run claimed it already. A worker killed after this point never causes a second e-mail
    (at most that digest is lost; the reminders stay in the app). A send that fails with an error
    gives the claim back, so the retry sends it."""
    try:
        with transaction.atomic():
            return Digest.objects.create(recipient=user, day=day)
    except IntegrityError:
        return None


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


def send_digests(day):
    """Send the day's digests; returns how many were sent. Nothing new, no e-mail."""
    by_person = _recipients(Reminder.objects.unscoped().open_on(day).filter(digest__isnull=True))
    people = User.objects.in_bulk(list(by_person))
    sent = 0
    for person_id, reminder_ids in sorted(by_person.items()):
        user = people[person_id]
        if not user.email:
            continue
        digest = _claim(user, day)
        if digest is None:
            continue
        Reminder.objects.unscoped().filter(pk__in=reminder_ids, digest__isnull=True).update(digest=digest)
        faults.pause("claimed")
        reminders = list(digest.reminders.select_related("client", "trajectory", "agreement__employer"))
        try:
            _send(user, reminders, day)
        except Exception:
            digest.delete()  # frees its reminders (SET_NULL) for the retry
            raise
        digest.sent_at = timezone.now()
        digest.save(update_fields=["sent_at"])
        sent += 1
    return sent


def _send(user, reminders, day):
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "reminders": reminders, "day": day, "site_url": settings.SITE_URL}
        subject = ngettext("Follow-up: %(count)s new reminder", "Follow-up: %(count)s new reminders",
                           len(reminders)) % {"count": len(reminders)}
        message = EmailMultiAlternatives(subject, render_to_string("reminders/digest.txt", context),
                                         to=[user.email])
        message.attach_alternative(render_to_string("reminders/digest.html", context), "text/html")
        message.send()

"""Retention (GDPR storage limitation): a closed case file is anonymised once the organisation's
retention period (default 10 years) has passed since its last trajectory ended or its last contact
moment (or, with neither, since the file was made). Editing a closed file does not restart it.

Names, numbers, street address and postcode, free text, barriers, care partners, goals, reminders,
documents (their files too) and the change history go; what the figures count stays: the
organisation, the municipality, the trajectories with their type, dates, steps, outcome and employer.
So every yearly report, made before or after, shows the same numbers. An anonymised file is read-only.
Each app says what of its data goes in its `privacy` module (common.personal_data); this module
knows no other app's models.

All set-based: a fixed number of queries whatever the number of files."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from common import personal_data

from .models import Client

NEVER = datetime.date(1900, 1, 1)


def due(today, organisations=None):
    """Closed, not yet anonymised files whose retention period has passed on `today`."""
    if organisations is None:  # every organisation, reached through the client's own relation
        organisations = Client._meta.get_field("organisation").related_model.objects.all()
    organisations = list(organisations)
    if not organisations:
        return Client.objects.none()
    by_period = {}
    for organisation in organisations:
        by_period.setdefault(organisation.retention_years, []).append(organisation.pk)
    expired = Q()
    for years, members in by_period.items():
        limit = today - relativedelta(years=years)
        expired |= Q(organisation__in=members) & (Q(last_activity__gt=NEVER, last_activity__lte=limit) | Q(
            last_activity=NEVER, created_at__date__lte=limit))
    return (Client.objects.filter(status=Client.Status.CLOSED, anonymised_at__isnull=True)
            .annotate(last_activity=Greatest(Max("trajectories__end_date", default=NEVER),
                                             Max("contact_moments__date", default=NEVER)))
            .filter(expired))


@transaction.atomic
def anonymise(client_ids):
    """Remove the personal data of these files, keeping what the figures count; returns how many
    files were anonymised."""
    personal_data.erase(client_ids)  # every app's data, children (documents, reminders) first
    count = Client.objects.filter(pk__in=client_ids).update(anonymised_at=timezone.now())
    personal_data.forget_history(client_ids)  # last: after every change that may have written history
    return count


def run(today=None, organisations=None):
    """Anonymise every file that is due; returns {organisation: number anonymised}."""
    today = today or timezone.localdate()
    rows = list(due(today, organisations).values_list("pk", "organisation__name"))
    anonymise([pk for pk, _name in rows])
    counts = {}
    for _pk, name in rows:
        counts[name] = counts.get(name, 0) + 1
    return counts

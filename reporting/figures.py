"""Every reported figure is computed here, aggregated only: no names, no national numbers."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from clients.models import Client, ContactMoment
from trajectories.models import Placement, TrajectoryEvent
from trajectories.rules import RUNNING, Outcome


def caseload_overview(organisations):
    """Per organisation: clients by status and contact moments in the last 30 days."""
    since = timezone.localdate() - datetime.timedelta(days=30)
    by_status = {
        row["organisation"]: row
        for row in Client.objects.filter(organisation__in=organisations).values("organisation").annotate(
            total=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in Client.Status.values},
        )
    }
    contacts = dict(
        ContactMoment.objects.filter(client__organisation__in=organisations, date__gte=since)
        .values("client__organisation").annotate(n=Count("pk")).values_list("client__organisation", "n")
    )
    return [
        {
            "organisation": organisation,
            "total": by_status.get(organisation.pk, {}).get("total", 0),
            "statuses": [(label, by_status.get(organisation.pk, {}).get(value, 0))
                         for value, label in Client.Status.choices],
            "contacts_30_days": contacts.get(organisation.pk, 0),
        }
        for organisation in organisations
    ]


def employer_results(employers):
    """Per employer id: clients who actually worked there (their trajectory started; a proposal
    that never started does not count), how many of those trajectories ended in work (stayed on or
    hired after), and how many work there today."""
    today = timezone.localdate()
    started = Exists(TrajectoryEvent.objects.filter(trajectory=OuterRef("trajectory"), action="start"))
    working_now = Q(trajectory__status__in=RUNNING) & Q(start_date__lte=today) & (
        Q(end_date__isnull=True) | Q(end_date__gte=today))
    rows = (Placement.objects.filter(started, employer__in=employers).values("employer")
            .annotate(placed=Count("trajectory__client", distinct=True),
                      to_work=Count("trajectory__client", distinct=True,
                                    filter=Q(trajectory__outcome=Outcome.WERK)),
                      running=Count("trajectory__client", distinct=True, filter=working_now)))
    return {row["employer"]: row for row in rows}

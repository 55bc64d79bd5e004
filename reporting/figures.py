"""Figures about partner employers for their own pages, aggregated only: no names, no national numbers."""


from django.db.models import Count, Q
from django.utils import timezone

from trajectories.models import TrajectoryEvent
from trajectories.rules import RUNNING, Outcome


def employer_results(employer):
    """Of one employer (read through a scope): clients who actually worked there (their trajectory started; a proposal
    that never started does not count), how many of those trajectories ended in work (stayed on or
    hired after), and how many work there today."""
    today = timezone.localdate()
    started = TrajectoryEvent.started_exists("trajectory")
    working_now = Q(trajectory__status__in=RUNNING) & Q(start_date__lte=today) & (
        Q(end_date__isnull=True) | Q(end_date__gte=today))
    return (employer.placements.filter(started)
            .aggregate(placed=Count("trajectory__client", distinct=True),
                      to_work=Count("trajectory__client", distinct=True,
                                    filter=Q(trajectory__outcome=Outcome.WERK)),
                      running=Count("trajectory__client", distinct=True, filter=working_now)))

"""The yearly report's figures, exactly as CONTRACTS.md ("Yearly report") defines them, in a few
aggregate queries whatever the size of the organisation. The dashboard, the PDF, the JSON and any
export take their numbers from here.

- a trajectory counts in Y when it ran on at least one day of Y: it started (a start step) on or
  before 31 December and did not end before 1 January;
- gevolgd: distinct clients with a trajectory of the type counting in Y;
- uitstroom: per outcome, distinct clients whose trajectory of the type ended in Y with it (when
  a client ended two of a type in Y, the later one counts);
- lopend: distinct clients with a trajectory of the type still running on 31 December.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q

from trajectories.models import Trajectory, TrajectoryEvent
from trajectories.rules import Outcome, TrajectoryType


def _ran(organisation):
    started = TrajectoryEvent.objects.filter(trajectory=OuterRef("pk"), action="start")
    return Trajectory.objects.filter(Exists(started), client__organisation=organisation).order_by()


def yearly_figures(organisation, year):
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ran = _ran(organisation)
    in_year = ran.filter(Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last)
    rows = in_year.values("type").annotate(
        gevolgd=Count("client", distinct=True),
        lopend=Count("client", distinct=True, filter=Q(end_date__isnull=True) | Q(end_date__gt=last)))
    per_type = {row["type"]: row for row in rows}
    latest = {}
    for client_id, trajectory_type, end, pk, outcome in (
            ran.filter(end_date__range=(first, last)).exclude(outcome="")
            .values_list("client_id", "type", "end_date", "pk", "outcome")):
        key = (client_id, trajectory_type)
        if key not in latest or (end, pk) > latest[key][:2]:
            latest[key] = (end, pk, outcome)
    outcomes = {}
    for (_client, trajectory_type), (_end, _pk, outcome) in latest.items():
        outcomes.setdefault(trajectory_type, {}).setdefault(outcome, 0)
        outcomes[trajectory_type][outcome] += 1
    return {
        "organisation": organisation.slug,
        "year": year,
        "trajecten": {
            trajectory_type: {
                "gevolgd": per_type.get(trajectory_type, {}).get("gevolgd", 0),
                "lopend": per_type.get(trajectory_type, {}).get("lopend", 0),
                "uitstroom": {outcome: outcomes.get(trajectory_type, {}).get(outcome, 0) for outcome in Outcome.values},
            }
            for trajectory_type in TrajectoryType.values
        },
    }

"""The yearly report's figures, exactly as CONTRACTS.md ("Yearly report") defines them, in a few
aggregate queries whatever the size of the organisation or the number of organisations. The
dashboard, the region comparison, the PDF, the JSON and any export take their numbers from here.

- a trajectory counts in Y when it ran on at least one day of Y: it started (a start step) on or
  before 31 December and did not end before 1 January;
- gevolgd: distinct clients with a trajectory of the type counting in Y;
- uitstroom: per outcome, distinct clients whose trajectory of the type ended in Y with it (when
  a client ended two of a type in Y, the later one counts);
- lopend: distinct clients with a trajectory of the type still running on 31 December.
"""

import datetime

from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q

from employers.models import Employer
from trajectories.models import Placement, Trajectory, TrajectoryEvent
from trajectories.rules import Outcome, TrajectoryType


def year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def ran(trajectories):
    """The trajectories that actually started: a registration that never ran counts nowhere."""
    started = TrajectoryEvent.objects.filter(trajectory=OuterRef("pk"), action="start")
    return trajectories.filter(Exists(started)).order_by()


def yearly_figures(organisation, year):
    return yearly_figures_by_organisation([organisation], year)[organisation.pk]


def yearly_figures_by_organisation(organisations, year):
    """{organisation pk: the CONTRACTS.md figures} in two queries, whatever the number of organisations."""
    first, last = year_bounds(year)
    trajectories = ran(Trajectory.objects.filter(client__organisation__in=organisations))
    rows = trajectories.filter(Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last).values(
        "client__organisation", "type").annotate(
        gevolgd=Count("client", distinct=True),
        lopend=Count("client", distinct=True, filter=Q(end_date__isnull=True) | Q(end_date__gt=last)))
    counted = {(row["client__organisation"], row["type"]): row for row in rows}
    outcomes = _outcomes(trajectories.filter(end_date__range=(first, last)).exclude(outcome=""))
    return {organisation.pk: {
        "organisation": organisation.slug,
        "year": year,
        "trajecten": {
            trajectory_type: {
                "gevolgd": counted.get((organisation.pk, trajectory_type), {}).get("gevolgd", 0),
                "lopend": counted.get((organisation.pk, trajectory_type), {}).get("lopend", 0),
                "uitstroom": {outcome: outcomes.get((organisation.pk, trajectory_type, outcome), 0)
                              for outcome in Outcome.values},
            }
            for trajectory_type in TrajectoryType.values
        },
    } for organisation in organisations}


def _outcomes(ended):
    """{(organisation, type, outcome): distinct clients}, the later trajectory counting for a client
    who ended two of a type."""
    latest = {}
    for organisation, client, trajectory_type, end, pk, outcome in ended.values_list(
            "client__organisation", "client", "type", "end_date", "pk", "outcome"):
        key = (organisation, client, trajectory_type)
        if key not in latest or (end, pk) > latest[key][:2]:
            latest[key] = (end, pk, outcome)
    counts = {}
    for (organisation, _client, trajectory_type), (_end, _pk, outcome) in latest.items():
        key = (organisation, trajectory_type, outcome)
        counts[key] = counts.get(key, 0) + 1
    return counts


def average_durations(trajectories, year):
    """{type: average days} of the trajectories that ran and ended in the year, in one query. The end
    date is the last day (DOMAIN.md): 1 January to 31 December lasts 365 days."""
    length = ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    rows = ran(trajectories).filter(end_date__range=year_bounds(year)).values("type").annotate(
        days=Avg(length), n=Count("pk"))
    return {row["type"]: _days(row["days"]) for row in rows}


def _days(value):
    if value is None:
        return None
    days = value.total_seconds() / 86400 if isinstance(value, datetime.timedelta) else value / 86400e6
    return round(days) + 1


def partner_employers(organisation, year, counsellor=None):
    """Partner employers with a client at work (a placement of a trajectory that ran) on a day of the
    year, busiest first: clients placed, how many of their trajectories ended in work in the year, and
    whether it is a new partner (no such placement before the year). One query. With a counsellor:
    the placements of that counsellor's clients only."""
    first, last = year_bounds(year)
    placements = Placement.objects.filter(Exists(
        TrajectoryEvent.objects.filter(trajectory=OuterRef("trajectory"), action="start")))
    earlier = placements.filter(employer=OuterRef("pk"), start_date__lt=first)
    # The placement and its trajectory both reach into the year (an open placement of a trajectory
    # that ended earlier is not work in the year).
    started = Exists(TrajectoryEvent.objects.filter(trajectory=OuterRef("placements__trajectory"), action="start"))
    in_year = (Q(started, placements__start_date__lte=last)
               & (Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=first))
               & (Q(placements__trajectory__end_date__isnull=True) | Q(placements__trajectory__end_date__gte=first)))
    if counsellor is not None:
        in_year &= Q(placements__trajectory__client__counsellor=counsellor)
    rows = (Employer.objects.filter(organisation=organisation, kind=Employer.Kind.PARTNER).filter(in_year)
            .annotate(placed=Count("placements__trajectory__client", distinct=True),
                      to_work=Count("placements__trajectory__client", distinct=True, filter=Q(
                          placements__trajectory__outcome=Outcome.WERK,
                          placements__trajectory__end_date__range=(first, last))),
                      new=~Exists(earlier))
            .values("name", "sector", "placed", "to_work", "new").order_by("-placed", "name"))
    return list(rows)


def busiest(employers, shown):
    """The first `shown` rows of partner_employers, and the rest added up: {"count", "placed", "to_work"}
    (a client placed at two of the rest counts twice there), or None."""
    rest = employers[shown:]
    if not rest:
        return employers, None
    return employers[:shown], {"count": len(rest), "placed": sum(row["placed"] for row in rest),
                               "to_work": sum(row["to_work"] for row in rest)}

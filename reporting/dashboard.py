"""The diensthoofd's dashboard (and the schepen's, without anything personal): figures for one
organisation and year, optionally one counsellor, in a fixed handful of aggregate queries."""

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from clients.models import Client
from employers.models import Employer
from reminders.models import Reminder
from trajectories.models import Trajectory, TrajectoryEvent
from trajectories.rules import RUNNING, Outcome, Status, TrajectoryType

from .yearly import yearly_figures


def dashboard(organisation, year, counsellor=None, *, personal=True):
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    clients = Client.objects.filter(organisation=organisation)
    trajectories = Trajectory.objects.filter(client__organisation=organisation).order_by()
    events = TrajectoryEvent.objects.filter(trajectory__client__organisation=organisation).order_by()
    if counsellor is not None:
        clients = clients.filter(counsellor=counsellor)
        trajectories = trajectories.filter(client__counsellor=counsellor)
        events = events.filter(trajectory__client__counsellor=counsellor)
    by_status = {(row["type"], row["status"]): row["n"] for row in trajectories.values("type", "status")
                 .annotate(n=Count("pk"))}
    duration = ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    durations = {row["type"]: row["days"] for row in trajectories.filter(end_date__range=(first, last))
                 .values("type").annotate(days=Avg(duration))}
    figures = yearly_figures(organisation, year) if counsellor is None else None
    return {
        "year": year,
        "caseload": list(clients.exclude(status=Client.Status.CLOSED).values(
            "counsellor__first_name", "counsellor__last_name").annotate(n=Count("pk")).order_by("-n"))
        if personal else [],
        "open_clients": clients.exclude(status=Client.Status.CLOSED).count(),
        "types": [{
            "label": label,
            "statuses": [by_status.get((code, status), 0) for status in Status.values],
            "average_days": _days(durations.get(code)),
            "figures": figures["trajecten"][code] if figures else None,
            "outcomes": [figures["trajecten"][code]["uitstroom"][outcome] for outcome in Outcome.values]
            if figures else None,
        } for code, label in TrajectoryType.choices],
        "statuses": Status.choices,
        "outcome_labels": [label for _code, label in Outcome.choices],
        "months": monthly_flow(trajectories, events, first, last),
        "employers_active": Employer.objects.filter(
            organisation=organisation, kind=Employer.Kind.PARTNER, placements__start_date__lte=last).filter(
            Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=first)).distinct().count(),
        "reminders_overdue": Reminder.objects.filter(organisation=organisation, status=Reminder.Status.OPEN,
                                                     due_date__lt=timezone.localdate()).count(),
        "running_now": trajectories.filter(status__in=RUNNING).count(),
    }


def monthly_flow(trajectories, events, first, last):
    """[(month, trajectories started, trajectories ended)] for the twelve months, in two queries."""
    started = dict(events.filter(action="start", date__range=(first, last)).annotate(month=ExtractMonth("date"))
                   .values("month").annotate(n=Count("pk")).values_list("month", "n"))
    ended = dict(trajectories.filter(end_date__range=(first, last)).annotate(month=ExtractMonth("end_date"))
                 .values("month").annotate(n=Count("pk")).values_list("month", "n"))
    return [(month, started.get(month, 0), ended.get(month, 0)) for month in range(1, 13)]


def organisation_flow(organisation, year):
    """The monthly flow of a whole organisation, for the yearly report."""
    return monthly_flow(Trajectory.objects.filter(client__organisation=organisation).order_by(),
                        TrajectoryEvent.objects.filter(trajectory__client__organisation=organisation).order_by(),
                        datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _days(value):
    if value is None:
        return None
    return round(value.total_seconds() / 86400) if isinstance(value, datetime.timedelta) else round(value / 86400e6)

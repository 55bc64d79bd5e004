"""The diensthoofd's dashboard (and the schepen's, without anything personal): figures for one
organisation and year, optionally one counsellor, in a fixed handful of aggregate queries; and the
region coordinator's comparison of the member OCMWs is reporting.region's."""

from django.db.models import Count
from django.utils import timezone

from clients.models import Client
from reminders.models import Reminder
from trajectories.models import Trajectory
from trajectories.rules import RUNNING, Outcome, Status, TrajectoryType

from . import headline as headlines
from .headline import headline
from .suppression import (
    hide_employers,
    hide_modules,
    suppress,
    suppress_figure,
    suppress_table,
)
from .yearly import (
    busiest,
    module_figures,
    module_sets,
    module_table,
    partner_employers,
    yearly_report_figures_by_organisation,
    yearly_summary,
)


def dashboard(organisation, year, counsellor=None, *, personal=True):
    clients, trajectories, reminders = scope(organisation, counsellor)
    by_status = {(row["type"], row["status"]): row["n"] for row in trajectories.values("type", "status")
                 .annotate(n=Count("pk"))}
    summary = yearly_summary(trajectories, year, organisation if counsellor is None else None)
    figures, durations = summary["figures"], summary["durations"]
    employers = partner_employers(organisation, year, counsellor)
    # One query gives the caseload per counsellor and, added up, the open files.
    caseload = list(open_files(clients).values(
        "counsellor", "counsellor__first_name", "counsellor__last_name").annotate(n=Count("pk")).order_by("-n"))
    # The group modules and the ladder are the organisation's (a session is nobody's caseload).
    modules = module_sets([organisation], year) if counsellor is None else None
    # People counted once, and the rates: the organisation's (the GPMI and the leefloon are not a caseload's).
    report = yearly_report_figures_by_organisation([organisation], year, sets=summary["sets"], modules=modules)[
        organisation.pk] if counsellor is None else None
    return {
        "year": year,
        "caseload": caseload if personal else [],
        "open_clients": sum(row["n"] for row in caseload),
        "types": [{
            "code": code,
            "label": label,
            "status_counts": [(by_status.get((code, status), 0), status) for status in Status.values],
            "average_days": durations.get(code),
            "figures": figures["trajecten"][code] if figures else None,
            "outcomes": [figures["trajecten"][code]["uitstroom"][outcome] for outcome in Outcome.values]
            if figures else None,
            "outcome_counts": [(figures["trajecten"][code]["uitstroom"][outcome], outcome)
                               for outcome in Outcome.values] if figures else None,
        } for code, label in TrajectoryType.choices],
        "statuses": Status.choices,
        "outcome_labels": [label for _code, label in Outcome.choices],
        "outcome_codes": Outcome.values,
        "months": summary["months"],
        "employers_active": len(employers),
        "employers_new": sum(1 for row in employers if row["new"]),
        **dict(zip(("employers", "other_employers"), busiest(employers, 10), strict=True)),
        "reminders_overdue": overdue(reminders).count(),
        "running_now": sum(n for (_type, status), n in by_status.items() if status in RUNNING),
        "headline": headline(report) if report else None,
        "group_modules": {**module_figures(modules, organisation.pk), "modules": module_table(modules, organisation.pk)}
        if modules else None,
    }


def hide_small_numbers(data, threshold):
    """The dashboard as a schepen sees it: no count from 1 up to below the threshold
    (reporting.suppression); the diensthoofd keeps `data` as it is."""
    types, statuses = data["types"], [status for _code, status in data["statuses"]]
    # Trajectories by type and status, the running ones adding up to "running now".
    cells = {(t["code"], status): count for t in types for count, status in t["status_counts"]}
    cells["running_now"] = data["running_now"]
    running = [(t["code"], status) for t in types for status in statuses if status in RUNNING]
    cells = suppress(cells, threshold, [(running, "running_now")])
    shown_types = [{**t, "status_counts": [(cells[(t["code"], status)], status)
                                           for _count, status in t["status_counts"]]} for t in types]
    if types[0]["outcome_counts"] is not None:
        # Outcomes per type; the chart draws their totals per outcome, so those count as shown totals.
        rows = [[count for count, _outcome in t["outcome_counts"]] for t in types]
        columns = [sum(column) for column in zip(*rows, strict=True)]
        rows, _none, columns = suppress_table(rows, threshold, column_totals=columns)
        # An average over fewer ended trajectories than the threshold would tell of those few people.
        shown_types = [{**t, "outcome_counts": list(zip(row, data["outcome_codes"], strict=True)),
                        "average_days": t["average_days"] if sum(t["outcomes"]) >= threshold else None,
                        "outcomes": row, "figures": {**t["figures"],
                                                     "gevolgd": suppress_figure(t["figures"]["gevolgd"], threshold)}}
                       for t, row in zip(shown_types, rows, strict=True)]
        outcome_totals = columns
    else:
        outcome_totals = None
    employers, other = hide_employers(data["employers"], data["other_employers"], threshold)
    modules = data["group_modules"]
    if modules:
        figures, table = hide_modules(modules, modules["modules"], threshold)
        modules = {**figures, "modules": table}
    months = [(month, suppress_figure(started, threshold), suppress_figure(ended, threshold))
              for month, started, ended in data["months"]]
    return {**data, "types": shown_types, "outcome_totals": outcome_totals, "months": months,
            "headline": headlines.hide_small_numbers(data["headline"], threshold) if data["headline"] else None,
            "running_now": cells["running_now"],
            "open_clients": suppress_figure(data["open_clients"], threshold),
            "reminders_overdue": suppress_figure(data["reminders_overdue"], threshold),
            "employers": employers, "other_employers": other, "group_modules": modules,
            "threshold": threshold}


def scope(organisation, counsellor=None):
    """(clients, trajectories, reminders) a dashboard counts: the organisation's, or those of one
    counsellor's clients. The lists behind the figures (behind.py) start from the same."""
    clients = Client.objects.of_organisation(organisation)
    trajectories = Trajectory.objects.of_organisation(organisation).order_by()
    reminders = Reminder.objects.of_organisation(organisation)
    if counsellor is not None:
        clients = clients.filter(counsellor=counsellor)
        trajectories = trajectories.filter(client__counsellor=counsellor)
        reminders = reminders.filter(client__counsellor=counsellor)
    return clients, trajectories, reminders


def open_files(clients):
    return clients.exclude(status=Client.Status.CLOSED)


def overdue(reminders):
    today = timezone.localdate()
    return reminders.open_on(today).filter(due_date__lt=today)

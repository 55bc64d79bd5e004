"""The yearly report's figures, exactly as CONTRACTS.md ("Yearly report") defines them, in a few
queries whatever the size of the organisation or the number of organisations. The
dashboard, the region comparison, the PDF, the JSON and any export take their numbers from here.

- a trajectory counts in Y when it ran on at least one day of Y: it started (a start step) on or
  before 31 December and did not end before 1 January;
- gevolgd: distinct clients with a trajectory of the type counting in Y;
- uitstroom: per outcome, distinct clients whose trajectory of the type ended in Y with it (when
  a client ended two of a type in Y, the later one counts);
- lopend: distinct clients with a trajectory of the type still running on 31 December.

Version 2 of the JSON adds people, counted once each whatever their number of trajectories
(`yearly_report_figures`; people_figures says how each is read):
- personen: gevolgd, naar_werk, leefloners, in_activering;
- gpmi: ondertekend, vrijgesteld, zonder (these three add up to the leefloners), laattijdig;
- gpmi_jaren (beyond the contract's keys): the GPMI years that ended in Y, and those kept (with the
  evaluations the organisation asks);
- leefloon_verlaten (beyond the contract's keys): werk, uitkering, ander: the people whose latest
  trajectory that ended in Y (with it recorded) left the leefloon, by why. An art. 60 §7
  employment that ends in unemployment benefit reached its goal, though its outcome is werkloos.
- groepsmodules and participatieladder (issue 19; module_sets says how each is read): the group
  modules' participants, sessions held and attendances of the year, and the people measured on the
  participation ladder and those who moved up a rung. A session is *held* when it was not cancelled
  and its day has come (on or before today): the coming weeks of the current year are planned, not held.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client
from employers.models import Employer
from gpmi import rules as gpmi_rules
from gpmi.models import Exemption, Gpmi, GpmiEvaluation
from gpmi.selectors import unmet
from groupmodules.models import Attendance, Session
from groupmodules.rules import ABSENT, ATTENDED
from ladder.models import LadderMeasurement
from leefloon.models import LeefloonDecision
from trajectories.models import Placement, Trajectory, TrajectoryEvent
from trajectories.rules import LEFT_LEEFLOON, Outcome, TrajectoryType


def year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def yearly_figures(organisation, year):
    return yearly_figures_by_organisation([organisation], year)[organisation.pk]


def yearly_figures_by_organisation(organisations, year):
    """{organisation pk: the CONTRACTS.md figures} in one query, whatever the number of organisations."""
    return _figures(organisations, year, year_sets(
        Trajectory.objects.of_organisations(organisations), year))


def yearly_report_figures(organisation, year, today=None):
    return yearly_report_figures_by_organisation([organisation], year, today)[organisation.pk]


def yearly_report_figures_by_organisation(organisations, year, today=None, *, sets=None, modules=None):
    """The figures of the yearly report's JSON, version 2: those of yearly_figures_by_organisation
    with `personen`, `gpmi`, `gpmi_jaren`, `groepsmodules` and `participatieladder`, in seven queries
    (the trajectories, the leefloners, the GPMIs and their evaluations, the attendances, the sessions
    held, the ladder) whatever the number of clients or organisations. A caller that has read the
    year's trajectories (YearSets of these organisations) or modules (ModuleSets) passes them."""
    if sets is None:
        sets = year_sets(Trajectory.objects.of_organisations(organisations), year)
    figures = _figures(organisations, year, sets)
    for pk, people in people_figures(organisations, year, sets, today).items():
        figures[pk].update(people)
    if modules is None:
        modules = module_sets(organisations, year, today)
    for organisation in organisations:
        figures[organisation.pk].update(module_figures(modules, organisation.pk))
    return figures


def yearly_summary(trajectories, year, organisation=None):
    """From one read of `trajectories` (an organisation's, or one counsellor's clients'): the
    CONTRACTS.md figures of `organisation` when given, the average durations, and the monthly flow."""
    sets = year_sets(trajectories, year)
    return {"sets": sets, "figures": _figures([organisation], year, sets)[organisation.pk] if organisation else None,
            "durations": _durations(sets), "months": _monthly_flow(sets),
            "left_leefloon": _left_leefloon(sets, organisation.pk) if organisation else None}


def average_durations(trajectories, year):
    """{type: average days} of the trajectories that ran and ended in the year, in one query. The end
    date is the last day (DOMAIN.md): 1 January to 31 December lasts 365 days."""
    return _durations(year_sets(trajectories, year))


def _rows_of_year(trajectories, year):
    """The trajectories counting in the year, as (organisation, client, type, start, end, pk, outcome,
    leefloon_after):
    one read of a few thousand short rows, from which every figure of the year is taken (cheaper
    than one aggregate query per figure, each scanning the organisation's whole history)."""
    first, last = year_bounds(year)
    return list(trajectories.ran().order_by()
                .filter(Q(end_date__isnull=True) | Q(end_date__gte=first), start_date__lte=last)
                .values_list("client__organisation", "client", "type", "start_date", "end_date", "pk", "outcome",
                             "leefloon_after"))


@dataclass
class YearSets:
    """Who and what is behind each figure of a year: the dashboard and the report count these sets,
    and the lists behind the dashboard's figures (reporting/behind.py) show them, so a figure and
    its list always agree."""

    followed: dict = field(default_factory=lambda: defaultdict(set))  # (organisation, type): clients
    running: dict = field(default_factory=lambda: defaultdict(set))  # (organisation, type): clients
    outcomes: dict = field(default_factory=lambda: defaultdict(set))  # (organisation, type, outcome): clients
    ended: dict = field(default_factory=lambda: defaultdict(dict))  # type: {trajectory: days}
    started_in: dict = field(default_factory=lambda: defaultdict(set))  # month: trajectories
    ended_in: dict = field(default_factory=lambda: defaultdict(set))  # month: trajectories
    people: dict = field(default_factory=lambda: defaultdict(set))  # organisation: clients, any type
    to_work: dict = field(default_factory=lambda: defaultdict(set))  # organisation: clients, one ended in werk
    # (organisation, client): (end, pk, leefloon_after) of their latest trajectory ended in the year
    # that recorded whether the leefloon was left.
    leefloon_after: dict = field(default_factory=dict)


def year_sets(trajectories, year):
    return _sets(_rows_of_year(trajectories, year), year)


def _sets(rows, year):
    first, last = year_bounds(year)
    sets, latest_end = YearSets(), {}
    for organisation, client, trajectory_type, start, end, pk, outcome, leefloon_after in rows:
        sets.followed[organisation, trajectory_type].add(client)
        sets.people[organisation].add(client)
        if start.year == year:
            sets.started_in[start.month].add(pk)
        if end is None or end > last:
            sets.running[organisation, trajectory_type].add(client)
            continue
        sets.ended[trajectory_type][pk] = (end - start).days
        sets.ended_in[end.month].add(pk)
        if outcome == Outcome.WERK:
            sets.to_work[organisation].add(client)
        latest = sets.leefloon_after.get((organisation, client))
        if leefloon_after and (latest is None or (end, pk) > latest[:2]):
            sets.leefloon_after[organisation, client] = (end, pk, leefloon_after)
        if outcome:
            # A client who ended two of a type in the year counts once, with the later one.
            key = (organisation, client, trajectory_type)
            if key not in latest_end or (end, pk) > latest_end[key][:2]:
                latest_end[key] = (end, pk, outcome)
    for (organisation, client, trajectory_type), (_end, _pk, outcome) in latest_end.items():
        sets.outcomes[organisation, trajectory_type, outcome].add(client)
    return sets


def _figures(organisations, year, sets):
    return {organisation.pk: {
        "organisation": organisation.slug,
        "year": year,
        "trajecten": {
            trajectory_type: {
                "gevolgd": len(sets.followed[organisation.pk, trajectory_type]),
                "lopend": len(sets.running[organisation.pk, trajectory_type]),
                "uitstroom": {outcome: len(sets.outcomes[organisation.pk, trajectory_type, outcome])
                              for outcome in Outcome.values},
            }
            for trajectory_type in TrajectoryType.values
        },
    } for organisation in organisations}


@dataclass
class PeopleSets:
    """Who is behind the people figures of a year (as YearSets for the trajectories), per
    organisation: the report counts these sets and the lists behind the dashboard show them."""

    leefloners: dict = field(default_factory=lambda: defaultdict(set))  # organisation: clients
    activated: dict = field(default_factory=lambda: defaultdict(set))  # of those, in activation
    signed: dict = field(default_factory=lambda: defaultdict(set))  # leefloners with a GPMI signed by 31/12
    exempted: dict = field(default_factory=lambda: defaultdict(set))  # the others, with an accepted exemption
    late: dict = field(default_factory=lambda: defaultdict(set))  # leefloners whose GPMI deadline was missed
    # GPMI years that ended in the year: (organisation): {(gpmi, number): client}; and those kept.
    gpmi_years: dict = field(default_factory=lambda: defaultdict(dict))
    gpmi_years_kept: dict = field(default_factory=lambda: defaultdict(dict))


def people_sets(organisations, year, sets, today=None):
    """The year's leefloners and their GPMI, from the year's trajectory sets and two queries (the
    leefloners; the GPMI years with their evaluations) whatever the number of clients:

    - leefloners: clients with a leefloon decision running on a day of the year; activated: of
      those, the ones with a trajectory counting in the year, a GPMI in force on a day of it, or a
      group module attended in it (present or late at a session held in the year: the same reading
      as groepsmodules.deelnemers, attended_in_year);
    - signed: leefloners with a GPMI signed on or before 31 December; exempted: the others with an
      exemption accepted on or before 31 December;
    - late: leefloners with a decision whose deadline fell in the year, had passed by `today`, and
      was not met (gpmi.selectors.unmet: the one rule, also behind the reminders and the deadline
      view; a leefloon that ended before its deadline needs no GPMI);
    - gpmi_years (gpmi_year_sets)."""
    first, last = year_bounds(year)
    today = today or timezone.localdate()
    of_client = {"client": OuterRef("pk")}
    signed = Gpmi.objects.filter(**of_client, signed_on__lte=last)
    rows = (Client.objects.of_organisations(organisations)
            .filter(Exists(LeefloonDecision.objects.filter(**of_client).running_in(first, last)))
            .annotate(signed=Exists(signed),
                      exempted=Exists(Exemption.objects.filter(**of_client, accepted_on__lte=last)),
                      gpmi_in_year=Exists(signed.filter(Q(end_date__isnull=True) | Q(end_date__gte=first))),
                      module_in_year=Exists(attended_in_year(year, today).filter(enrolment__client=OuterRef("pk"))),
                      late=Exists(unmet(LeefloonDecision.objects.filter(
                          **of_client, gpmi_deadline__gte=first,
                          gpmi_deadline__lt=min(last + datetime.timedelta(days=1), today)))))
            .order_by().values_list("organisation", "pk", "signed", "exempted", "gpmi_in_year", "module_in_year",
                                    "late"))
    people = PeopleSets()
    for organisation, client, is_signed, is_exempted, gpmi_in_year, module_in_year, late in rows:
        people.leefloners[organisation].add(client)
        if client in sets.people[organisation] or gpmi_in_year or module_in_year:
            people.activated[organisation].add(client)
        if is_signed:
            people.signed[organisation].add(client)
        elif is_exempted:
            people.exempted[organisation].add(client)
        if late:
            people.late[organisation].add(client)
    gpmi_year_sets(people, organisations, year, today)
    return people


def gpmi_year_sets(people, organisations, year, today):
    """Fills people.gpmi_years with the GPMI years (counted from the signing, gpmi.rules.gpmi_years)
    whose last day fell in the year and before `today`, of a GPMI still in force on that day (a
    GPMI that stopped earlier has no whole year to judge); people.gpmi_years_kept with those that
    had the evaluations the organisation asks (per year, and in person). Two queries."""
    first, last = year_bounds(year)
    last = min(last, today - datetime.timedelta(days=1))
    if last < first:
        return
    cadence = {organisation.pk: (organisation.gpmi_evaluations_per_year, organisation.gpmi_in_person_per_year)
               for organisation in organisations}
    gpmis = list(Gpmi.objects.of_organisations(organisations).filter(signed_on__lte=last)
                 .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
                 .order_by().values_list("pk", "client__organisation", "client", "signed_on", "end_date"))
    evaluations = defaultdict(list)
    marks = (GpmiEvaluation.objects.of_organisations(organisations).filter(gpmi__in=[row[0] for row in gpmis])
             .order_by().values_list("gpmi", "date", "in_person"))
    for gpmi, day, in_person in marks:
        evaluations[gpmi].append((day, in_person))
    for gpmi, organisation, client, signed_on, end_date in gpmis:
        per_year, in_person = cadence[organisation]
        until = last if end_date is None else min(last, end_date)
        for gpmi_year in gpmi_rules.gpmi_years(signed_on, until, evaluations[gpmi], per_year=per_year,
                                               in_person_per_year=in_person):
            if first <= gpmi_year.last_day <= until:
                people.gpmi_years[organisation][gpmi, gpmi_year.number] = client
                if gpmi_year.kept:
                    people.gpmi_years_kept[organisation][gpmi, gpmi_year.number] = client


def people_figures(organisations, year, sets, today=None):
    """{organisation pk: {"personen": ..., "gpmi": ..., "gpmi_jaren": ..., "leefloon_verlaten": ...}}
    (CONTRACTS.md, yearly report JSON version 2), counted from people_sets (which says how each is
    read): personen.gevolgd: clients with any trajectory counting in the year; naar_werk: clients
    with a trajectory that ended in the year with outcome werk (whatever else they ended);
    gpmi_jaren (beyond the contract's keys): afgelopen, the GPMI years that ended in the year, and
    in_orde, those with the evaluations the organisation asks."""
    people = people_sets(organisations, year, sets, today)
    figures = {}
    for organisation in organisations:
        pk = organisation.pk
        leefloners, signed, exempted = (len(people.leefloners[pk]), len(people.signed[pk]),
                                        len(people.exempted[pk]))
        figures[pk] = {
            "personen": {"gevolgd": len(sets.people[pk]), "naar_werk": len(sets.to_work[pk]),
                         "leefloners": leefloners, "in_activering": len(people.activated[pk])},
            "gpmi": {"ondertekend": signed, "vrijgesteld": exempted, "zonder": leefloners - signed - exempted,
                     "laattijdig": len(people.late[pk])},
            "gpmi_jaren": {"afgelopen": len(people.gpmi_years[pk]), "in_orde": len(people.gpmi_years_kept[pk])},
            "leefloon_verlaten": _left_leefloon(sets, pk),
        }
    return figures


def held_until(year, today=None):
    """(first, last) day of the year on which a session can have been held: 1 January to 31
    December, or to today in the current year (a session still to come was not held)."""
    first, last = year_bounds(year)
    return first, min(last, today or timezone.localdate())


def held_sessions(sessions, year, today=None):
    """Of `sessions`, those held in the year: not cancelled, on a day of the year up to today."""
    return sessions.filter(cancelled=False, date__range=held_until(year, today))


def attended_in_year(year, today=None):
    """Attendances marked present or late (rules.ATTENDED) at a session held in the year."""
    return Attendance.objects.filter(presence__in=ATTENDED, session__cancelled=False,
                                     session__date__range=held_until(year, today))


@dataclass
class ModuleSets:
    """Who and what is behind the group-module and ladder figures of a year (as YearSets for the
    trajectories): the report and the dashboard count these, the lists behind the dashboard show them."""

    participants: dict = field(default_factory=lambda: defaultdict(set))  # organisation: clients who attended
    module_participants: dict = field(default_factory=lambda: defaultdict(set))  # module: clients who attended
    attended: dict = field(default_factory=lambda: defaultdict(int))  # module: attendances present or late
    absent: dict = field(default_factory=lambda: defaultdict(int))  # module: absences, any reason
    sessions: dict = field(default_factory=lambda: defaultdict(int))  # module: sessions held
    modules: dict = field(default_factory=lambda: defaultdict(list))  # organisation: [(module, title, kind)]
    measured: dict = field(default_factory=lambda: defaultdict(set))  # organisation: clients measured
    moved_up: dict = field(default_factory=lambda: defaultdict(set))  # organisation: clients a rung higher


def module_sets(organisations, year, today=None):
    """The year's group modules and ladder for these organisations, in three queries whatever their size:

    - deelnemers: distinct clients marked present or late (rules.ATTENDED) at a session held in the
      year (not cancelled, its day on or before today); per module the same, of its editions;
    - sessies: sessions held in the year (a cancelled one, or one still to come, was not held);
    - aanwezigheden: attendances marked present or late at a session held in the year (late is
      there: the CONTRACTS.md "marked present" is the room, not the clock); afwezigheden: absences
      marked, excused, unexcused or ill (rules.ABSENT), at a session held in the year;
    - gemeten: distinct clients with a participation-ladder measurement dated in the year; gestegen:
      of those, the ones whose last measurement in the year is at least one rung higher than their
      last one before the year, or, without one before, than their first in the year."""
    sets = ModuleSets()
    marks = (Attendance.objects.of_organisations(organisations)
             .filter(session__cancelled=False, session__date__range=held_until(year, today))
             .order_by().values_list("enrolment__client__organisation", "enrolment__client", "session__edition__module")
             .annotate(present=Count("pk", filter=Q(presence__in=ATTENDED)),
                       away=Count("pk", filter=Q(presence__in=ABSENT))))
    for organisation, client, module, present, away in marks:
        if present:
            sets.participants[organisation].add(client)
            sets.module_participants[module].add(client)
        sets.attended[module] += present
        sets.absent[module] += away
    held = (held_sessions(Session.objects.of_organisations(organisations), year, today).order_by()
            .values_list("edition__module__organisation", "edition__module", "edition__module__title",
                         "edition__module__kind").annotate(n=Count("pk")))
    for organisation, module, title, kind, count in sorted(held, key=lambda row: (row[2], row[1])):
        sets.sessions[module] = count
        sets.modules[organisation].append((module, title, kind))
    first, last = year_bounds(year)
    in_year = LadderMeasurement.objects.filter(client=OuterRef("pk"), date__range=(first, last))
    before = LadderMeasurement.objects.filter(client=OuterRef("pk"), date__lt=first)
    rungs = (Client.objects.of_organisations(organisations).filter(Exists(in_year))
             .annotate(last_rung=Subquery(in_year.order_by("-date").values("rung")[:1]),
                       from_rung=Coalesce(Subquery(before.order_by("-date").values("rung")[:1]),
                                          Subquery(in_year.order_by("date").values("rung")[:1])))
             .order_by().values_list("organisation", "pk", "last_rung", "from_rung"))
    for organisation, client, last_rung, from_rung in rungs:
        sets.measured[organisation].add(client)
        if last_rung > from_rung:
            sets.moved_up[organisation].add(client)
    return sets


def module_figures(sets, organisation):
    """{"groepsmodules": ..., "participatieladder": ...} of one organisation (CONTRACTS.md, version 2)."""
    modules = [module for module, _title, _kind in sets.modules[organisation]]
    return {
        "groepsmodules": {"deelnemers": len(sets.participants[organisation]),
                          "sessies": sum(sets.sessions[module] for module in modules),
                          "aanwezigheden": sum(sets.attended[module] for module in modules),
                          "afwezigheden": sum(sets.absent[module] for module in modules)},
        "participatieladder": {"gemeten": len(sets.measured[organisation]),
                               "gestegen": len(sets.moved_up[organisation])},
    }


def module_table(sets, organisation):
    """Per module with a session held in the year (by title): participants, sessions held, and the
    attendance rate (present or late, of the marks made; None without any mark) as a whole percentage."""
    rows = []
    for module, title, kind in sets.modules[organisation]:
        attended, marked = sets.attended[module], sets.attended[module] + sets.absent[module]
        rows.append({"pk": module, "title": title, "kind": kind,
                     "participants": len(sets.module_participants[module]), "sessions": sets.sessions[module],
                     "attended": attended, "absent": sets.absent[module],
                     "rate": round(100 * attended / marked) if marked else None})
    return rows


def _left_leefloon(sets, organisation):
    """{reason: people} for the reasons that left the leefloon (rules.LEFT_LEEFLOON), each person by
    their latest trajectory ended in the year that recorded it."""
    counts = dict.fromkeys(LEFT_LEEFLOON, 0)
    for (of_organisation, _client), (_end, _pk, after) in sets.leefloon_after.items():
        if of_organisation == organisation and after in counts:
            counts[after] += 1
    return {str(reason): count for reason, count in counts.items()}


def _durations(sets):
    return {trajectory_type: round(sum(days.values()) / len(days)) + 1
            for trajectory_type, days in sets.ended.items() if days}


def _monthly_flow(sets):
    """[(month, trajectories started, trajectories ended)] for the twelve months of the year. A
    trajectory that ran started on the date of its start step (services._move_start); a
    registration that never started counts in neither."""
    return [(month, len(sets.started_in[month]), len(sets.ended_in[month])) for month in range(1, 13)]


def partner_employers(organisation, year, counsellor=None):
    """Partner employers with a client at work (a placement of a trajectory that ran) on a day of the
    year, busiest first: clients placed, how many of their trajectories ended in work in the year, and
    whether it is a new partner (no such placement before the year). One query. With a counsellor:
    the placements of that counsellor's clients only."""
    first, last = year_bounds(year)
    # Only a subquery, correlated on the (scoped) employer: it needs no join to the organisation.
    placements = Placement.objects.filter(TrajectoryEvent.started_exists("trajectory"))
    earlier = placements.filter(employer=OuterRef("pk"), start_date__lt=first)
    # The placement and its trajectory both reach into the year (an open placement of a trajectory
    # that ended earlier is not work in the year).
    started = TrajectoryEvent.started_exists("placements__trajectory")
    in_year = (Q(started, placements__start_date__lte=last)
               & (Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=first))
               & (Q(placements__trajectory__end_date__isnull=True) | Q(placements__trajectory__end_date__gte=first)))
    if counsellor is not None:
        in_year &= Q(placements__trajectory__client__counsellor=counsellor)
    rows = (Employer.objects.of_organisation(organisation).filter(kind=Employer.Kind.PARTNER).filter(in_year)
            .annotate(placed=Count("placements__trajectory__client", distinct=True),
                      to_work=Count("placements__trajectory__client", distinct=True, filter=Q(
                          placements__trajectory__outcome=Outcome.WERK,
                          placements__trajectory__end_date__range=(first, last))),
                      new=~Exists(earlier))
            .values("pk", "name", "sector", "placed", "to_work", "new").order_by("-placed", "name"))
    return list(rows)


def busiest(employers, shown):
    """The first `shown` rows of partner_employers, and the rest added up: {"count", "placed", "to_work"}
    (a client placed at two of the rest counts twice there), or None."""
    rest = employers[shown:]
    if not rest:
        return employers, None
    return employers[:shown], {"count": len(rest), "placed": sum(row["placed"] for row in rest),
                               "to_work": sum(row["to_work"] for row in rest)}

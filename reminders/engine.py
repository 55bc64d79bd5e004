"""Evaluates every reminder rule as of a day, with a handful of set-based queries per organisation
(one per rule), never one per trajectory. `send_reminders` and the daily Celery task both call
`evaluate`.

Every rule (CLOSING_RULES) also closes its reminders by itself when the cause is gone (the GPMI
signed, an exemption accepted, the leefloon ended; an evaluation logged; a workplace entered, the TWE
ended; a contact moment logged; a nazorg registered after the TWE; a trajectory closed or its planned
end moved; an agreement renewed): each rule's causes function finds every cause that still stands,
shown yet or not (the one place that decides it), and `resolve` closes the open reminders that are no
longer among them (status done, closed_by_itself). `evaluate` does so every day for every
organisation, whoever changed the data (a form, the import, the admin, a bulk update);
`reminders.signals` does it at once for one client (or an employer's agreements) when one of the
causes is saved or deleted, in the writer's transaction.

The participation ladder (a measurement recorded) and repeated unexcused absence at a group module
(attendance marked at a later session, the mark corrected, the client leaving) close the same way."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from clients.models import Client, ContactMoment
from employers.models import Agreement
from gpmi import rules as gpmi_rules
from gpmi import selectors as gpmi_selectors
from gpmi.models import Gpmi, GpmiEvaluation
from groupmodules.models import Attendance, Enrolment
from groupmodules.rules import UNEXCUSED_IN_A_ROW, EnrolmentStatus, Presence, unexcused_in_a_row
from ladder.models import MEASURE_EVERY_MONTHS, LadderMeasurement
from leefloon.models import LeefloonDecision
from organisations.models import Organisation
from trajectories.models import Placement, Trajectory
from trajectories.rules import OPEN, RUNNING, WERK_ZORG_MAX_MONTHS, Status, TrajectoryType

from .models import CLOSE_BY_THEMSELVES, DEFAULTS, Reminder, ReminderScan, Rule, RuleSetting


@dataclass(frozen=True)
class Due:
    """A reminder that a rule finds due: what about, for whom, from which day."""

    subject: str
    due_date: datetime.date
    client_id: int | None = None
    trajectory_id: int | None = None
    agreement_id: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Settings:
    enabled: bool
    days: int | None
    months: tuple


def settings_for(organisation):
    """The organisation's rule settings, defaults where it changed nothing. One query."""
    result = {}
    for setting in RuleSetting.objects.every_rule(organisation):
        default = DEFAULTS[setting.rule]
        months = setting.months or default.get("months", "")  # emptied: the default again
        result[setting.rule] = Settings(enabled=setting.enabled, days=setting.days or default.get("days"),
                                        months=tuple(sorted({int(m) for m in months.split(",") if m.strip()})))
    return result


def _trajectory_due(row, due_date, detail=""):
    return Due(subject=f"traject:{row['pk']}", due_date=due_date, client_id=row["client_id"],
               trajectory_id=row["pk"], detail=detail)


TRAJECTORY_FIELDS = ("pk", "client_id", "start_date", "planned_end_date", "next_evaluation_date", "extended_to",
                     "job_start")


def _trajectories(organisation, client):
    trajectories = Trajectory.objects.of_organisation(organisation).order_by()  # no sort needed
    return trajectories if client is None else trajectories.filter(client=client)


def twe_ending_causes(organisation, day, client=None):
    """Rule 1, every cause that stands: a running TWE with a planned end and no nazorg after it (one
    not stopped), due on the end itself. A nazorg registered, the TWE closed or its end moved: gone."""
    nazorg = Trajectory.objects.filter(follows=OuterRef("pk")).exclude(status=Status.STOPGEZET)
    rows = (_trajectories(organisation, client).filter(type=TrajectoryType.TWE, status__in=RUNNING,
                                                       planned_end_date__isnull=False)
            .exclude(Exists(nazorg)).values(*TRAJECTORY_FIELDS))
    # Due on the event itself (the end), so a changed threshold changes when it shows, not what it is.
    return [_trajectory_due(row, row["planned_end_date"], detail=row["planned_end_date"].isoformat())
            for row in rows]


def twe_ending(causes, day, setting, organisation):
    """1. A TWE ends within N days and no nazorg follows it."""
    return [due for due in causes if day <= due.due_date <= day + datetime.timedelta(days=setting.days)]


def werk_zorg_limit(trajectories, day, setting):
    """2. A werk-zorgtraject reaches 15 and 17 months (limit 18); after an accepted extension, the same
    distance before its new end (15 and 17 months: 3 and 1 months before it)."""
    earliest_month = min(setting.months)
    rows = trajectories.filter(type=TrajectoryType.WERK_ZORG, status__in=RUNNING,
                               start_date__lte=day - relativedelta(months=earliest_month)).values(*TRAJECTORY_FIELDS)
    dues = []
    for row in rows:
        for months in setting.months:
            if row["extended_to"]:
                due = row["extended_to"] - relativedelta(months=WERK_ZORG_MAX_MONTHS - months)
                detail = f"verlengd:{row['extended_to'].isoformat()}:{WERK_ZORG_MAX_MONTHS - months}"
            else:
                due, detail = row["start_date"] + relativedelta(months=months), str(months)
            if due <= day:
                dues.append(_trajectory_due(row, due, detail=detail))
    return dues


def end_passed_causes(organisation, day, client=None):
    """Rule 4, every cause that stands: an open trajectory with a planned end, due the day after it.
    Closed or stopped, or the end moved: gone."""
    rows = _trajectories(organisation, client).filter(status__in=OPEN, planned_end_date__isnull=False).values(
        *TRAJECTORY_FIELDS)
    return [_trajectory_due(row, row["planned_end_date"] + datetime.timedelta(days=1),
                            detail=row["planned_end_date"].isoformat()) for row in rows]


def nazorg_check_in(trajectories, day, setting):
    """5. Nazorg check-ins 1, 3 and 6 months after the job (the nazorg) started, due by `day`."""
    rows = trajectories.filter(type=TrajectoryType.NAZORG, status__in=RUNNING, start_date__lte=day).values(
        *TRAJECTORY_FIELDS)  # a job start in the future gives check-ins in the future: none due yet

    def check_in(row, months):
        """m months after the job started (or the nazorg, when that is not known), but at the latest
        on the planned end (a nazorg of six months ends the day before its six-month check-in)."""
        due = (row["job_start"] or row["start_date"]) + relativedelta(months=months)
        return min(due, row["planned_end_date"]) if row["planned_end_date"] else due

    return [_trajectory_due(row, check_in(row, months), detail=str(months))
            for row in rows for months in setting.months if check_in(row, months) <= day]


def nazorg_check_in_causes(organisation, day, client=None):
    """Rule 5, every cause that stands: every check-in of a running nazorg, due or not yet (as of
    the end of time). The nazorg closed: gone."""
    return nazorg_check_in(_trajectories(organisation, client), datetime.date.max,
                           settings_for(organisation)[Rule.NAZORG_CHECK_IN])


def ama_evaluation_causes(organisation, day, client=None):
    """Rule 6, every cause that stands: a running AMA trajectory's next yearly evaluation, due that day.
    The evaluation held (the next date moves) or the trajectory closed: gone."""
    rows = _trajectories(organisation, client).filter(type=TrajectoryType.AMA, status__in=RUNNING,
                                                      next_evaluation_date__isnull=False).values(*TRAJECTORY_FIELDS)
    return [_trajectory_due(row, row["next_evaluation_date"], detail=row["next_evaluation_date"].isoformat())
            for row in rows]


def shown_when_due(causes, day, setting, organisation):
    """5. and 4.: the causes due on or before `day`."""
    return [due for due in causes if due.due_date <= day]


def shown_ahead(causes, day, setting, organisation):
    """6.: the causes shown from N days before they are due."""
    return _within(causes, day, setting)


def no_contact_causes(organisation, day, client=None):
    """Rule 3, every cause that stands: a client with a running trajectory (not a paused one), silent
    since the last contact moment or the start of the running trajectory, whichever is later; due N
    days after that. The one place that decides it: a contact moment logged moves the due date (the
    reminder of the old one closes by itself, in the writer's transaction: reminders.signals); no
    running trajectory any more: gone. One query (and one for the setting)."""
    days = settings_for(organisation)[Rule.NO_CONTACT].days
    running = Trajectory.objects.filter(client=OuterRef("pk"), status=Status.LOPEND)
    last_contact = ContactMoment.objects.filter(client=OuterRef("pk")).order_by("-date").values("date")[:1]
    running_since = running.order_by("start_date").values("start_date")[:1]
    clients = Client.objects.of_organisation(organisation)
    if client is not None:
        clients = clients.filter(pk=client.pk)
    rows = (clients.filter(Exists(running)).order_by()
            .annotate(last_contact=Subquery(last_contact), running_since=Subquery(running_since))
            .values("pk", "last_contact", "running_since"))
    dues = []
    for row in rows:
        silent_since = max(filter(None, (row["last_contact"], row["running_since"])))
        dues.append(Due(subject=f"client:{row['pk']}", client_id=row["pk"],
                        due_date=silent_since + datetime.timedelta(days=days),
                        detail=row["last_contact"].isoformat() if row["last_contact"] else ""))
    return dues


def agreement_ending_causes(organisation, day, client=None):
    """Rule 7, every cause that stands: an agreement with an end that the employer has not renewed (no
    other agreement of theirs that runs longer), due on the end. Renewed, or the end moved: gone."""
    if client is not None:  # an agreement belongs to no client
        return []
    renewed = Agreement.objects.filter(employer=OuterRef("employer"), start_date__gt=OuterRef("start_date")).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("end_date")))
    rows = (Agreement.objects.of_organisation(organisation).filter(end_date__isnull=False).order_by()
            .exclude(Exists(renewed)).values("pk", "end_date"))
    return [Due(subject=f"overeenkomst:{row['pk']}", agreement_id=row["pk"], due_date=row["end_date"],
                detail=row["end_date"].isoformat()) for row in rows]


def agreement_ending(causes, day, setting, organisation):
    """7. An employer's cooperation agreement ends within N days; for the head of service."""
    return [due for due in causes if day <= due.due_date <= day + datetime.timedelta(days=setting.days)]


def _within(causes, day, setting):
    """The causes shown from N days before their due date (and those overdue)."""
    return [due for due in causes if due.due_date <= day + datetime.timedelta(days=setting.days)]


def gpmi_deadline_causes(organisation, day, client=None):
    """Rule 8, every cause that stands: each client's leefloon decision whose GPMI is still to be made
    (gpmi.selectors.to_draw_up), due on its deadline (3 months after the decision)."""
    decisions = LeefloonDecision.objects.of_organisation(organisation).order_by()
    if client is not None:
        decisions = decisions.filter(client=client)
    rows = gpmi_selectors.to_draw_up(decisions, day).values("pk", "client_id", "decided_on", "gpmi_deadline")
    return [Due(subject=f"leefloon:{row['pk']}", due_date=row["gpmi_deadline"], client_id=row["client_id"],
                detail=f"{row['gpmi_deadline'].isoformat()}|{row['decided_on'].isoformat()}") for row in rows]


def gpmi_deadline(causes, day, setting, organisation):
    """8. A GPMI is due (3 months after the leefloon decision) and not yet signed: shown N days ahead."""
    return _within(causes, day, setting)


def gpmi_evaluation_causes(organisation, day, client=None):
    """Rule 9, every cause that stands: each GPMI in force with its next evaluation by the organisation's cadence
    (gpmi.selectors.evaluations_due: the last evaluation as a Max subquery), due on that day."""
    gpmis = Gpmi.objects.of_organisation(organisation).only("pk", "client_id", "signed_on", "end_date").order_by()
    if client is not None:
        gpmis = gpmis.filter(client=client)
    return [Due(subject=f"gpmi:{gpmi.pk}", due_date=gpmi.next_evaluation_due, client_id=gpmi.client_id,
                detail="|".join((gpmi.next_evaluation_due.isoformat(),
                                 gpmi.last_evaluation.isoformat() if gpmi.last_evaluation else "",
                                 gpmi.signed_on.isoformat())))
            for gpmi in gpmi_selectors.evaluations_due(gpmis, day, organisation.gpmi_evaluations_per_year)]


def gpmi_evaluation(causes, day, setting, organisation):
    """9. A GPMI evaluation is due by the cadence: shown N days ahead; the explanation says when the
    in-person count of its GPMI year is short (one query for the shown ones, whatever their number)."""
    shown = _within(causes, day, setting)
    if not shown:
        return []
    evaluations = GpmiEvaluation.objects.of_organisation(organisation).filter(
        gpmi_id__in=[_pk(due) for due in shown], date__lte=day).order_by()
    held = {}
    for gpmi_id, date, in_person in evaluations.values_list("gpmi_id", "date", "in_person"):
        held.setdefault(gpmi_id, []).append((date, in_person))
    return [_with_in_person(due, held.get(_pk(due), []), organisation) for due in shown]


def _pk(due):
    return int(due.subject.partition(":")[2])


def _with_in_person(due, evaluations, organisation):
    """`due` with the in-person count in its detail when it is short: in the GPMI year of the due
    date, the evaluations still to hold for the yearly number (this one at least) are no more than
    the personal conversations still missing, so this one has to be in person."""
    signed_on = datetime.date.fromisoformat(due.detail.split("|")[2])
    year = gpmi_rules.gpmi_years(signed_on, due.due_date, evaluations, per_year=organisation.gpmi_evaluations_per_year,
                                 in_person_per_year=organisation.gpmi_in_person_per_year)[-1]
    missing = year.required_in_person - year.in_person
    if missing <= 0 or missing < max(year.required - year.held, 1):
        return due
    return Due(subject=due.subject, due_date=due.due_date, client_id=due.client_id,
               detail=f"{due.detail}|{year.in_person}|{year.required_in_person}")


def twe_no_workplace_causes(organisation, day, client=None):
    """The TWE without a workplace, every cause that stands: a running TWE that has no placement
    at all (none now, none ahead, none behind it: after an employment it is in its guidance after
    it), whose WEO date is filled in (from the WEO the employment needs its workplace) or that
    started more than N days ago (a screening normally takes less; an import may have left the
    employer out). Due on the WEO date, else N days after the start. One query (and one for the
    setting)."""
    days = settings_for(organisation)[Rule.TWE_NO_WORKPLACE].days
    since = day - datetime.timedelta(days=days)
    twes = Trajectory.objects.of_organisation(organisation).order_by().filter(
        type=TrajectoryType.TWE, status__in=RUNNING).filter(Q(weo_signed_on__isnull=False) | Q(start_date__lte=since))
    if client is not None:
        twes = twes.filter(client=client)
    rows = twes.exclude(Exists(Placement.objects.filter(trajectory=OuterRef("pk")))).values(
        "pk", "client_id", "start_date", "weo_signed_on")
    return [_trajectory_due(row, row["weo_signed_on"], detail=f"weo:{row['weo_signed_on'].isoformat()}")
            if row["weo_signed_on"] else
            _trajectory_due(row, row["start_date"] + datetime.timedelta(days=days),
                            detail=f"start:{row['start_date'].isoformat()}") for row in rows]


def twe_no_workplace(causes, day, setting, organisation):
    """10. A running TWE without a workplace (twe_no_workplace_causes): shown as soon as found."""
    return causes


# Followed for activation far from work (DOMAIN.md, participatieladder): these trajectories while
# open, or an enrolment in a group module.
LADDER_TRAJECTORY_TYPES = (TrajectoryType.WERK_ZORG, TrajectoryType.VOORTRAJECT, TrajectoryType.AMA)


def ladder_measurement_causes(organisation, day, client=None):
    """The participation ladder to measure, every cause that stands: a client whose file is open,
    followed far from work (an open werk-zorg, voortraject or AMA trajectory, or enrolled in a group
    module) or measured before, whose latest measurement is MEASURE_EVERY_MONTHS old (due that day),
    or who was never measured and has been followed for N days (at intake: due N days after the
    earliest start of what is open now). One query (and one for the setting)."""
    days = settings_for(organisation)[Rule.LADDER_MEASUREMENT].days
    since = day - datetime.timedelta(days=days)
    # A month end clips (31/08 + 6 months = 28/02): a few days of slack here, the exact day below.
    measured_by = day - relativedelta(months=MEASURE_EVERY_MONTHS) + datetime.timedelta(days=3)
    last = LadderMeasurement.objects.filter(client=OuterRef("pk")).order_by("-date").values("date")[:1]
    trajectory_since = (Trajectory.objects.filter(client=OuterRef("pk"), type__in=LADDER_TRAJECTORY_TYPES,
                                                  status__in=OPEN).order_by("start_date").values("start_date")[:1])
    enrolled_since = (Enrolment.objects.filter(client=OuterRef("pk"), status=EnrolmentStatus.ENROLLED)
                      .order_by("enrolled_on").values("enrolled_on")[:1])
    clients = Client.objects.of_organisation(organisation).filter(anonymised_at__isnull=True).exclude(
        status=Client.Status.CLOSED)
    if client is not None:
        clients = clients.filter(pk=client.pk)
    rows = (clients.order_by().annotate(last=Subquery(last), trajectory_since=Subquery(trajectory_since),
                                        enrolled_since=Subquery(enrolled_since))
            .filter(Q(last__lte=measured_by) | Q(last__isnull=True) & (
                Q(trajectory_since__lte=since) | Q(enrolled_since__lte=since)))
            .values("pk", "last", "trajectory_since", "enrolled_since"))
    dues = []
    for row in rows:
        if row["last"]:
            due, detail = row["last"] + relativedelta(months=MEASURE_EVERY_MONTHS), f"laatste:{row['last'].isoformat()}"
        else:
            start = min(filter(None, (row["trajectory_since"], row["enrolled_since"])))
            due, detail = start + datetime.timedelta(days=days), f"start:{start.isoformat()}"
        if due <= day:
            dues.append(Due(subject=f"client:{row['pk']}", due_date=due, client_id=row["pk"], detail=detail))
    return dues


def unexcused_absence_causes(organisation, day, client=None):
    """Repeated unexcused absence, every cause that stands: an enrolled client whose latest marks in
    an edition (held sessions, not cancelled, oldest first; a session without a mark for them does
    not count either way) end in UNEXCUSED_IN_A_ROW or more unexcused absences. Due on the last of
    them, so attendance at a later session or a corrected mark ends it. One query: the marks of the
    enrolments that have an unexcused one."""
    enrolments = Enrolment.objects.of_organisation(organisation).filter(status=EnrolmentStatus.ENROLLED)
    if client is not None:
        enrolments = enrolments.filter(client=client)
    with_unexcused = enrolments.filter(Exists(Attendance.objects.filter(
        enrolment=OuterRef("pk"), presence=Presence.UNEXCUSED))).values("pk")
    rows = (Attendance.objects.of_organisation(organisation)
            .filter(enrolment__in=with_unexcused, session__cancelled=False, session__date__lte=day)
            .order_by("enrolment_id", "session__date", "session__start_time", "session_id")
            .values_list("enrolment_id", "enrolment__client_id", "session__date", "presence"))
    marks = {}
    for enrolment_id, client_id, date, presence in rows:
        marks.setdefault((enrolment_id, client_id), []).append((date, presence))
    dues = []
    for (enrolment_id, client_id), held in marks.items():
        count = unexcused_in_a_row([presence for _date, presence in held])
        if count >= UNEXCUSED_IN_A_ROW:
            first, last = held[-count][0], held[-1][0]
            dues.append(Due(subject=f"inschrijving:{enrolment_id}", due_date=last, client_id=client_id,
                            detail=f"{count}|{first.isoformat()}|{last.isoformat()}"))
    return dues


def werk_zorg_limit_causes(organisation, day, client=None):
    """Every 15/17-month point a running werk-zorgtraject has passed, as its limit stands now: after
    an extension the points move to before the new end, so the reminders of the old limit close by
    themselves, as they do when the trajectory ends."""
    trajectories = Trajectory.objects.of_organisation(organisation).order_by()
    if client is not None:
        trajectories = trajectories.filter(client=client)
    return werk_zorg_limit(trajectories, day, settings_for(organisation)[Rule.WERK_ZORG_LIMIT])


def shown_as_found(causes, day, setting, organisation):
    return causes


# The rules whose reminders close by themselves (every rule now): (every cause that stands, the causes
# shown now). Each rule's "does the cause still stand?" is decided in its causes function only: the
# daily run creates from it and closes with it, and a change to one file (reminders.signals: a contact
# moment, a trajectory, an agreement...) closes with it at once, in the writer's transaction.
CLOSING_RULES = {
    Rule.TWE_ENDING: (twe_ending_causes, twe_ending),
    Rule.WERK_ZORG_LIMIT: (werk_zorg_limit_causes, shown_as_found),
    Rule.NO_CONTACT: (no_contact_causes, shown_when_due),
    Rule.END_PASSED: (end_passed_causes, shown_when_due),
    Rule.NAZORG_CHECK_IN: (nazorg_check_in_causes, shown_when_due),
    Rule.AMA_EVALUATION: (ama_evaluation_causes, shown_ahead),
    Rule.AGREEMENT_ENDING: (agreement_ending_causes, agreement_ending),
    Rule.GPMI_DEADLINE: (gpmi_deadline_causes, gpmi_deadline),
    Rule.GPMI_EVALUATION: (gpmi_evaluation_causes, gpmi_evaluation),
    Rule.TWE_NO_WORKPLACE: (twe_no_workplace_causes, twe_no_workplace),
    Rule.LADDER_MEASUREMENT: (ladder_measurement_causes, shown_as_found),
    Rule.UNEXCUSED_ABSENCE: (unexcused_absence_causes, shown_as_found),
}


def findings(organisation, day):
    """({rule: [Due]} to create as of `day`, {rule: [Due]} every cause that still stands for the
    rules whose reminders close by themselves). A switched-off rule creates nothing, but its open
    reminders still close when their cause goes."""
    settings = settings_for(organisation)
    found, standing = {}, {}
    for rule in Rule:
        causes, shown = CLOSING_RULES[rule]
        standing[rule] = causes(organisation, day)
        found[rule] = shown(standing[rule], day, settings[rule], organisation) if settings[rule].enabled else []
    return found, standing


def due_reminders(organisation, day):
    """{rule: [Due]} for one organisation as of `day`."""
    return findings(organisation, day)[0]


# Open (or snoozed) reminders, and those the engine closed that may have to open again.
OPEN_NOW = Q(status__in=[Reminder.Status.OPEN, Reminder.Status.SNOOZED])
CLOSED_BY_ITSELF = Q(status=Reminder.Status.DONE, closed_by_itself=True, handled_by__isnull=True)
ROW = ("pk", "rule", "subject", "due_date", "status")


def resolve(organisation, standing):
    """Close by themselves the open reminders of CLOSING_RULES whose cause no longer stands, and
    open again one the engine closed whose cause stands again (an evaluation entered by mistake and
    removed); {"closed": n, "reopened": n}. A reminder a person marked done stays done."""
    # Reopening candidates are narrowed by due date, not by subject: a few thousand days at most where
    # the subjects run to hundreds of thousands (too many parameters for SQLite, megabytes of SQL).
    due_dates = {due.due_date for dues in standing.values() for due in dues}
    rows = (Reminder.objects.of_organisation(organisation).filter(rule__in=list(standing))
            .filter(OPEN_NOW | (CLOSED_BY_ITSELF & Q(due_date__in=due_dates))).values_list(*ROW))
    return _close_and_reopen(organisation, rows, standing)


def resolve_client(client, day=None):
    """`resolve` for one client's reminders of CLOSING_RULES, at once after a change to their file (signals).
    One query when the client has none of these reminders."""
    day = day or timezone.localdate()
    rows = list(Reminder.objects.of_organisation(client.organisation_id).filter(
        client=client, rule__in=CLOSE_BY_THEMSELVES).filter(OPEN_NOW | CLOSED_BY_ITSELF).values_list(*ROW))
    if not rows:
        return {"closed": 0, "reopened": 0}
    organisation = client.organisation
    standing = {rule: CLOSING_RULES[rule][0](organisation, day, client=client) for rule in {row[1] for row in rows}}
    return _close_and_reopen(organisation, rows, standing)


def resolve_agreement(agreement, day=None):
    """`resolve` for the agreement reminders of its employer (a renewal closes the one of the agreement
    before it), at once after an agreement is saved or deleted (signals). One query when there are none."""
    day = day or timezone.localdate()
    organisation_id = agreement.employer.organisation_id
    rows = list(Reminder.objects.of_organisation(organisation_id).filter(
        agreement__employer_id=agreement.employer_id, rule=Rule.AGREEMENT_ENDING).filter(
        OPEN_NOW | CLOSED_BY_ITSELF).values_list(*ROW))
    if not rows:
        return {"closed": 0, "reopened": 0}
    organisation = Organisation.objects.get(pk=organisation_id)
    return _close_and_reopen(organisation, rows, {Rule.AGREEMENT_ENDING: agreement_ending_causes(organisation, day)})


def resolve_organisation(organisation, day=None):
    """`resolve` for every reminder of CLOSING_RULES of the organisation, without creating any: for a
    writer that changed many files without signals (a bulk import), after it wrote. A few queries:
    the causes only of the rules that have such reminders."""
    day = day or timezone.localdate()
    rules = set(Reminder.objects.of_organisation(organisation).filter(rule__in=CLOSE_BY_THEMSELVES).filter(
        OPEN_NOW | CLOSED_BY_ITSELF).order_by().values_list("rule", flat=True).distinct())
    return resolve(organisation, {rule: CLOSING_RULES[rule][0](organisation, day) for rule in rules})


def _close_and_reopen(organisation, rows, standing):
    stands = {(rule, due.subject, due.due_date) for rule, dues in standing.items() for due in dues}
    close, reopen = [], []
    for pk, rule, subject, due_date, status in rows:
        if status == Reminder.Status.DONE:
            if (rule, subject, due_date) in stands:
                reopen.append(pk)
        elif (rule, subject, due_date) not in stands:
            close.append(pk)
    reminders = Reminder.objects.of_organisation(organisation)
    if close:
        reminders.filter(pk__in=close).update(status=Reminder.Status.DONE, handled_at=timezone.now(), handled_by=None,
                                              snoozed_until=None, closed_by_itself=True)
    if reopen:
        reminders.filter(pk__in=reopen).update(status=Reminder.Status.OPEN, handled_at=None, closed_by_itself=False)
    return {"closed": len(close), "reopened": len(reopen)}


@transaction.atomic
def create_reminders(organisation, found):
    """Store what is new; {rule: number created}. What exists is skipped first (one query), and the
    rest is offered to the database, where the unique constraint (rule, subject, due date) drops
    anything a parallel worker inserted in the meantime: a rerun, a retry or two workers at the
    same time never create a second reminder. The rows of this run carry one creation stamp, so
    the counts are this run's own."""
    dues = [(rule, due) for rule, rule_dues in found.items() for due in rule_dues]
    created = {rule: 0 for rule in found}
    if not dues:
        return created
    existing = set(Reminder.objects.of_organisation(organisation).filter(
        due_date__gte=min(due.due_date for _rule, due in dues))
                   .values_list("rule", "subject", "due_date"))
    new = [(rule, due) for rule, due in dues if (rule, due.subject, due.due_date) not in existing]
    if not new:
        return created
    stamp = timezone.now()
    Reminder.objects.bulk_create(
        [Reminder(organisation=organisation, rule=rule, subject=due.subject, due_date=due.due_date,
                  client_id=due.client_id, trajectory_id=due.trajectory_id, agreement_id=due.agreement_id,
                  detail=due.detail, created_at=stamp) for rule, due in new],
        ignore_conflicts=True, batch_size=2000)
    inserted = (Reminder.objects.of_organisation(organisation).filter(created_at=stamp).values("rule")
                .annotate(n=Count("pk")).values_list("rule", "n"))
    created.update(dict(inserted))
    return created


def evaluate(day):
    """Evaluate every rule for every organisation as of `day`: create what is due, close what went;
    {rule: number created}. Records the day as scanned (ReminderScan) once every organisation is done:
    a run that fails halfway leaves the day to the retry or the next run (catch_up)."""
    totals = {rule: 0 for rule in Rule}
    for organisation in Organisation.objects.all():
        found, standing = findings(organisation, day)
        for rule, count in create_reminders(organisation, found).items():
            totals[rule] += count
        resolve(organisation, standing)
    # One statement, also when two runs finish the same day at once.
    ReminderScan.objects.bulk_create([ReminderScan(day=day, finished_at=timezone.now())], update_conflicts=True,
                                     unique_fields=["day"], update_fields=["finished_at"])
    return totals


# At most this many days (today included) in one catch-up run: a month covers an outage of beat or the
# workers. Within it every rule finds what a run on each day would have found. Beyond it, only the two
# rules with a window that ends on the event (a TWE or an agreement ending, from N days ahead until the
# end) can miss one whose end is then over a month past (rule 4 still finds the TWE not closed); the
# others find everything due on or before the day, however long ago.
CATCH_UP_DAYS = 31


def scanned(day):
    """Whether `day` was evaluated to the end (for the hourly trigger, which runs only when not)."""
    return ReminderScan.objects.filter(day=day).exists()


def days_to_scan(today):
    """The days a run on `today` evaluates, oldest first: every day after the last one scanned before it,
    up to `today` (at most CATCH_UP_DAYS); on a fresh install `today` only. A day scanned already is
    evaluated again when asked (idempotent)."""
    last = ReminderScan.objects.filter(day__lt=today).aggregate(last=Max("day"))["last"]
    first = today if last is None else max(last + datetime.timedelta(days=1),
                                           today - datetime.timedelta(days=CATCH_UP_DAYS - 1))
    return [first + datetime.timedelta(days=n) for n in range((today - first).days + 1)]


def catch_up(today):
    """Evaluate every day of days_to_scan(today) in order, as if the daily run had run on each: the rules
    that look ahead from the day (a window) see every day's window, and each day is recorded as it
    finishes, so a retry goes on where it stopped. {rule: number created over all the days}."""
    totals = {rule: 0 for rule in Rule}
    for day in days_to_scan(today):
        for rule, count in evaluate(day).items():
            totals[rule] += count
    return totals

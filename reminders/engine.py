"""Evaluates every reminder rule as of a day, with a handful of set-based queries per organisation
(one per rule), never one per trajectory. `send_reminders` and the daily Celery task both call
`evaluate`."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from clients.models import Client, ContactMoment
from employers.models import Agreement
from organisations.models import Organisation
from trajectories.models import Trajectory
from trajectories.rules import OPEN, RUNNING, Status, TrajectoryType

from .models import DEFAULTS, Reminder, Rule, RuleSetting


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


TRAJECTORY_FIELDS = ("pk", "client_id", "start_date", "planned_end_date", "next_evaluation_date")


def twe_ending(trajectories, day, setting):
    """1. A TWE ends within N days and no nazorg follows it."""
    nazorg = Trajectory.objects.filter(follows=OuterRef("pk")).exclude(status=Status.STOPGEZET)
    rows = (trajectories.filter(type=TrajectoryType.TWE, status__in=RUNNING, planned_end_date__gte=day,
                                planned_end_date__lte=day + datetime.timedelta(days=setting.days))
            .exclude(Exists(nazorg)).values(*TRAJECTORY_FIELDS))
    # Due on the event itself (the end), so a changed threshold changes when it shows, not what it is.
    return [_trajectory_due(row, row["planned_end_date"], detail=row["planned_end_date"].isoformat())
            for row in rows]


def werk_zorg_limit(trajectories, day, setting):
    """2. A werk-zorgtraject reaches 15 and 17 months (limit 18)."""
    earliest_month = min(setting.months)
    rows = trajectories.filter(type=TrajectoryType.WERK_ZORG, status__in=RUNNING,
                               start_date__lte=day - relativedelta(months=earliest_month)).values(*TRAJECTORY_FIELDS)
    return [_trajectory_due(row, row["start_date"] + relativedelta(months=months), detail=str(months))
            for row in rows for months in setting.months
            if row["start_date"] + relativedelta(months=months) <= day]


def end_passed(trajectories, day, setting):
    """4. The planned end date has passed and the trajectory is not closed."""
    rows = trajectories.filter(status__in=OPEN, planned_end_date__lt=day).values(*TRAJECTORY_FIELDS)
    return [_trajectory_due(row, row["planned_end_date"] + datetime.timedelta(days=1),
                            detail=row["planned_end_date"].isoformat()) for row in rows]


def nazorg_check_in(trajectories, day, setting):
    """5. Nazorg check-ins 1, 3 and 6 months after the job (the nazorg) started."""
    rows = trajectories.filter(type=TrajectoryType.NAZORG, status__in=RUNNING, start_date__lte=day).values(
        *TRAJECTORY_FIELDS)

    def check_in(row, months):
        """m months after the start, but at the latest on the planned end (a nazorg of six months
        ends the day before its six-month check-in)."""
        due = row["start_date"] + relativedelta(months=months)
        return min(due, row["planned_end_date"]) if row["planned_end_date"] else due

    return [_trajectory_due(row, check_in(row, months), detail=str(months))
            for row in rows for months in setting.months if check_in(row, months) <= day]


def ama_evaluation(trajectories, day, setting):
    """6. The yearly evaluation of an AMA trajectory is due (N days ahead)."""
    rows = trajectories.filter(type=TrajectoryType.AMA, status__in=RUNNING,
                               next_evaluation_date__lte=day + datetime.timedelta(days=setting.days)).values(
        *TRAJECTORY_FIELDS)
    return [_trajectory_due(row, row["next_evaluation_date"], detail=row["next_evaluation_date"].isoformat())
            for row in rows]


def no_contact(organisation, day, setting):
    """3. A running trajectory (not a paused one) has had no contact moment for N days, counted
    from the last contact or from the start of the running trajectory, whichever is later."""
    since = day - datetime.timedelta(days=setting.days)
    running = Trajectory.objects.filter(client=OuterRef("pk"), status=Status.LOPEND)
    last_contact = ContactMoment.objects.filter(client=OuterRef("pk")).order_by("-date").values("date")[:1]
    running_since = running.order_by("start_date").values("start_date")[:1]
    rows = (Client.objects.of_organisation(organisation).filter(Exists(running.filter(start_date__lte=since)))
            .order_by().annotate(last_contact=Subquery(last_contact), running_since=Subquery(running_since))
            .filter(Q(last_contact__lte=since) | Q(last_contact__isnull=True))
            .values("pk", "last_contact", "running_since"))
    dues = []
    for row in rows:
        silent_since = max(filter(None, (row["last_contact"], row["running_since"])))
        if silent_since <= since:
            dues.append(Due(subject=f"client:{row['pk']}", client_id=row["pk"],
                            due_date=silent_since + datetime.timedelta(days=setting.days),
                            detail=row["last_contact"].isoformat() if row["last_contact"] else ""))
    return dues


def agreement_ending(organisation, day, setting):
    """7. An employer's cooperation agreement ends within N days; for the head of service."""
    rows = Agreement.objects.of_organisation(organisation).filter(end_date__gte=day,
                                    end_date__lte=day + datetime.timedelta(days=setting.days)).values(
        "pk", "end_date")
    return [Due(subject=f"overeenkomst:{row['pk']}", agreement_id=row["pk"], due_date=row["end_date"],
                detail=row["end_date"].isoformat()) for row in rows]


TRAJECTORY_RULES = {
    Rule.TWE_ENDING: twe_ending,
    Rule.WERK_ZORG_LIMIT: werk_zorg_limit,
    Rule.END_PASSED: end_passed,
    Rule.NAZORG_CHECK_IN: nazorg_check_in,
    Rule.AMA_EVALUATION: ama_evaluation,
}
ORGANISATION_RULES = {Rule.NO_CONTACT: no_contact, Rule.AGREEMENT_ENDING: agreement_ending}


def due_reminders(organisation, day):
    """{rule: [Due]} for one organisation as of `day`."""
    settings = settings_for(organisation)
    trajectories = Trajectory.objects.of_organisation(organisation).order_by()  # no sort needed
    found = {}
    for rule in Rule:
        setting = settings[rule]
        if not setting.enabled:
            found[rule] = []
        elif rule in TRAJECTORY_RULES:
            found[rule] = TRAJECTORY_RULES[rule](trajectories, day, setting)
        else:
            found[rule] = ORGANISATION_RULES[rule](organisation, day, setting)
    return found


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
    """Evaluate every rule for every organisation as of `day`; {rule: number created}."""
    totals = {rule: 0 for rule in Rule}
    for organisation in Organisation.objects.all():
        for rule, count in create_reminders(organisation, due_reminders(organisation, day)).items():
            totals[rule] += count
    return totals

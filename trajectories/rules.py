"""The domain vocabularies and rules of trajectories (DOMAIN.md, "Trajectories"), in one place
so that forms, the import and tasks all obey the same ones."""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

WERK_ZORG_MAX_MONTHS = 18
# Since 1 July 2023 a werk-zorgtraject is VDAB's activeringstraject of at least 3 months; one
# referred before keeps the old rules (DOMAIN.md, decree of 2022).
WERK_ZORG_MIN_MONTHS = 3
ACTIVERINGSTRAJECT_SINCE = datetime.date(2023, 7, 1)
NAZORG_CHECK_IN_MONTHS = (1, 3, 6)
# TWE-OCMW (since 1 January 2017, DOMAIN.md): at most 2 years from the werkervaringsovereenkomst
# (WEO), at least half-time on the work floor (19 of 38 hours), and one short recognised training
# of at most 3 months inside it.
TWE_SINCE = datetime.date(2017, 1, 1)
TWE_MAX_MONTHS = 24
TWE_MIN_HOURS = 19
TWE_TRAINING_MAX_MONTHS = 3


class TrajectoryType(models.TextChoices):
    VOORTRAJECT = "voortraject", _("voortraject / group module")
    TWE = "twe", _("temporary work experience (TWE)")
    NAZORG = "nazorg", _("nazorg")
    WERK_ZORG = "werk_zorg", _("werk-zorgtraject")
    OPLEIDING = "opleiding", _("training")
    AMA = "ama", _("work-like activities (AMA)")


class Status(models.TextChoices):
    AANGEMELD = "aangemeld", _("referred")
    LOPEND = "lopend", _("running")
    OPGESCHORT = "opgeschort", _("paused")
    AFGEROND = "afgerond", pgettext_lazy("trajectory status", "closed")
    STOPGEZET = "stopgezet", _("stopped")


RUNNING = (Status.LOPEND, Status.OPGESCHORT)
OPEN = (Status.AANGEMELD, *RUNNING)
FINAL = (Status.AFGEROND, Status.STOPGEZET)
NAZORG_CAN_FOLLOW = (*RUNNING, Status.AFGEROND)  # a step that actually ran


class LeefloonAfter(models.TextChoices):
    """Whether the person left the leefloon when the trajectory ended, and why (DOMAIN.md,
    outcomes): an art. 60 §7 employment that ends in unemployment benefit reached its goal."""

    STAYS = "blijft", _("still on the leefloon")
    WERK = "werk", _("left the leefloon: work")
    UITKERING = "uitkering", _("left the leefloon: unemployment or other benefit")
    ANDER = "ander", _("left the leefloon: other reason")


LEFT_LEEFLOON = (LeefloonAfter.WERK, LeefloonAfter.UITKERING, LeefloonAfter.ANDER)


class WorkCasemanager(models.TextChoices):
    """Who is casemanager Werk of an activeringstraject: VDAB or a mandated work actor."""

    VDAB = "vdab", _("VDAB")
    GTB = "gtb", _("GTB")
    OTHER = "andere", _("another mandated work actor")


class TwePhase(models.TextChoices):
    """Where a TWE-OCMW stands, told by its dates: screening, guidance from the WEO, the art. 60 §7
    employment, guidance after it."""

    SCREENING = "screening", _("screening")
    WEO = "weo", _("guidance from the WEO")
    EMPLOYMENT = "tewerkstelling", _("art. 60 §7 employment")
    AFTER = "nabegeleiding", _("guidance after the employment")


class Outcome(models.TextChoices):
    """Uitstroom: the vocabulary every report uses."""

    WERK = "werk", _("Work (regular)")
    OPLEIDING = "opleiding", _("Training")
    MAATWERK = "maatwerk", _("Maatwerk / social economy")
    ZELFSTANDIGE = "zelfstandige", _("Self-employed")
    WERKLOOS = "werkloos", _("Unemployed")
    AMA = "ama", _("Work-like activities")
    ZORG = "zorg", _("Care")
    STOPGEZET = "stopgezet", _("Stopped")


CLOSING_OUTCOMES = [(value, label) for value, label in Outcome.choices if value != Outcome.STOPGEZET]


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple
    target: str
    needs_outcome: bool = False
    needs_reason: bool = False


# The lifecycle: aangemeld -> lopend -> afgerond / stopgezet, with opgeschort and resume.
# This table is the only place that says which step is allowed from which status.
TRANSITIONS = {
    transition.action: transition
    for transition in [
        Transition("start", _("Start"), (Status.AANGEMELD,), Status.LOPEND),
        Transition("suspend", _("Pause"), (Status.LOPEND,), Status.OPGESCHORT),
        Transition("resume", _("Resume"), (Status.OPGESCHORT,), Status.LOPEND),
        Transition("close", _("Close with an outcome"), (Status.LOPEND,), Status.AFGEROND, needs_outcome=True),
        Transition("stop", _("Stop"), OPEN, Status.STOPGEZET, needs_reason=True),
    ]
}


# The first step of every trajectory (its registration, aanmelding) and the step that says it ran.
REGISTER = "aangemeld"
START = "start"

EVENT_LABELS = {
    "aangemeld": _("registered"),
    "start": _("started"),
    "suspend": _("paused"),
    "resume": _("resumed"),
    "close": pgettext_lazy("trajectory step", "closed"),
    "stop": _("stopped"),
}


def event_title(event):
    """'TWE started', 'Nazorg closed: Work (regular)' for the timeline and the history."""
    trajectory = event.trajectory
    title = _("%(type)s %(step)s") % {"type": trajectory.get_type_display(),
                                      "step": EVENT_LABELS.get(event.action, event.action)}
    if event.action == "close" and trajectory.outcome:
        title = f"{title}: {trajectory.get_outcome_display()}"
    return title


def allowed_transitions(status):
    return [transition for transition in TRANSITIONS.values() if status in transition.sources]


def werk_zorg_last_day(start):
    """The last allowed day of a werk-zorgtraject that starts on `start`: the day before the
    same day 18 months later (1 March 2017 -> 31 August 2018), or, when that day does not exist,
    the last day of that month (31 August 2017 -> 28 February 2019)."""
    return _last_day_within(start, WERK_ZORG_MAX_MONTHS)


def ama_next_evaluation(after):
    """An AMA trajectory is evaluated every year."""
    return after + relativedelta(years=1)


def nazorg_default_end(start):
    """Nazorg follows up until the last check-in, six months after the start."""
    return start + relativedelta(months=NAZORG_CHECK_IN_MONTHS[-1]) - datetime.timedelta(days=1)


# The rules over plain values. Every writer (the model's clean() behind the forms and services, the
# caseload import's planner, the bulk service behind the import and the demo) asks these functions,
# so a rule and its message exist once. Each returns {field: message} (model field names), empty
# when the rule holds.

def display_date(value):
    return value.strftime("%d/%m/%Y")


def trajectory_defaults(type, start):
    """The dates a trajectory carries from its start: a werk-zorg its last allowed day (the 18
    months are a hard limit), an AMA its first yearly evaluation."""
    if not start:
        return {}
    if type == TrajectoryType.WERK_ZORG:
        return {"planned_end_date": werk_zorg_last_day(start)}
    if type == TrajectoryType.AMA:
        return {"next_evaluation_date": ama_next_evaluation(start)}
    return {}


def registration_date(start, today):
    """Registering is dated today, or on the start when that lies in the past (entering an earlier
    trajectory): a step is never dated in the future."""
    return min(start, today)


def status_for(end, outcome, start, today):
    """The status a trajectory known by its dates and outcome has: ended (closed, or stopped when
    its outcome is stopgezet), else running from its start, else referred."""
    if end:
        return Status.STOPGEZET if outcome == Outcome.STOPGEZET else Status.AFGEROND
    return Status.LOPEND if start <= today else Status.AANGEMELD


def werk_zorg_first_end(start):
    """The earliest planned end of an activeringstraject: the day before the same day 3 months later."""
    return start + relativedelta(months=WERK_ZORG_MIN_MONTHS) - datetime.timedelta(days=1)


def check_dates(type, start, end=None, planned_end=None, extended_to=None, referred_on=None):
    """An end (planned or real) lies on or after the start; a werk-zorgtraject ends within 18
    months (its last day inclusive), or within its accepted extension `extended_to`; one referred
    (`referred_on`, else its start) from 1 July 2023 is planned for at least 3 months (it may still
    stop earlier)."""
    errors = {}
    if not start:
        return errors
    if type == TrajectoryType.WERK_ZORG and planned_end and (referred_on or start) >= ACTIVERINGSTRAJECT_SINCE \
            and planned_end < werk_zorg_first_end(start):
        errors["planned_end_date"] = gettext(
            "An activeringstraject lasts at least 3 months: plan its end on %(first)s or later.") % {
            "first": display_date(werk_zorg_first_end(start))}
    last = werk_zorg_last_day(start) if type == TrajectoryType.WERK_ZORG else None
    too_late = gettext("A werk-zorgtraject lasts at most 18 months: the last day is %(last)s.")
    if extended_to and last is None:
        errors["extended_to"] = gettext("Only a werk-zorgtraject is extended beyond 18 months.")
    elif extended_to and extended_to <= last:
        errors["extended_to"] = gettext("An extension ends after the 18 months (%(last)s).") % {
            "last": display_date(last)}
    elif extended_to:
        last, too_late = extended_to, gettext("The extension ends on %(last)s: the end date cannot be after it.")
    for field, value in (("planned_end_date", planned_end), ("end_date", end)):
        if field in errors:
            continue
        if value and value < start:
            errors[field] = gettext("The end date cannot be before the start date (%(start)s).") % {
                "start": display_date(start)}
        elif value and last and value > last:
            errors[field] = too_late % {"last": display_date(last)}
    return errors


def check_werk_zorg(type, extended_to, extension_reason, vdab_decided_on, job_start):
    """Fields that belong to one type: VDAB's decision to a werk-zorgtraject (its extension is
    checked by check_dates), the job start to a nazorg (the job may start before or after the
    nazorg, so no bound is set). An extension's reason without its new end date is refused; a date
    without a reason is accepted (history often lacks it; the form asks for it)."""
    errors = {}
    if type != TrajectoryType.WERK_ZORG and vdab_decided_on:
        errors["vdab_decided_on"] = gettext("Only a werk-zorgtraject has a VDAB decision date.")
    if extension_reason and not extended_to:
        errors["extended_to"] = gettext("Give the new end date of the extension, or leave its reason empty.")
    if type != TrajectoryType.NAZORG and job_start:
        errors["job_start"] = gettext("Only a nazorg has a job start date.")
    return errors


def twe_last_day(weo_signed_on):
    """The last day of a TWE-OCMW whose WEO was signed on `weo_signed_on`: 2 years, the last day
    inclusive (1 March 2024 -> 28 February 2026)."""
    return _last_day_within(weo_signed_on, TWE_MAX_MONTHS)


def _last_day_within(start, months):
    same_day_later = start + relativedelta(months=months)
    if same_day_later.day != start.day:
        return same_day_later
    return same_day_later - datetime.timedelta(days=1)


def check_twe(type, start, end=None, planned_end=None, *, weo_signed_on=None, vdab_registered_on=None,
              training_name="", training_start=None, training_end=None):
    """A TWE-OCMW's own dates: the WEO is signed after the screening began (on or after the start);
    the TWE ends within 2 years of the WEO (unknown WEO: not checked, the page asks for it); its one
    short training lies inside it and lasts at most 3 months. Only a TWE has these fields."""
    errors = {}
    if type != TrajectoryType.TWE:
        for field, value in (("weo_signed_on", weo_signed_on), ("vdab_registered_on", vdab_registered_on),
                             ("training_name", training_name), ("training_start", training_start)):
            if value:
                errors[field] = gettext("Only a TWE has this field.")
        return errors
    if weo_signed_on and start and weo_signed_on < start:
        errors["weo_signed_on"] = gettext(
            "The WEO is signed after the screening began: on or after the start (%(start)s).") % {
            "start": display_date(start)}
    elif weo_signed_on:
        last = twe_last_day(weo_signed_on)
        for field, value in (("planned_end_date", planned_end), ("end_date", end)):
            if value and value > last:
                errors[field] = gettext(
                    "A TWE lasts at most 2 years from the WEO (%(weo)s): the last day is %(last)s.") % {
                    "weo": display_date(weo_signed_on), "last": display_date(last)}
    errors.update(_check_training(start, end or planned_end, training_name, training_start, training_end))
    return errors


def _check_training(start, last, name, training_start, training_end):
    if not (name or training_start or training_end):
        return {}
    if not (name and training_start):
        return {"training_name" if not name else "training_start": gettext(
            "A training inside the TWE has a name and a start date.")}
    if start and training_start < start or last and training_start > last:
        return {"training_start": gettext("The training lies inside the TWE.")}
    if training_end and training_end < training_start:
        return {"training_end": gettext("The end date cannot be before the start date (%(start)s).") % {
            "start": display_date(training_start)}}
    if training_end and training_end > _last_day_within(training_start, TWE_TRAINING_MAX_MONTHS):
        return {"training_end": gettext("A training inside a TWE lasts at most 3 months.")}
    return {}


def check_twe_placement(type, hours_per_week, start, *, weo_signed_on=None, at_partner=False,
                        agreement_signed_on=None):
    """The art. 60 §7 employment of a TWE: at least half-time; the WEO signed at the latest on its
    first day; at a partner, the placement agreement signed before it starts. What is unknown
    (WEO, agreement) is not refused here: the page and the worklist ask for it."""
    if type != TrajectoryType.TWE:
        return {"agreement_signed_on": gettext("Only a TWE's employment at a partner has a placement agreement.")} \
            if agreement_signed_on else {}
    errors = {}
    if hours_per_week and hours_per_week < TWE_MIN_HOURS:
        errors["hours_per_week"] = gettext(
            "A TWE is at least half-time on the work floor: at least %(hours)s hours a week.") % {
            "hours": TWE_MIN_HOURS}
    if weo_signed_on and start and start < weo_signed_on:
        errors["start_date"] = gettext(
            "The WEO is signed at the latest on the first working day; it was signed on %(weo)s.") % {
            "weo": display_date(weo_signed_on)}
    if agreement_signed_on and not at_partner:
        errors["agreement_signed_on"] = gettext("A placement agreement is made only for a workplace at a partner.")
    elif agreement_signed_on and start and agreement_signed_on > start:
        errors["agreement_signed_on"] = gettext(
            "The placement agreement is signed before the work starts (%(start)s).") % {"start": display_date(start)}
    return errors


def check_running_limit(type, start, today, extended_to=None):
    """A werk-zorgtraject said to be still running past its last day (a file's row without an end)
    cannot be: its end is asked for."""
    if type != TrajectoryType.WERK_ZORG or not start or start > today:
        return {}
    last = extended_to or werk_zorg_last_day(start)
    if today <= last:
        return {}
    if extended_to:
        return {"end_date": gettext(
            "the werk-zorgtraject was extended until %(last)s: give its end (at the latest that day)") % {
            "last": display_date(last)}}
    return {"end_date": gettext(
        "a werk-zorgtraject lasts at most 18 months: give its end (at the latest %(last)s)") % {
        "last": display_date(last)}}


def check_outcome(status, end, outcome, reason=""):
    """An end goes with an outcome (closing asks for one) and an outcome with an end; stopping
    asks for a reason."""
    errors = {}
    if (end or status == Status.AFGEROND) and not outcome:
        errors["outcome"] = gettext("Closing a trajectory asks for an outcome.")
    elif outcome and not end:
        errors["end_date"] = gettext("An outcome goes with an end date: fill in the end or leave the outcome empty.")
    if status == Status.STOPGEZET and not (reason or "").strip():
        errors["stop_reason"] = gettext("Stopping a trajectory asks for a reason.")
    return errors


def check_one_running(type, running_since):
    """At most one running trajectory of a type per client: `running_since` is the start of the
    client's other running one of that type, or None."""
    if running_since is None:
        return {}
    return {"type": gettext("This client already has a running %(type)s (since %(start)s).") % {
        "type": TrajectoryType(type).label, "start": display_date(running_since)}}


@dataclass(frozen=True)
class Followed:
    """What the rules know of the step a nazorg follows, as plain values. `client` is any identity
    of its client (a pk, a national number), compared with the nazorg's; `nazorgs` counts the
    nazorgs that already follow it and were not stopped (not counting the one checked)."""

    type: str
    status: str
    start: datetime.date
    client: object
    nazorgs: int = 0


def check_follows(type, start, client, followed, status=None):
    """A nazorg may follow a step of the same client that ran (running or closed, not stopped or
    only referred) and led towards work (any type but a nazorg), starts on or after that step's
    start, and a step has one nazorg that was not stopped (a stopped nazorg, `status`, leaves room
    for the next). A nazorg may also stand on its own (`followed` None): the step before it lies
    outside the product (another OCMW, history not imported). Only a nazorg follows."""
    if type != TrajectoryType.NAZORG:
        return {"follows": gettext("Only a nazorg follows an earlier step.")} if followed else {}
    if followed is None:
        return {}
    if followed.type == TrajectoryType.NAZORG or followed.client != client:
        return {"follows": gettext("A nazorg follows an earlier step (not a nazorg) of the same client.")}
    if followed.status not in NAZORG_CAN_FOLLOW:
        return {"follows": gettext("A nazorg follows a step that ran: this one is %(status)s.") % {
            "status": Status(followed.status).label}}
    if start and start < followed.start:
        return {"start_date": gettext("A nazorg starts on or after the start of the step it follows (%(start)s).") % {
            "start": display_date(followed.start)}}
    if followed.nazorgs and status != Status.STOPGEZET:
        return {"follows": gettext("This step already has a nazorg.")}
    return {}


def check_step(status, action, outcome="", reason=""):
    """Whether a trajectory in `status` may take the step `action` now (TRANSITIONS), with the
    outcome a closing asks for and the reason a stop asks for. A step the table does not allow is
    refused as a whole (NON_FIELD_ERRORS), naming the steps that are allowed."""
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources:
        allowed = ", ".join(str(t.label).lower() for t in allowed_transitions(status)) or "—"
        return {NON_FIELD_ERRORS: gettext("A %(status)s trajectory cannot do this; allowed now: %(allowed)s.") % {
            "status": Status(status).label, "allowed": allowed}}
    errors = {}
    if transition.needs_outcome and outcome not in dict(CLOSING_OUTCOMES):
        errors["outcome"] = gettext("Closing a trajectory asks for an outcome.")
    if transition.needs_reason and not (reason or "").strip():
        errors["reason"] = gettext("Stopping a trajectory asks for a reason.")
    return errors


class Step(NamedTuple):
    action: str
    from_status: str
    to_status: str
    date: datetime.date


def _transition(source, target):
    return next((t for t in TRANSITIONS.values() if source in t.sources and t.target == target), None)


def _route(source, target):
    """The transitions from `source` to `target`: the direct one, else through running. A
    trajectory that ends from referred runs first: it ended with an outcome, so it ran."""
    if source == target:
        return []
    direct = _transition(source, target)
    if direct and not (source == Status.AANGEMELD and target in FINAL):
        return [direct]
    into_running, onwards = _transition(source, Status.LOPEND), _transition(Status.LOPEND, target)
    if into_running is None or (target != Status.LOPEND and onwards is None):
        raise ValueError(f"No lifecycle leads from {source} to {target}.")
    return [into_running] if target == Status.LOPEND else [into_running, onwards]


def lifecycle_steps(status, start, end=None, *, registered=None, current=None):
    """The dated steps [Step(action, from_status, to_status, date)] that bring a trajectory to
    `status`, from the TRANSITIONS table: for a new one from its registration (on `registered`,
    by default its start), for an existing one from where it stands (`current`). The start step is
    dated `start`, every later step `end` (a step without a date cannot be written: ValueError)."""
    steps = []
    if current is None:
        steps.append(Step(REGISTER, "", Status.AANGEMELD, registered or start))
        current = Status.AANGEMELD
    for transition in _route(current, status):
        date = start if transition.action == START else end
        if date is None:
            raise ValueError(f"The step {transition.action} needs a date.")
        steps.append(Step(transition.action, current, transition.target, date))
        current = transition.target
    return steps


def twe_phase(day, weo_signed_on, employments):
    """The phase of a TWE-OCMW on `day`, told by its dates: in an art. 60 §7 employment (one of
    `employments`, [(start, end or None)]) on that day, after one ended, from the WEO, else the
    screening."""
    if any(start <= day and (end is None or day <= end) for start, end in employments):
        return TwePhase.EMPLOYMENT
    if any(start <= day for start, _end in employments):
        return TwePhase.AFTER
    if weo_signed_on and weo_signed_on <= day:
        return TwePhase.WEO
    return TwePhase.SCREENING

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
NAZORG_CAN_FOLLOW = (*RUNNING, Status.AFGEROND)  # a TWE that actually ran


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
    same_day_later = start + relativedelta(months=WERK_ZORG_MAX_MONTHS)
    if same_day_later.day != start.day:
        return same_day_later
    return same_day_later - datetime.timedelta(days=1)


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


def check_running_limit(type, start, today, extended_to=None):
    """A werk-zorgtraject said to be still running past its last day (a file's row without an end)
    cannot be: its end is asked for."""
    if type != TrajectoryType.WERK_ZORG or not start or start > today:
        return {}
    last = extended_to or werk_zorg_last_day(start)
    if today <= last:
        return {}
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
class FollowedTwe:
    """What the rules know of the trajectory a nazorg follows, as plain values. `client` is any
    identity of its client (a pk, a national number), compared with the nazorg's; `nazorgs` counts
    the nazorgs that already follow it and were not stopped (not counting the one checked)."""

    type: str
    status: str
    start: datetime.date
    client: object
    nazorgs: int = 0


def check_follows(type, start, client, followed, status=None):
    """A nazorg follows a TWE of the same client that ran (running or closed, not stopped or only
    referred), starts on or after that TWE's start, and a TWE has one nazorg that was not stopped
    (a stopped nazorg, `status`, leaves room for the next). Only a nazorg follows. `followed` is a
    FollowedTwe or None."""
    if type != TrajectoryType.NAZORG:
        return {"follows": gettext("Only a nazorg follows a TWE.")} if followed else {}
    if followed is None:
        return {"follows": gettext("A nazorg follows a TWE: choose the TWE it follows.")}
    if followed.type != TrajectoryType.TWE or followed.client != client:
        return {"follows": gettext("A nazorg follows a TWE of the same client.")}
    if followed.status not in NAZORG_CAN_FOLLOW:
        return {"follows": gettext("A nazorg follows a TWE that ran: this one is %(status)s.") % {
            "status": Status(followed.status).label}}
    if start and start < followed.start:
        return {"start_date": gettext("A nazorg starts on or after the start of its TWE (%(start)s).") % {
            "start": display_date(followed.start)}}
    if followed.nazorgs and status != Status.STOPGEZET:
        return {"follows": gettext("This TWE already has a nazorg.")}
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

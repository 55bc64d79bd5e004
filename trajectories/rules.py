"""The domain vocabularies and rules of trajectories (DOMAIN.md, "Trajectories"), in one place
so that forms, the import and tasks all obey the same ones."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

WERK_ZORG_MAX_MONTHS = 18
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

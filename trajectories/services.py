"""Actions on trajectories. Each runs in one transaction and validates through the models,
so a broken rule leaves nothing half-written, whether it comes from a form, the import or a task."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Evaluation, Goal, HoursStep, Placement, Trajectory, TrajectoryEvent
from .rules import (
    TRANSITIONS,
    Outcome,
    Status,
    TrajectoryType,
    allowed_transitions,
    ama_next_evaluation,
    nazorg_default_end,
)


def _saved(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def trajectory_register(*, client, by, type, start_date, placement=None, start=False, **fields):
    """Register (aanmelden) a trajectory, with its first placement when given, and start it
    at once when `start` is true. `placement` is a dict of Placement fields."""
    trajectory = _saved(Trajectory(client=client, type=type, start_date=start_date, created_by=by, **fields))
    _record(trajectory, TrajectoryEvent.REGISTERED, "", Status.AANGEMELD, by=by, date=start_date)
    if placement:
        placement_add(trajectory=trajectory, **{"start_date": start_date, **placement})
    if start:
        trajectory_transition(trajectory=trajectory, action="start", by=by, date=start_date)
    return trajectory


@transaction.atomic
def trajectory_transition(*, trajectory, action, by, date=None, outcome="", reason="", note=""):
    """Move a trajectory along its lifecycle (rules.TRANSITIONS), dated and attributed."""
    date = date or timezone.localdate()
    transition = TRANSITIONS.get(action)
    if transition is None or trajectory.status not in transition.sources:
        allowed = ", ".join(str(t.label).lower() for t in allowed_transitions(trajectory.status)) or "—"
        raise ValidationError(_("A %(status)s trajectory cannot do this; allowed now: %(allowed)s.") % {
            "status": trajectory.get_status_display(), "allowed": allowed})
    _check_transition_date(trajectory, date)
    if transition.needs_outcome and outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Closing a trajectory asks for an outcome.")})
    if transition.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Stopping a trajectory asks for a reason.")})
    if action == "start":
        if trajectory.type == TrajectoryType.TWE and not trajectory.placements.exists():
            raise ValidationError({"employer": _(
                "A running TWE has a workplace: add a placement at a partner employer or an own service first.")})
        trajectory.start_date = date
    if action in ("close", "stop"):
        trajectory.end_date = date
        trajectory.outcome = outcome if action == "close" else Outcome.STOPGEZET
        trajectory.stop_reason = reason if action == "stop" else ""
        trajectory.placements.filter(end_date__isnull=True).update(end_date=date)
    previous = trajectory.status
    trajectory.status = transition.target
    _saved(trajectory)
    _record(trajectory, action, previous, transition.target, by=by, date=date, note=note or reason)
    return trajectory


@transaction.atomic
def trajectory_update(*, trajectory, **fields):
    for name, value in fields.items():
        setattr(trajectory, name, value)
    return _saved(trajectory)


def _check_transition_date(trajectory, date):
    if date > timezone.localdate():
        raise ValidationError({"date": _("A step is recorded when it happens: the date cannot be in the future.")})
    last = trajectory.events.order_by("-date").first()
    if trajectory.status != Status.AANGEMELD and last and date < last.date:
        raise ValidationError({"date": _("The date cannot be before the previous step (%(date)s).") % {
            "date": last.date.strftime("%d/%m/%Y")}})


def _record(trajectory, action, from_status, to_status, *, by, date, note=""):
    return TrajectoryEvent.objects.create(trajectory=trajectory, action=action, from_status=from_status,
                                          to_status=to_status, by=by, date=date, note=note)


def nazorg_initial(twe, today=None):
    """The fields of a nazorg started from a TWE, for the form to show filled in."""
    start = today or timezone.localdate()
    return {"type": TrajectoryType.NAZORG, "follows": twe.pk, "start_date": start,
            "planned_end_date": nazorg_default_end(start)}


def nazorg_offered(twe, today=None, *, within_days=30):
    """A TWE that nears its end (or has ended) and has no nazorg yet offers to start one."""
    if twe.type != TrajectoryType.TWE or twe.status == Status.STOPGEZET:
        return False
    if twe.followed_by.all():  # prefetched on the pages that ask
        return False
    if twe.status == Status.AFGEROND:
        return True
    end = twe.planned_end_date
    today = today or timezone.localdate()
    return twe.is_running and end is not None and (end - today).days <= within_days


@transaction.atomic
def placement_add(*, trajectory, **fields):
    return _saved(Placement(trajectory=trajectory, **fields))


@transaction.atomic
def hours_step_add(*, trajectory, from_date, hours_per_week):
    return _saved(HoursStep(trajectory=trajectory, from_date=from_date, hours_per_week=hours_per_week))


@transaction.atomic
def goal_add(*, trajectory, description, target_date=None):
    return _saved(Goal(trajectory=trajectory, description=description, target_date=target_date))


@transaction.atomic
def goal_set_state(*, goal, state):
    goal.state = state
    return _saved(goal)


@transaction.atomic
def evaluation_add(*, trajectory, author, date, note):
    """Record an evaluation; for AMA the next yearly evaluation moves to a year later."""
    evaluation = _saved(Evaluation(trajectory=trajectory, author=author, date=date, note=note))
    if trajectory.type == TrajectoryType.AMA:
        trajectory.next_evaluation_date = ama_next_evaluation(date)
        _saved(trajectory)
    return evaluation

"""Actions on trajectories. Each runs in one transaction and validates through the models,
so a broken rule leaves nothing half-written, whether it comes from a form, the import or a task."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Evaluation, Goal, HoursStep, Placement, Trajectory, TrajectoryEvent
from .rules import (
    CLOSING_OUTCOMES,
    NAZORG_CAN_FOLLOW,
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
    at once when `start` is true. `placement` is a dict of Placement fields. Registering is
    dated today, or on the start when that lies in the past (entering an earlier trajectory)."""
    trajectory = _saved(Trajectory(client=client, type=type, start_date=start_date, created_by=by, **fields))
    _record(trajectory, TrajectoryEvent.REGISTERED, "", Status.AANGEMELD, by=by,
            date=min(start_date, timezone.localdate()))
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
    if transition.needs_outcome and outcome not in dict(CLOSING_OUTCOMES):
        raise ValidationError({"outcome": _("Closing a trajectory asks for an outcome.")})
    if transition.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Stopping a trajectory asks for a reason.")})
    _check_transition_date(trajectory, date)
    if action == "start":
        _move_start(trajectory, date)
    if action in ("start", "resume") and trajectory.type == TrajectoryType.TWE:
        _require_workplace(trajectory, date)
    if action in ("close", "stop"):
        _end(trajectory, date, outcome=outcome if action == "close" else Outcome.STOPGEZET,
             reason=reason if action == "stop" else "")
    previous = trajectory.status
    trajectory.status = transition.target
    try:
        with transaction.atomic():
            _saved(trajectory)
    except IntegrityError:  # a colleague started the same type a moment ago
        raise ValidationError({"type": _("This client already has a running trajectory of this type.")}) from None
    _record(trajectory, action, previous, transition.target, by=by, date=date, note=note or reason)
    return trajectory


def _move_start(trajectory, date):
    """Starting dates the trajectory's start; a workplace or hours step planned for the old start
    moves along, anything else must still fit."""
    old = trajectory.start_date
    trajectory.start_date = date
    for part in [*trajectory.placements.all(), *trajectory.hours_steps.all()]:
        part.trajectory = trajectory
        if isinstance(part, Placement) and part.start_date == old:
            part.start_date = date
        elif isinstance(part, HoursStep) and part.from_date == old:
            part.from_date = date
        try:
            _saved(part)
        except ValidationError as error:
            raise ValidationError({"date": _("%(part)s does not fit this start date: %(problem)s") % {
                "part": part, "problem": " ".join(error.messages)}}) from None


def _require_workplace(trajectory, date):
    if not any(placement.covers(date) for placement in trajectory.placements.all()):
        raise ValidationError({"employer": _(
            "A running TWE has a workplace: add a placement at a partner employer or an own service first.")})


def _end(trajectory, date, *, outcome, reason):
    """Close or stop: nothing recorded may lie after the end, and open workplaces end with it."""
    latest = max([
        *(p.start_date for p in trajectory.placements.all()),
        *(step.from_date for step in trajectory.hours_steps.all()),
        *(evaluation.date for evaluation in trajectory.evaluations.all()),
    ], default=None)
    if latest and latest > date:
        raise ValidationError({"date": _("The trajectory has a workplace, step or evaluation on %(date)s: "
                                         "it cannot end before that.") % {"date": latest.strftime("%d/%m/%Y")}})
    trajectory.end_date, trajectory.outcome, trajectory.stop_reason = date, outcome, reason
    for placement in trajectory.placements.all():
        if placement.end_date is None or placement.end_date > date:
            placement.trajectory, placement.end_date = trajectory, date
            _saved(placement)


EDITABLE_FIELDS = {"planned_end_date", "description", "care_partner", "care_partner_name", "care_moments",
                   "next_evaluation_date"}


@transaction.atomic
def trajectory_update(*, trajectory, **fields):
    """Change what may change along the way; type, start, status and outcome only change through
    registering and the lifecycle steps."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable outside the lifecycle: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(trajectory, name, value)
    return _saved(trajectory)


def _check_transition_date(trajectory, date):
    if date > timezone.localdate():
        raise ValidationError({"date": _("A step is recorded when it happens: the date cannot be in the future.")})
    last = trajectory.events.order_by("-date").first()
    if last and date < last.date:
        raise ValidationError({"date": _("The date cannot be before the previous step (%(date)s).") % {
            "date": last.date.strftime("%d/%m/%Y")}})


def _require_open(trajectory):
    if trajectory.is_final:
        raise ValidationError(_("This trajectory is %(status)s: nothing can be added to it any more.") % {
            "status": trajectory.get_status_display()})


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
    if twe.type != TrajectoryType.TWE or twe.status not in NAZORG_CAN_FOLLOW:
        return False
    if any(nazorg.status != Status.STOPGEZET for nazorg in twe.followed_by.all()):  # prefetched
        return False
    if twe.status == Status.AFGEROND:
        return True
    end = twe.planned_end_date
    today = today or timezone.localdate()
    return twe.is_running and end is not None and (end - today).days <= within_days


@transaction.atomic
def placement_add(*, trajectory, **fields):
    _require_open(trajectory)
    return _saved(Placement(trajectory=trajectory, **fields))


@transaction.atomic
def placement_update(*, placement, **fields):
    """Correct a workplace or end it (its last day)."""
    for name, value in fields.items():
        setattr(placement, name, value)
    return _saved(placement)


@transaction.atomic
def hours_step_add(*, trajectory, from_date, hours_per_week):
    _require_open(trajectory)
    return _saved(HoursStep(trajectory=trajectory, from_date=from_date, hours_per_week=hours_per_week))


@transaction.atomic
def hours_step_remove(*, step):
    _require_open(step.trajectory)
    step.delete()


@transaction.atomic
def goal_add(*, trajectory, description, target_date=None):
    _require_open(trajectory)
    return _saved(Goal(trajectory=trajectory, description=description, target_date=target_date))


@transaction.atomic
def goal_set_state(*, goal, state):
    goal.state = state
    return _saved(goal)


@transaction.atomic
def evaluation_add(*, trajectory, author, date, note):
    """Record an evaluation; for AMA the next yearly evaluation moves to a year later."""
    _require_open(trajectory)
    evaluation = _saved(Evaluation(trajectory=trajectory, author=author, date=date, note=note))
    if trajectory.type == TrajectoryType.AMA:
        trajectory.next_evaluation_date = ama_next_evaluation(date)
        _saved(trajectory)
    return evaluation

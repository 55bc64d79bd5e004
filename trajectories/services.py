"""Actions on trajectories. Each runs in one transaction and validates through the models,
so a broken rule leaves nothing half-written, whether it comes from a form, the import or a task."""

from collections import Counter

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import Evaluation, Goal, HoursStep, Placement, Trajectory, TrajectoryEvent
from .rules import (
    TRANSITIONS,
    Followed,
    Outcome,
    Status,
    TrajectoryType,
    ama_next_evaluation,
    check_follows,
    check_step,
    display_date,
    lifecycle_steps,
    nazorg_default_end,
    registration_date,
    status_for,
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
    for step in lifecycle_steps(Status.AANGEMELD, start_date,
                                registered=registration_date(start_date, timezone.localdate())):
        _record(trajectory, *step, by=by)
    if placement:
        placement_add(trajectory=trajectory, **{"start_date": start_date, **placement})
    if start:
        trajectory_transition(trajectory=trajectory, action="start", by=by, date=start_date)
    return trajectory


@transaction.atomic
def trajectory_transition(*, trajectory, action, by, date=None, outcome="", reason="", note="", leefloon_after=""):
    """Move a trajectory along its lifecycle (rules.TRANSITIONS), dated and attributed."""
    date = date or timezone.localdate()
    errors = check_step(trajectory.status, action, outcome, reason)
    if NON_FIELD_ERRORS in errors:
        raise ValidationError(errors[NON_FIELD_ERRORS])
    if errors:
        raise ValidationError(errors)
    transition = TRANSITIONS[action]
    _check_transition_date(trajectory, date)
    if action == "start":
        _move_start(trajectory, date)
    if action in ("close", "stop"):
        _end(trajectory, date, outcome=outcome if action == "close" else Outcome.STOPGEZET,
             reason=reason if action == "stop" else "")
        trajectory.leefloon_after = leefloon_after
    previous = trajectory.status
    trajectory.status = transition.target
    try:
        with transaction.atomic():
            _saved(trajectory)
    except IntegrityError:  # a colleague started the same type a moment ago
        raise ValidationError({"type": _("This client already has a running trajectory of this type.")}) from None
    _record(trajectory, action, previous, transition.target, date, by=by, note=note or reason)
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


EDITABLE_FIELDS = {"planned_end_date", "description", "work_casemanager", "work_casemanager_name",
                   "care_organisation", "care_moments", "weo_signed_on", "vdab_registered_on", "training_name",
                   "training_start", "training_end",
                   "next_evaluation_date", "vdab_decided_on", "extended_to", "extension_reason", "job_start",
                   "leefloon_after"}


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


def _record(trajectory, action, from_status, to_status, date, *, by, note=""):
    return TrajectoryEvent.objects.create(trajectory=trajectory, action=action, from_status=from_status,
                                          to_status=to_status, by=by, date=date, note=note)


def nazorg_initial(twe, today=None):
    """The fields of a nazorg started from a TWE, for the form to show filled in."""
    start = today or timezone.localdate()
    return {"type": TrajectoryType.NAZORG, "follows": twe.pk, "start_date": start,
            "planned_end_date": nazorg_default_end(start)}


def nazorg_offered(twe, today=None, *, within_days=30):
    """A TWE that nears its end (or has ended) and has no nazorg yet offers to start one."""
    nazorgs = sum(nazorg.status != Status.STOPGEZET for nazorg in twe.followed_by.all())  # prefetched
    if check_follows(TrajectoryType.NAZORG, None, twe.client_id, Followed(
            type=twe.type, status=twe.status, start=twe.start_date, client=twe.client_id, nazorgs=nazorgs)):
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


def _cached_follows(trajectory):
    """The trajectory that `trajectory` follows when it was given as an instance (saved or not),
    without a query."""
    return Trajectory.follows.field.get_cached_value(trajectory, default=None)


def _batch_refusals(trajectories):
    """The rules of trajectories.rules over a batch of new trajectories, as [message]: each one's
    own values (Trajectory.value_errors) and what a nazorg follows (a step saved earlier, counted in
    one query, or one of the batch). One running trajectory of a type is left to the database's
    constraint."""
    saved = {t.follows_id for t in trajectories if t.follows_id}
    known = {}
    if saved:
        # Scoped to the organisations of the batch's clients (given as instances, as the import does).
        organisations = {t.client.organisation_id for t in trajectories if t.follows_id}
        twes = Trajectory.objects.of_organisations(organisations).filter(pk__in=saved)
        known = {twe.pk: twe for twe in twes.annotate(
            nazorgs=Count("followed_by", filter=~Q(followed_by__status=Status.STOPGEZET)))}
    counted = Counter()
    refusals = []
    for index, trajectory in enumerate(trajectories):
        step = known.get(trajectory.follows_id) or _cached_follows(trajectory)
        followed = None
        if step is not None:
            followed = Followed(type=step.type, status=step.status, start=step.start_date, client=step.client_id,
                                nazorgs=getattr(step, "nazorgs", 0) + counted[id(step)])
        errors = trajectory.value_errors(followed)
        if step is not None and not errors and trajectory.status != Status.STOPGEZET:
            counted[id(step)] += 1
        refusals += [f"{index + 1} ({trajectory.type} {display_date(trajectory.start_date)}) {field}: {message}"
                     for field, message in errors.items()]
    return refusals


REASONED = {action for action, transition in TRANSITIONS.items() if transition.needs_reason}


def _events(trajectory, steps, *, by_id, note):
    """The TrajectoryEvents of `steps` (rules.Step); a stop carries its reason when there is no note."""
    return [TrajectoryEvent(trajectory=trajectory, action=step.action, from_status=step.from_status,
                            to_status=step.to_status, date=step.date, by_id=by_id,
                            note=note or (trajectory.stop_reason if step.action in REASONED else ""))
            for step in steps]


def _write(objects, model, *, by, history, batch_size):
    if history:
        return bulk_create_with_history(objects, model, batch_size=batch_size, default_user=by)
    return model.objects.bulk_create(objects, batch_size=batch_size)


@transaction.atomic
def trajectories_bulk_create(trajectories, *, by, registered=None, note="", history=True, today=None,
                             batch_size=None):
    """Write many new trajectories at once (a file's, the demo's years) with the lifecycle steps that
    bring each to its status, in a fixed number of queries whatever their number.

    Each is an unsaved Trajectory with its client, type, start_date and, when it ended, end_date and
    outcome (and stop_reason when stopped); its status follows from those (rules.status_for), the
    dates it carries from its start are filled in (rules.trajectory_defaults). A nazorg's `follows`
    is a saved TWE or an unsaved one of this batch. `registered`: each one's registration date, in
    the same order (default rules.registration_date). The steps are recorded by the trajectory's
    creator (default `by`), with `note` (a stop also with its reason). The rules are checked over
    the whole batch first: one broken rule raises ValidationError and writes nothing. Returns the
    trajectories, saved, in the given order."""
    today = today or timezone.localdate()
    trajectories = list(trajectories)
    registered = list(registered) if registered is not None else [None] * len(trajectories)
    for trajectory in trajectories:
        trajectory.status = status_for(trajectory.end_date, trajectory.outcome, trajectory.start_date, today)
        trajectory.fill_defaults()
        if trajectory.created_by_id is None and by is not None:
            trajectory.created_by = by
    refusals = _batch_refusals(trajectories)
    if refusals:
        raise ValidationError(refusals)
    # Those that follow one of this batch go second, when what they follow has its id.
    follow_later = [t for t in trajectories if (twe := _cached_follows(t)) is not None and twe.pk is None]
    later = {id(t) for t in follow_later}
    for group in ([t for t in trajectories if id(t) not in later], follow_later):
        if group:
            _write(group, Trajectory, by=by, history=history, batch_size=batch_size)
    events = [
        event for trajectory, on in zip(trajectories, registered, strict=True)
        for event in _events(trajectory, lifecycle_steps(
            trajectory.status, trajectory.start_date, trajectory.end_date,
            registered=on or registration_date(trajectory.start_date, today)), by_id=trajectory.created_by_id,
            note=note)]
    TrajectoryEvent.objects.bulk_create(events, batch_size=batch_size)
    return trajectories


@transaction.atomic
def trajectories_bulk_end(ends, *, by, note="", history=True, today=None, batch_size=500):
    """End many trajectories at once as of their end dates (a re-imported file closes them): `ends`
    is [(trajectory, end, outcome)]. The status follows from the outcome (rules.status_for), the
    steps from where each stands (rules.lifecycle_steps), a stop's reason is `note` when it had
    none; open workplaces end with it. Checked by the rules first (ValidationError, nothing
    written); a fixed number of queries."""
    today = today or timezone.localdate()
    changed, events, refusals = [], [], []
    for trajectory, end, outcome in ends:
        previous = trajectory.status
        trajectory.end_date, trajectory.outcome = end, outcome
        trajectory.status = status_for(end, outcome, trajectory.start_date, today)
        if trajectory.status == Status.STOPGEZET and not trajectory.stop_reason:
            trajectory.stop_reason = note
        errors = trajectory.value_errors()  # what it follows was checked when it was written
        refusals += [f"{trajectory} {field}: {message}" for field, message in errors.items()]
        changed.append(trajectory)
        events += _events(trajectory, lifecycle_steps(trajectory.status, trajectory.start_date, end,
                                                      current=previous), by_id=by.pk if by else None, note=note)
    if refusals:
        raise ValidationError(refusals)
    fields = ["end_date", "outcome", "status", "stop_reason"]
    if history:
        bulk_update_with_history(changed, Trajectory, fields, batch_size=batch_size, default_user=by)
    else:
        Trajectory.objects.bulk_update(changed, fields, batch_size=batch_size)
    TrajectoryEvent.objects.bulk_create(events, batch_size=batch_size)
    ends_on = {trajectory.pk: trajectory.end_date for trajectory in changed}
    organisations = {trajectory.client.organisation_id for trajectory in changed}
    open_placements = list(Placement.objects.of_organisations(organisations).filter(
        trajectory_id__in=list(ends_on), end_date__isnull=True))
    for placement in open_placements:
        placement.end_date = ends_on[placement.trajectory_id]
    if history:
        bulk_update_with_history(open_placements, Placement, ["end_date"], batch_size=batch_size, default_user=by)
    else:
        Placement.objects.bulk_update(open_placements, ["end_date"], batch_size=batch_size)
    return changed

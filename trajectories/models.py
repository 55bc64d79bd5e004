"""Trajectories: a client's steps towards work, with their placements, goals, evaluations and,
for werk-zorg, the weekly-hours schedule. Each model checks its own rules in clean();
`services.py` runs them for every change."""

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client
from employers.models import Employer, Workplace
from organisations.scoping import CaseFileQuerySet, ScopedModel

from .rules import (
    FINAL,
    OPEN,
    REGISTER,
    RUNNING,
    START,
    FollowedTwe,
    Outcome,
    Status,
    TrajectoryType,
    check_dates,
    check_follows,
    check_one_running,
    check_outcome,
    check_werk_zorg,
    trajectory_defaults,
    werk_zorg_last_day,
)


def _date(value):
    return value.strftime("%d/%m/%Y")


class TrajectoryQuerySet(CaseFileQuerySet):
    # Scoped through the client (organisations.scoping): seen and changed as the client is.
    client_path = "client"
    organisation_path = "client__organisation"

    def running(self):
        return self.filter(status__in=RUNNING)

    def ran(self):
        """The trajectories that actually started (a start step): a registration that never ran
        counts in no report."""
        return self.filter(TrajectoryEvent.started_exists("pk"))

    def werk_zorg_planned_hours(self):
        """The most hours a week an open werk-zorgtraject among these plans (schedule or workplace);
        the client's draagkracht may not go below it (Client.clean asks through its trajectories)."""
        hours = self.filter(type=TrajectoryType.WERK_ZORG, status__in=OPEN).aggregate(
            steps=models.Max("hours_steps__hours_per_week"), placements=models.Max("placements__hours_per_week"))
        return max((value for value in hours.values() if value), default=None)


class TrajectoryPartQuerySet(CaseFileQuerySet):
    """What belongs to one trajectory (its steps, placements, hours, goals, evaluations): seen and
    changed as the trajectory's client is."""

    client_path = "trajectory__client"
    organisation_path = "trajectory__client__organisation"


class Trajectory(ScopedModel):
    class CarePartner(models.TextChoices):
        WELFARE = "welzijnsdienst", _("welfare service")
        PSYCHIATRIC = "psychiatrisch_ziekenhuis", _("psychiatric hospital")
        OCMW = "ocmw", _("OCMW")
        OTHER = "andere", _("other")

    Type = TrajectoryType
    Status = Status

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="trajectories",
                               verbose_name=_("client"))
    type = models.CharField(_("type"), max_length=20, choices=TrajectoryType.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.AANGEMELD)
    start_date = models.DateField(_("start date"))
    planned_end_date = models.DateField(_("planned end date"), null=True, blank=True,
                                        help_text=_("The last planned day."))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    # RESTRICT: a TWE cannot be deleted under its nazorg, but a client's whole file can.
    follows = models.ForeignKey("self", on_delete=models.RESTRICT, null=True, blank=True, related_name="followed_by",
                                verbose_name=_("follows the TWE"))
    description = models.TextField(_("description"), blank=True)
    care_partner = models.CharField(_("care partner"), max_length=30, choices=CarePartner.choices, blank=True)
    care_partner_name = models.CharField(_("name of the care partner"), max_length=200, blank=True)
    care_moments = models.TextField(_("care moments"), blank=True,
                                    help_text=_("For example: Tuesday morning conversation with the psychologist."))
    next_evaluation_date = models.DateField(_("next yearly evaluation"), null=True, blank=True)
    # Werk-zorg (activeringstraject, since 1 July 2023): VDAB decides the start; 3 to 18 months,
    # extendable in exceptional cases (DOMAIN.md).
    vdab_decided_on = models.DateField(_("VDAB decision date"), null=True, blank=True,
                                       help_text=_("The day VDAB decided the activeringstraject."))
    extended_to = models.DateField(_("extended until"), null=True, blank=True,
                                   help_text=_("Only for an accepted extension beyond 18 months."))
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    # Nazorg: the check-ins count from the day the job started (DOMAIN.md).
    job_start = models.DateField(_("job started on"), null=True, blank=True,
                                 help_text=_("The check-ins at 1, 3 and 6 months count from it."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Optimistic locking (django-concurrency): saving a copy read before someone else's save is refused.
    version = IntegerVersionField()
    history = HistoricalRecords(excluded_fields=["version"])

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        indexes = [models.Index(fields=["end_date"], name="trajectory_end_date")]  # ended in a year or month
        constraints = [
            models.UniqueConstraint("client", "type", condition=models.Q(status__in=RUNNING),
                                    name="one_running_trajectory_per_type"),
            models.CheckConstraint(condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F(
                "start_date")), name="trajectory_ends_after_start"),
            models.CheckConstraint(condition=models.Q(planned_end_date__isnull=True) | models.Q(
                planned_end_date__gte=models.F("start_date")), name="trajectory_planned_end_after_start"),
        ]

    def __str__(self):
        name = capfirst(self.get_type_display())
        return f"{name} ({_date(self.start_date)})" if self.start_date else name

    @property
    def is_open(self):
        return self.status in OPEN

    @property
    def is_running(self):
        return self.status in RUNNING

    @property
    def last_allowed_day(self):
        if self.type == TrajectoryType.WERK_ZORG and self.start_date:
            return werk_zorg_last_day(self.start_date)
        return None

    @property
    def effective_end(self):
        return self.end_date or self.planned_end_date

    def clean(self):
        """The rules of trajectories.rules over this trajectory's values: the same functions the
        import and the bulk service ask, so every writer gets the same answer and message."""
        super().clean()
        for name, value in trajectory_defaults(self.type, self.start_date).items():
            if not getattr(self, name):
                setattr(self, name, value)
        errors = {
            **check_dates(self.type, self.start_date, self.end_date, self.planned_end_date, self.extended_to,
                          referred_on=self.vdab_decided_on),
            **check_werk_zorg(self.type, self.extended_to, self.extension_reason, self.vdab_decided_on,
                              self.job_start),
            **check_outcome(self.status, self.end_date, self.outcome, self.stop_reason),
            **check_follows(self.type, self.start_date, self.client_id, self._followed(), self.status),
        }
        if self.status in RUNNING and self.client_id:
            other = (Trajectory.objects.running().filter(client_id=self.client_id, type=self.type)
                     .exclude(pk=self.pk).first())
            errors.update(check_one_running(self.type, other.start_date if other else None))
        if errors:
            raise ValidationError(errors)

    def _followed(self):
        """The TWE this trajectory follows, as the rules see it: its other nazorgs that were not stopped."""
        twe = self.follows
        if twe is None:
            return None
        nazorgs = 0
        if self.type == TrajectoryType.NAZORG:
            nazorgs = twe.followed_by.exclude(pk=self.pk).exclude(status=Status.STOPGEZET).count()
        return FollowedTwe(type=twe.type, status=twe.status, start=twe.start_date, client=twe.client_id,
                           nazorgs=nazorgs)

    def current_placement(self, on=None):
        on = on or timezone.localdate()
        placements = [p for p in self.placements.all() if p.covers(on)]
        return placements[-1] if placements else None

    @property
    def is_final(self):
        return self.status in FINAL


class TrajectoryEvent(ScopedModel):
    """One dated, attributed step in a trajectory's lifecycle: its history."""

    REGISTERED = REGISTER

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="events",
                                   verbose_name=_("trajectory"))
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    date = models.DateField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = TrajectoryPartQuerySet.as_manager()

    class Meta:
        ordering = ["date", "created_at"]
        # The steps of a month.
        indexes = [models.Index(fields=["action", "date"], name="event_action_date")]
        # A trajectory starts once (only a registration starts). The constraint's index also answers
        # "did it start?", which every report asks of thousands of trajectories at once.
        constraints = [models.UniqueConstraint(fields=["trajectory"], condition=models.Q(action="start"),
                                               name="one_start_per_trajectory")]
        verbose_name = _("trajectory event")
        verbose_name_plural = _("trajectory events")

    def __str__(self):
        return f"{self.trajectory} {self.action} {_date(self.date)}"

    @staticmethod
    def started_exists(outer_ref="pk"):
        """Exists(the start step of the trajectory at `outer_ref`): "did it run", for joins from a
        placement ("trajectory") or an employer ("placements__trajectory")."""
        return models.Exists(TrajectoryEvent.objects.filter(trajectory=models.OuterRef(outer_ref), action=START))


class Placement(ScopedModel):
    """A trajectory's werkplek: at a partner employer or at one of the OCMW's own services."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="placements",
                                   verbose_name=_("trajectory"))
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="placements",
                                 verbose_name=_("employer or own service"))
    workplace = models.ForeignKey(Workplace, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="placements", verbose_name=_("workplace"))
    function = models.CharField(_("function"), max_length=200)
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"), validators=[MinValueValidator(1),
                                                                                      MaxValueValidator(40)])
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    mentor = models.CharField(_("mentor"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = TrajectoryPartQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self):
        return f"{self.function} — {self.employer}"

    def covers(self, day):
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def clean(self):
        super().clean()
        errors = {}
        trajectory = self.trajectory
        if self.employer_id and self.employer.organisation_id != trajectory.client.organisation_id:
            errors["employer"] = _("Choose an employer of your own organisation.")
        if self.workplace_id and self.workplace.employer_id != self.employer_id:
            errors["workplace"] = _("The workplace belongs to another employer.")
        self._check_period(trajectory, errors)
        draagkracht = trajectory.client.draagkracht_hours
        if (trajectory.type == TrajectoryType.WERK_ZORG and draagkracht is not None and self.hours_per_week
                and self.hours_per_week > draagkracht):
            errors["hours_per_week"] = _(
                "%(hours)s hours a week exceeds the client's draagkracht of %(draagkracht)s hours.") % {
                "hours": self.hours_per_week, "draagkracht": draagkracht}
        if errors:
            raise ValidationError(errors)

    def _check_period(self, trajectory, errors):
        """A workplace lies within its trajectory: from its start to its (planned) end."""
        last = trajectory.end_date or trajectory.planned_end_date
        if self.start_date and trajectory.start_date and self.start_date < trajectory.start_date:
            errors["start_date"] = _("A placement starts on or after the start of its trajectory (%(start)s).") % {
                "start": _date(trajectory.start_date)}
        elif self.start_date and last and self.start_date > last:
            errors["start_date"] = _("A placement starts before the end of its trajectory (%(end)s).") % {
                "end": _date(last)}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date (%(start)s).") % {
                "start": _date(self.start_date)}
        elif self.end_date and trajectory.end_date and self.end_date > trajectory.end_date:
            errors["end_date"] = _("A placement ends by the end of its trajectory (%(end)s).") % {
                "end": _date(trajectory.end_date)}


class HoursStep(ScopedModel):
    """A step in a werk-zorgtraject's weekly hours, built up according to the client's draagkracht."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="hours_steps",
                                   verbose_name=_("trajectory"))
    from_date = models.DateField(_("from"))
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"), validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    objects = TrajectoryPartQuerySet.as_manager()

    class Meta:
        ordering = ["from_date"]
        verbose_name = _("hours step")
        verbose_name_plural = _("hours schedule")
        constraints = [models.UniqueConstraint("trajectory", "from_date", name="one_hours_step_per_day")]

    def __str__(self):
        return f"{_date(self.from_date)}: {self.hours_per_week}"

    def clean(self):
        super().clean()
        trajectory, errors = self.trajectory, {}
        draagkracht = trajectory.client.draagkracht_hours
        if trajectory.type != TrajectoryType.WERK_ZORG:
            errors["hours_per_week"] = _("Only a werk-zorgtraject has an hours schedule.")
        elif draagkracht is None:
            errors["hours_per_week"] = _("Fill in the client's draagkracht first: the schedule never exceeds it.")
        elif self.hours_per_week and self.hours_per_week > draagkracht:
            errors["hours_per_week"] = _(
                "%(hours)s hours a week exceeds the client's draagkracht of %(draagkracht)s hours.") % {
                "hours": self.hours_per_week, "draagkracht": draagkracht}
        if self.from_date and trajectory.start_date and self.from_date < trajectory.start_date:
            errors["from_date"] = _("A step starts on or after the start of the trajectory (%(start)s).") % {
                "start": _date(trajectory.start_date)}
        elif self.from_date and trajectory.effective_end and self.from_date > trajectory.effective_end:
            errors["from_date"] = _("A step starts before the end of the trajectory (%(end)s).") % {
                "end": _date(trajectory.effective_end)}
        elif (self.from_date and HoursStep.objects.filter(trajectory=trajectory, from_date=self.from_date)
              .exclude(pk=self.pk).exists()):
            errors["from_date"] = _("The schedule already has a step on this day.")
        if errors:
            raise ValidationError(errors)


class Goal(ScopedModel):
    """A goal of the trajectory's action plan (the GPMI habit)."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        REACHED = "bereikt", _("reached")
        NOT_REACHED = "niet_bereikt", _("not reached")

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="goals",
                                   verbose_name=_("trajectory"))
    description = models.CharField(_("goal"), max_length=300)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = TrajectoryPartQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.description


class Evaluation(ScopedModel):
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="evaluations",
                                   verbose_name=_("trajectory"))
    date = models.DateField(_("date"))
    note = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = TrajectoryPartQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return f"{_date(self.date)} {self.trajectory}"

    def clean(self):
        super().clean()
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("An evaluation is recorded after it took place: "
                                              "the date cannot be in the future.")})
        if self.date and self.trajectory.start_date and self.date < self.trajectory.start_date:
            raise ValidationError({"date": _("An evaluation falls on or after the start of the trajectory (%(start)s).")
                                   % {"start": _date(self.trajectory.start_date)}})

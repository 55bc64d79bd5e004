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

from .rules import (
    FINAL,
    NAZORG_CAN_FOLLOW,
    OPEN,
    RUNNING,
    Outcome,
    Status,
    TrajectoryType,
    ama_next_evaluation,
    werk_zorg_last_day,
)


def _date(value):
    return value.strftime("%d/%m/%Y")


class TrajectoryQuerySet(models.QuerySet):
    def running(self):
        return self.filter(status__in=RUNNING)

    def werk_zorg_planned_hours(self):
        """The most hours a week an open werk-zorgtraject among these plans (schedule or workplace);
        the client's draagkracht may not go below it (Client.clean asks through its trajectories)."""
        hours = self.filter(type=TrajectoryType.WERK_ZORG, status__in=OPEN).aggregate(
            steps=models.Max("hours_steps__hours_per_week"), placements=models.Max("placements__hours_per_week"))
        return max((value for value in hours.values() if value), default=None)


class Trajectory(models.Model):
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
        super().clean()
        if self.type == TrajectoryType.AMA and self.start_date and not self.next_evaluation_date:
            self.next_evaluation_date = ama_next_evaluation(self.start_date)
        if self.type == TrajectoryType.WERK_ZORG and self.start_date and not self.planned_end_date:
            # The 18 months are a hard limit: a werk-zorg always carries its last day.
            self.planned_end_date = self.last_allowed_day
        errors = {}
        self._check_dates(errors)
        self._check_follows(errors)
        self._check_one_running(errors)
        if self.status == Status.AFGEROND and not self.outcome:
            errors["outcome"] = _("Closing a trajectory asks for an outcome.")
        if self.status == Status.STOPGEZET and not self.stop_reason.strip():
            errors["stop_reason"] = _("Stopping a trajectory asks for a reason.")
        if errors:
            raise ValidationError(errors)

    def _check_dates(self, errors):
        if not self.start_date:
            return
        for field in ("planned_end_date", "end_date"):
            value = getattr(self, field)
            if value and value < self.start_date:
                errors[field] = _("The end date cannot be before the start date (%(start)s).") % {
                    "start": _date(self.start_date)}
            elif value and self.last_allowed_day and value > self.last_allowed_day:
                errors[field] = _("A werk-zorgtraject lasts at most 18 months: the last day is %(last)s.") % {
                    "last": _date(self.last_allowed_day)}

    def _check_follows(self, errors):
        if self.type != TrajectoryType.NAZORG:
            if self.follows_id:
                errors["follows"] = _("Only a nazorg follows a TWE.")
            return
        twe = self.follows
        if twe is None:
            errors["follows"] = _("A nazorg follows a TWE: choose the TWE it follows.")
        elif twe.type != TrajectoryType.TWE or twe.client_id != self.client_id:
            errors["follows"] = _("A nazorg follows a TWE of the same client.")
        elif twe.status not in NAZORG_CAN_FOLLOW:
            errors["follows"] = _("A nazorg follows a TWE that ran: this one is %(status)s.") % {
                "status": twe.get_status_display()}
        elif self.start_date and self.start_date < twe.start_date:
            errors["start_date"] = _("A nazorg starts on or after the start of its TWE (%(start)s).") % {
                "start": _date(twe.start_date)}
        elif twe.followed_by.exclude(pk=self.pk).exclude(status=Status.STOPGEZET).exists():
            errors["follows"] = _("This TWE already has a nazorg.")

    def _check_one_running(self, errors):
        if self.status not in RUNNING or not self.client_id:
            return
        other = (Trajectory.objects.running().filter(client_id=self.client_id, type=self.type)
                 .exclude(pk=self.pk).first())
        if other:
            errors["type"] = _("This client already has a running %(type)s (since %(start)s).") % {
                "type": other.get_type_display(), "start": _date(other.start_date)}

    def current_placement(self, on=None):
        on = on or timezone.localdate()
        placements = [p for p in self.placements.all() if p.covers(on)]
        return placements[-1] if placements else None

    @property
    def is_final(self):
        return self.status in FINAL


class TrajectoryEvent(models.Model):
    """One dated, attributed step in a trajectory's lifecycle: its history."""

    REGISTERED = "aangemeld"

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


class Placement(models.Model):
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


class HoursStep(models.Model):
    """A step in a werk-zorgtraject's weekly hours, built up according to the client's draagkracht."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="hours_steps",
                                   verbose_name=_("trajectory"))
    from_date = models.DateField(_("from"))
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"), validators=[MinValueValidator(1)])
    history = HistoricalRecords()

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


class Goal(models.Model):
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

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.description


class Evaluation(models.Model):
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="evaluations",
                                   verbose_name=_("trajectory"))
    date = models.DateField(_("date"))
    note = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

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

"""Trajectories: a client's steps towards work, with their placements, goals, evaluations and,
for werk-zorg, the weekly-hours schedule. Each model checks its own rules in clean();
`services.py` runs them for every change."""

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client
from employers.models import Employer, Workplace
from organisations.models import Organisation, Role
from organisations.scoping import CaseFileQuerySet, ScopedModel, ScopedQuerySet

from .rules import (
    FINAL,
    OPEN,
    REGISTER,
    RUNNING,
    START,
    Followed,
    LeefloonAfter,
    Outcome,
    Status,
    TrajectoryType,
    TwePhase,
    WorkCasemanager,
    check_dates,
    check_follows,
    check_one_running,
    check_outcome,
    check_twe,
    check_twe_placement,
    check_werk_zorg,
    trajectory_defaults,
    twe_last_day,
    twe_phase,
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


def _keeps_vocabularies(user):
    return user.role == Role.ADMINISTRATOR


class CareOrganisationQuerySet(ScopedQuerySet):
    """The care organisations an OCMW works with: seen by everyone of the organisation who works with
    case files, kept by the beheerder."""

    def visible_to(self, user):
        return self.of_own_organisation(user, lambda user: user.works_with_case_files or _keeps_vocabularies(user))

    def editable_by(self, user):
        return self.of_own_organisation(user, _keeps_vocabularies)

    def active(self):
        return self.filter(active=True)


class CareOrganisation(ScopedModel):
    """A welfare or care organisation of the mandated partnership that can be casemanager Zorg of an
    activeringstraject (DOMAIN.md): a vocabulary each OCMW keeps (beheerder)."""

    class Kind(models.TextChoices):
        CAW = "caw", _("CAW (centre for general welfare work)")
        CGG = "cgg", _("CGG (centre for mental health care)")
        PSYCHIATRIC = "psychiatrisch_ziekenhuis", _("psychiatric hospital")
        MUTUAL = "ziekenfonds", _("social service of a health insurance fund")
        OTHER = "andere", _("other welfare or care organisation")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="care_organisations",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("An inactive one is no longer offered; trajectories keep it."))
    history = HistoricalRecords()

    objects = CareOrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("care organisation")
        verbose_name_plural = _("care organisations")
        constraints = [models.UniqueConstraint(Lower("name"), "organisation", name="one_care_organisation_per_name")]

    def __str__(self):
        return self.name


class Trajectory(ScopedModel):
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
    # Whether the person left the leefloon when it ended, and why: reports read a TWE that ends in
    # unemployment benefit as the success it is.
    leefloon_after = models.CharField(_("leefloon after the trajectory"), max_length=20, choices=LeefloonAfter.choices,
                                      blank=True)
    # RESTRICT: a step cannot be deleted under its nazorg, but a client's whole file can.
    follows = models.ForeignKey("self", on_delete=models.RESTRICT, null=True, blank=True, related_name="followed_by",
                                verbose_name=_("follows the step"),
                                help_text=_("Optional: the step into work this nazorg follows."))
    description = models.TextField(_("description"), blank=True)
    # Werk-zorg: the casemanager Werk (VDAB or a mandated work actor) and Zorg (a care organisation).
    work_casemanager = models.CharField(_("casemanager Werk"), max_length=20, choices=WorkCasemanager.choices,
                                        blank=True)
    work_casemanager_name = models.CharField(_("name of the casemanager Werk"), max_length=200, blank=True)
    care_organisation = models.ForeignKey(CareOrganisation, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="trajectories", verbose_name=_("casemanager Zorg"))
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
    # TWE-OCMW: its phases are dated by the WEO and its placements (the art. 60 §7 employment).
    weo_signed_on = models.DateField(
        _("WEO signed on"), null=True, blank=True,
        help_text=_("The werkervaringsovereenkomst: the TWE lasts at most 2 years from it."))
    vdab_registered_on = models.DateField(_("registered in VDAB's partner portal on"), null=True, blank=True)
    training_name = models.CharField(_("short training inside the TWE"), max_length=200, blank=True,
                                     help_text=_("One recognised technical training of at most 3 months."))
    training_start = models.DateField(_("training from"), null=True, blank=True)
    training_end = models.DateField(_("training until"), null=True, blank=True)
    # Empty for what an import wrote into an organisation that had no users yet.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
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

    @property
    def twe_last_day(self):
        return twe_last_day(self.weo_signed_on) if self.type == TrajectoryType.TWE and self.weo_signed_on else None

    def twe_phase(self, on=None):
        """The TWE's phase on a day (default today), from its WEO and its workplaces (prefetched)."""
        if self.type != TrajectoryType.TWE:
            return None
        on = on or timezone.localdate()
        if self.end_date and self.end_date < on:
            on = self.end_date
        return TwePhase(twe_phase(on, self.weo_signed_on, [(p.start_date, p.end_date) for p in self.placements.all()]))

    def fill_defaults(self):
        for name, value in trajectory_defaults(self.type, self.start_date).items():
            if not getattr(self, name):
                setattr(self, name, value)

    def value_errors(self, followed=None):
        """The rules of trajectories.rules over this trajectory's own values ({field: message}),
        without a query: what the form, the bulk service behind the import and demo, and the
        import's planner all ask. `followed`: a rules.Followed for the step a nazorg follows."""
        return {
            **check_dates(self.type, self.start_date, self.end_date, self.planned_end_date, self.extended_to,
                          referred_on=self.vdab_decided_on),
            **check_werk_zorg(self.type, self.extended_to, self.extension_reason, self.vdab_decided_on,
                              self.job_start),
            **check_twe(self.type, self.start_date, self.end_date, self.planned_end_date,
                        weo_signed_on=self.weo_signed_on, vdab_registered_on=self.vdab_registered_on,
                        training_name=self.training_name, training_start=self.training_start,
                        training_end=self.training_end),
            **check_outcome(self.status, self.end_date, self.outcome, self.stop_reason),
            **check_follows(self.type, self.start_date, self.client_id, followed, self.status),
            **self._check_casemanagers(),
        }

    def _check_casemanagers(self):
        errors = {}
        if self.type != TrajectoryType.WERK_ZORG:
            if self.work_casemanager or self.care_organisation_id:
                errors["work_casemanager"] = _("Only a werk-zorgtraject has casemanagers Werk and Zorg.")
        elif self.work_casemanager_name and not self.work_casemanager:
            errors["work_casemanager"] = _("Who is casemanager Werk: VDAB, GTB or another work actor?")
        if self.leefloon_after and not self.end_date:
            errors["leefloon_after"] = _("Whether the leefloon was left is recorded when the trajectory ends.")
        return errors

    def clean(self):
        """The rules of trajectories.rules over this trajectory's values: the same functions the
        import and the bulk service ask, so every writer gets the same answer and message."""
        super().clean()
        self.fill_defaults()
        errors = self.value_errors(self._followed())
        if (self.care_organisation_id and self.client_id
                and self.care_organisation.organisation_id != self.client.organisation_id):
            errors["care_organisation"] = _("Choose a care organisation of your own organisation.")
        if self.status in RUNNING and self.client_id:
            other = (Trajectory.objects.running().filter(client_id=self.client_id, type=self.type)
                     .exclude(pk=self.pk).first())
            errors.update(check_one_running(self.type, other.start_date if other else None))
        if errors:
            raise ValidationError(errors)

    def _followed(self):
        """The step this trajectory follows, as the rules see it: its other nazorgs that were not stopped."""
        step = self.follows
        if step is None:
            return None
        nazorgs = 0
        if self.type == TrajectoryType.NAZORG:
            nazorgs = step.followed_by.exclude(pk=self.pk).exclude(status=Status.STOPGEZET).count()
        return Followed(type=step.type, status=step.status, start=step.start_date, client=step.client_id,
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
    # Empty for what an import wrote into an organisation that had no users yet.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
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
    # A TWE worker placed at a partner stays employed by the OCMW (art. 60 §7): a written placement
    # agreement between OCMW, partner and worker, signed before the start (its document is a
    # Document of kind placement agreement on the trajectory).
    agreement_signed_on = models.DateField(_("placement agreement signed on"), null=True, blank=True)
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

    @property
    def at_partner(self):
        return self.employer.kind == Employer.Kind.PARTNER

    @property
    def lacks_agreement(self):
        """A TWE's employment at a partner without its placement agreement recorded."""
        return self.trajectory.type == TrajectoryType.TWE and self.at_partner and not self.agreement_signed_on

    def clean(self):
        super().clean()
        errors = {}
        trajectory = self.trajectory
        if self.employer_id and self.employer.organisation_id != trajectory.client.organisation_id:
            errors["employer"] = _("Choose an employer of your own organisation.")
        if self.workplace_id and self.workplace.employer_id != self.employer_id:
            errors["workplace"] = _("The workplace belongs to another employer.")
        self._check_period(trajectory, errors)
        if self.employer_id:
            errors.update(check_twe_placement(
                trajectory.type, self.hours_per_week, self.start_date, weo_signed_on=trajectory.weo_signed_on,
                at_partner=self.at_partner, agreement_signed_on=self.agreement_signed_on))
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

"""Group modules (DOMAIN.md: voortraject / groepsmodule; seed 001 runs them before people start
work, seed 003 counts 641 people in workshops): a catalogue per OCMW, each module run as editions
with dated sessions, clients enrolled in an edition (with a waiting list when it is full), and their
attendance per session."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client
from gpmi.models import Gpmi
from organisations.models import Organisation
from organisations.scoping import CaseFileQuerySet, ScopedModel, ScopedQuerySet
from trajectories.models import Trajectory
from trajectories.rules import TrajectoryType

from .rules import ABSENT, ATTENDED, EnrolmentStatus, ModuleKind, Presence


def _date(value):
    return value.strftime("%d/%m/%Y")


class ModuleDataQuerySet(ScopedQuerySet):
    """The catalogue, editions and sessions: the organisation's own, seen and kept by the roles that
    work with case files (the counsellors run the modules, DOMAIN.md)."""

    def editable_by(self, user):
        return self.of_own_organisation(user, lambda user: user.works_with_case_files)


class Module(ScopedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="modules",
                                     verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ModuleKind.choices)
    goals = models.TextField(_("goals"), blank=True)
    trainer = models.CharField(_("trainer"), max_length=200, blank=True,
                               help_text=_("A colleague, or the partner organisation that gives it."))
    partner = models.CharField(_("partner organisation"), max_length=200, blank=True,
                               help_text=_("Empty when the OCMW gives it itself."))
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), null=True, blank=True, validators=[MinValueValidator(1)],
                                                help_text=_("Empty: no limit."))
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ModuleDataQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("group module")
        verbose_name_plural = _("group modules")

    def __str__(self):
        return self.title


class EditionQuerySet(ModuleDataQuerySet):
    organisation_path = "module__organisation"


class Edition(ScopedModel):
    """One run of a module, with its sessions and participants."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="editions", verbose_name=_("module"))
    name = models.CharField(_("name"), max_length=200, help_text=_("For example: spring 2026, Tuesday group."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), null=True, blank=True, validators=[MinValueValidator(1)],
                                                help_text=_("Empty: the module's number of places."))
    # The colleague who gives it: takes attendance and may enrol clients in it.
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="trained_editions", verbose_name=_("trainer (colleague)"))
    history = HistoricalRecords()

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self):
        return f"{self.module} — {self.name}"

    @property
    def places(self):
        return self.capacity or self.module.capacity

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date (%(start)s).") % {
                "start": _date(self.start_date)}
        if self.trainer_id and self.module_id and self.trainer.organisation_id != self.module.organisation_id:
            errors["trainer"] = _("Choose a colleague of your own organisation.")
        if errors:
            raise ValidationError(errors)


def _attendance_counts(prefix="attendances"):
    """attended, absent and unexcused: the marks of an enrolment or a session, counted."""
    return {"attended": models.Count(prefix, filter=models.Q(**{f"{prefix}__presence__in": ATTENDED})),
            "absent": models.Count(prefix, filter=models.Q(**{f"{prefix}__presence__in": ABSENT})),
            "unexcused": models.Count(prefix, filter=models.Q(**{f"{prefix}__presence": Presence.UNEXCUSED}))}


class SessionQuerySet(ModuleDataQuerySet):
    organisation_path = "edition__module__organisation"

    def with_attendance_counts(self):
        return self.annotate(**_attendance_counts())

    def held(self):
        """Sessions that took place: not cancelled, on or before today."""
        return self.filter(cancelled=False, date__lte=timezone.localdate())


class Session(ScopedModel):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sessions",
                                verbose_name=_("edition"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("Empty: the module's place."))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    history = HistoricalRecords()

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["date"], name="session_date")]

    def __str__(self):
        return f"{self.edition} {_date(self.date)}"

    def clean(self):
        super().clean()
        errors = {}
        edition = self.edition if self.edition_id else None
        outside = edition and self.date and (
            self.date < edition.start_date or (edition.end_date and self.date > edition.end_date))
        if outside:
            errors["date"] = _("A session falls within its edition (%(start)s – %(end)s).") % {
                "start": _date(edition.start_date), "end": _date(edition.end_date) if edition.end_date else "…"}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("A session ends after it starts.")
        if errors:
            raise ValidationError(errors)


class EnrolmentQuerySet(CaseFileQuerySet):
    client_path = "client"
    organisation_path = "client__organisation"

    def enrolled(self):
        return self.filter(status=EnrolmentStatus.ENROLLED)

    def with_attendance_counts(self):
        return self.annotate(**_attendance_counts())


class Enrolment(ScopedModel):
    """A client in an edition: enrolled, on the waiting list, or left. Linked, when the counsellor
    says so, to the client's voortraject or GPMI it serves."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="enrolments",
                                verbose_name=_("edition"))
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("client"))
    status = models.CharField(_("status"), max_length=20, choices=EnrolmentStatus.choices)
    enrolled_on = models.DateField(_("enrolled on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    trajectory = models.ForeignKey(Trajectory, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="enrolments", verbose_name=_("voortraject"))
    gpmi = models.ForeignKey(Gpmi, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments",
                             verbose_name=_("GPMI"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint("edition", "client", name="one_enrolment_per_edition")]

    def __str__(self):
        return f"{self.client} — {self.edition}"

    def clean(self):
        super().clean()
        errors = {}
        if self.client_id and self.edition_id and self.client.organisation_id != self.edition.module.organisation_id:
            errors["client"] = _("Enrol a client of your own organisation.")
        if self.trajectory_id and (self.trajectory.client_id != self.client_id
                                   or self.trajectory.type != TrajectoryType.VOORTRAJECT):
            errors["trajectory"] = _("Choose a voortraject of this client.")
        if self.gpmi_id and self.gpmi.client_id != self.client_id:
            errors["gpmi"] = _("Choose a GPMI of this client.")
        if self.left_on and self.left_on < self.enrolled_on:
            errors["left_on"] = _("The end date cannot be before the start date (%(start)s).") % {
                "start": _date(self.enrolled_on)}
        if errors:
            raise ValidationError(errors)


class AttendanceQuerySet(CaseFileQuerySet):
    client_path = "enrolment__client"
    organisation_path = "enrolment__client__organisation"


class Attendance(ScopedModel):
    """Whether an enrolled client was there at one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances",
                                verbose_name=_("session"))
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances",
                                  verbose_name=_("participant"))
    presence = models.CharField(_("presence"), max_length=20, choices=Presence.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)
    history = HistoricalRecords()

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["session__date", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint("session", "enrolment", name="one_attendance_per_session")]

    def __str__(self):
        return f"{self.enrolment.client} {self.session}: {self.get_presence_display()}"

    def clean(self):
        super().clean()
        errors = {}
        if self.session_id and self.enrolment_id:
            if self.session.edition_id != self.enrolment.edition_id:
                errors["enrolment"] = _("This client is not enrolled in this edition.")
            elif self.enrolment.status == EnrolmentStatus.WAITING:
                errors["enrolment"] = _("This client is on the waiting list: enrol them first.")
            if self.session.date > timezone.localdate():
                errors["presence"] = _("Attendance is taken on the day of the session or after it.")
            if self.session.cancelled:
                errors["presence"] = _("This session was cancelled.")
        if errors:
            raise ValidationError(errors)

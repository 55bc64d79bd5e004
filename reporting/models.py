"""Yearly reports asked for in the browser: rendered by a Celery task, kept with who asked and when."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from organisations.scoping import ScopedModel, ScopedQuerySet, heads_the_service

# A rendering that has not finished after this long died with its worker; it may be taken up again.
STALE_RENDERING = datetime.timedelta(minutes=15)


def report_path(report, filename):
    return f"jaarverslagen/{report.organisation_id}/{filename}"


class YearlyReportQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The organisation's yearly reports: for the roles that read its figures (diensthoofd,
        schepen); a regiocoördinator compares figures and has no organisation's reports."""
        return self.of_own_organisation(user, lambda user: user.sees_aggregates and user.organisation_id)

    def editable_by(self, user):
        """The diensthoofd asks for a report and sends it."""
        return self.of_own_organisation(user, heads_the_service)

    def pending(self):
        return self.filter(state__in=YearlyReport.PENDING)


class YearlyReport(ScopedModel):
    class State(models.TextChoices):
        QUEUED = "wachtrij", _("queued")
        RENDERING = "bezig", _("rendering")
        READY = "klaar", _("ready")
        FAILED = "mislukt", _("failed")

    PENDING = (State.QUEUED, State.RENDERING)

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="yearly_reports",
                                     verbose_name=_("organisation"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure = models.TextField(_("reason of the failure"), blank=True)
    # When the rendering task was last handed to the broker, and how often: the sweep asks again for a
    # report no worker took in time (its task was lost, or the broker was down), a limited number of times.
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    # When the broker took the task; empty while it did not (it was down): the next sweep sends it again.
    published_at = models.DateTimeField(_("handed to the background processing at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    pdf = models.FileField(_("PDF"), upload_to=report_path, blank=True)
    # The figures as reported: they stay what the council read, whatever happens to the files later.
    figures = models.JSONField(_("figures"), null=True, blank=True)
    emailed_to = models.TextField(_("e-mailed to"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = YearlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["organisation", "year"], condition=models.Q(state__in=["wachtrij", "bezig"]),
            name="one_pending_report_per_organisation_year")]

    def __str__(self):
        return f"{self.organisation} {self.year} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("reporting:report", args=[self.pk])

    @property
    def waited_long(self):
        """Queued for minutes: the background worker is probably not running."""
        return self.state == self.State.QUEUED and timezone.now() - self.queued_at > datetime.timedelta(minutes=5)

    @property
    def is_pending(self):
        return self.state in self.PENDING

    @property
    def filename(self):
        return f"jaarverslag-{self.organisation.slug}-{self.year}.pdf"

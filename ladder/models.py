"""The participation ladder (DOMAIN.md, participatieladder): six rungs from isolated to paid work,
measured at intake and at least twice a year for people far from work and in werk-zorg, so progress
shows and not only exits."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client
from organisations.scoping import CaseFileQuerySet, ScopedModel


class Rung(models.IntegerChoices):
    ISOLATED = 1, _("1. isolated")
    SOCIAL_CONTACTS = 2, _("2. social contacts outside the home")
    ORGANISED_ACTIVITIES = 3, _("3. taking part in organised activities")
    UNPAID_WORK = 4, _("4. unpaid work")
    SUPPORTED_WORK = 5, _("5. paid work with support")
    PAID_WORK = 6, _("6. paid work")


# At least twice a year (DOMAIN.md): a measurement older than this is due again.
MEASURE_EVERY_MONTHS = 6


class LadderMeasurementQuerySet(CaseFileQuerySet):
    client_path = "client"
    organisation_path = "client__organisation"


class LadderMeasurement(ScopedModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="ladder_measurements",
                               verbose_name=_("client"))
    date = models.DateField(_("date"))
    rung = models.PositiveSmallIntegerField(_("rung"), choices=Rung.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = LadderMeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["date", "created_at", "pk"]
        verbose_name = _("participation-ladder measurement")
        verbose_name_plural = _("participation-ladder measurements")
        constraints = [models.UniqueConstraint("client", "date", name="one_ladder_measurement_per_day")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y}: {self.get_rung_display()}"

    def clean(self):
        super().clean()
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("A measurement is recorded after it took place: "
                                             "the date cannot be in the future.")})

"""The leefloon on a case file (DOMAIN.md, "People and their file"): the committee's decisions, from
which the GPMI deadline counts, and the periods of socio-professional exemption. The amount is
calculated in the OCMW's benefits system; this product keeps the dates, the category and the end."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client, ClientPartQuerySet
from organisations.scoping import ScopedModel

from . import rules


class DecisionQuerySet(ClientPartQuerySet):
    def running_on(self, day):
        return self.filter(start_date__lte=day).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=day))

    def running_in(self, first, last):
        """Decisions running on at least one day from `first` to `last`."""
        return self.filter(start_date__lte=last).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=first))


class LeefloonDecision(ScopedModel):
    class Kind(models.TextChoices):
        LEEFLOON = "leefloon", _("leefloon")
        EQUIVALENT = "equivalent", _("equivalent leefloon")

    class EndReason(models.TextChoices):
        WORK = "werk", _("work")
        BENEFIT = "uitkering", _("unemployment or other benefit")
        MOVED = "verhuisd", _("moved to another municipality")
        OTHER = "ander", _("other reason")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="leefloon_decisions",
                               verbose_name=_("client"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LEEFLOON)
    category = models.CharField(_("category"), max_length=20, choices=Client.LeefloonCategory.choices, blank=True)
    decided_on = models.DateField(_("decision date"), help_text=_("The day the committee decided; the GPMI "
                                                                  "deadline counts from it."))
    start_date = models.DateField(_("leefloon from"))
    end_date = models.DateField(_("leefloon until"), null=True, blank=True,
                                help_text=_("Leave empty while the leefloon runs."))
    end_reason = models.CharField(_("why it ended"), max_length=20, choices=EndReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # 3 months after the decision (rules.gpmi_deadline), kept for queries; set on save.
    gpmi_deadline = models.DateField(_("GPMI due by"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["gpmi_deadline"])

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("leefloon decision")
        verbose_name_plural = _("leefloon decisions")
        indexes = [models.Index(fields=["client", "decided_on"], name="leefloon_client_decided"),
                   models.Index(fields=["gpmi_deadline"], name="leefloon_gpmi_deadline")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.decided_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        self.gpmi_deadline = rules.gpmi_deadline(self.decided_on)
        super().save(*args, **kwargs)

    def is_running_on(self, day):
        return rules.in_force(self.start_date, self.end_date, day)

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The leefloon cannot end before it starts.")
        if self.end_reason and not self.end_date:
            errors["end_reason"] = _("Give the date the leefloon ended, or leave the reason empty.")
        if errors:
            raise ValidationError(errors)


class SocioProfessionalExemption(ScopedModel):
    """Part of the earnings of a working leefloner kept out of the calculation (art. 35 of the royal
    decree of 11 July 2002), as a period."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="socio_professional_exemptions",
                               verbose_name=_("client"))
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = ClientPartQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("socio-professional exemption")
        verbose_name_plural = _("socio-professional exemptions")

    def __str__(self):
        return f"{self.start_date:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The exemption cannot end before it starts.")})

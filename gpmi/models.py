"""The GPMI (geïndividualiseerd project voor maatschappelijke integratie, DOMAIN.md): the written
contract between a leefloner and the OCMW, its amendments and evaluations; the accepted exemption
from making one; and sanctions, as the committee's dated decisions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client, ClientPartQuerySet
from leefloon.models import LeefloonDecision
from organisations.scoping import CaseFileQuerySet, ScopedModel

from . import rules


class GpmiPartQuerySet(CaseFileQuerySet):
    client_path = "gpmi__client"
    organisation_path = "gpmi__client__organisation"


class GpmiQuerySet(ClientPartQuerySet):
    def signed(self):
        return self.filter(signed_on__isnull=False)

    def in_force_on(self, day):
        return self.filter(signed_on__lte=day).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=day))


class Gpmi(ScopedModel):
    class Orientation(models.TextChoices):
        WORK = "werk", _("towards work")
        TRAINING = "opleiding", _("towards training or studies")
        SOCIAL_ACTIVATION = "sociale_activering", _("social activation")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="gpmis", verbose_name=_("client"))
    decision = models.ForeignKey(LeefloonDecision, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="gpmis", verbose_name=_("leefloon decision"),
                                 help_text=_("The decision this GPMI answers; its deadline counts from it."))
    # Blank in the model: a GPMI imported from a spreadsheet may hold only its signing date; the form
    # asks for the content of one drawn up here.
    orientation = models.CharField(_("orientation"), max_length=30, choices=Orientation.choices, blank=True)
    goals = models.TextField(_("goals"), blank=True, help_text=_("What the client wants to reach, in plain words."))
    steps = models.TextField(_("steps"), blank=True, help_text=_("The steps towards the goals, with when."))
    client_commitments = models.TextField(_("the client's commitments"), blank=True)
    ocmw_commitments = models.TextField(_("the OCMW's commitments"), blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True, blank=True,
                                                       help_text=_("Leave empty for a GPMI without a set end."))
    other_signatories = models.CharField(_("other signatories"), max_length=300, blank=True,
                                         help_text=_("For example a training centre or the care partner."))
    signed_on = models.DateField(_("signed on"), null=True, blank=True,
                                 help_text=_("Leave empty while the GPMI is a draft."))
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    # The day it ends or ended (ended_on, or the signing plus the duration), kept for queries.
    end_date = models.DateField(null=True, blank=True, editable=False)
    origin = models.CharField(_("taken over from"), max_length=200, blank=True, editable=False,
                              help_text=_("The OCMW whose portable GPMI file this came from."))
    drawn_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("drawn up by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["end_date"])

    objects = GpmiQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-created_at", "-pk"]
        verbose_name = _("GPMI")
        verbose_name_plural = _("GPMIs")

    def __str__(self):
        if self.signed_on:
            return gettext("GPMI signed on %(day)s") % {"day": f"{self.signed_on:%d/%m/%Y}"}
        return gettext("GPMI (draft)")

    @property
    def is_signed(self):
        return self.signed_on is not None

    def is_in_force_on(self, day):
        return self.signed_on is not None and self.signed_on <= day and (self.end_date is None or self.end_date >= day)

    def clean(self):
        super().clean()
        errors = {}
        if self.signed_on and self.signed_on > timezone.localdate():
            errors["signed_on"] = _("A GPMI cannot be signed in the future.")
        if self.ended_on and not self.signed_on:
            errors["ended_on"] = _("Only a signed GPMI can end.")
        elif self.ended_on and self.ended_on < self.signed_on:
            errors["ended_on"] = _("The GPMI cannot end before it was signed.")
        if self.decision_id and self.client_id and self.decision.client_id != self.client_id:
            errors["decision"] = _("This leefloon decision belongs to another client.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.end_date = rules.end_date(self.signed_on, self.duration_months, self.ended_on)
        super().save(*args, **kwargs)


class Amendment(ScopedModel):
    """A change to a signed GPMI, at the client's or the OCMW's request (DOMAIN.md)."""

    class RequestedBy(models.TextChoices):
        CLIENT = "client", _("the client")
        OCMW = "ocmw", _("the OCMW")

    gpmi = models.ForeignKey(Gpmi, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("GPMI"))
    date = models.DateField(_("date"))
    requested_by = models.CharField(_("at the request of"), max_length=10, choices=RequestedBy.choices)
    changes = models.TextField(_("what changed"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                           verbose_name=_("recorded by"))
    history = HistoricalRecords()

    objects = GpmiPartQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self):
        return f"{self.date:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("An amendment cannot lie in the future.")})
        if self.gpmi_id and self.date and self.gpmi.signed_on and self.date < self.gpmi.signed_on:
            raise ValidationError({"date": _("An amendment comes after the GPMI was signed.")})


class GpmiEvaluation(ScopedModel):
    """An evaluation of the GPMI with the client (at least 3 a year, 2 of them in person: the
    organisation's cadence)."""

    gpmi = models.ForeignKey(Gpmi, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("GPMI"))
    date = models.DateField(_("date"))
    in_person = models.BooleanField(_("in a personal conversation"), default=True)
    participants = models.CharField(_("who took part"), max_length=300, blank=True)
    conclusion = models.TextField(_("conclusion"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                           verbose_name=_("recorded by"))
    history = HistoricalRecords()

    objects = GpmiPartQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("GPMI evaluation")
        verbose_name_plural = _("GPMI evaluations")
        indexes = [models.Index(fields=["gpmi", "date"], name="gpmi_evaluation_date")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("An evaluation cannot lie in the future.")})
        if self.gpmi_id and self.date and self.gpmi.signed_on is None:
            raise ValidationError({"date": _("A GPMI is evaluated once it is signed.")})
        if self.gpmi_id and self.date and self.gpmi.signed_on and self.date < self.gpmi.signed_on:
            raise ValidationError({"date": _("An evaluation comes after the GPMI was signed (%(day)s).") % {
                "day": f"{self.gpmi.signed_on:%d/%m/%Y}"}})


class Exemption(ScopedModel):
    """The OCMW accepted health or equity reasons not to make a GPMI (DOMAIN.md); a GPMI may still
    be made voluntarily."""

    class Ground(models.TextChoices):
        HEALTH = "gezondheid", _("health reasons")
        EQUITY = "billijkheid", _("equity reasons")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="gpmi_exemptions",
                               verbose_name=_("client"))
    decision = models.ForeignKey(LeefloonDecision, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="gpmi_exemptions", verbose_name=_("leefloon decision"))
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices)
    reason = models.TextField(_("reason"), blank=True)
    accepted_on = models.DateField(_("accepted on"))
    ended_on = models.DateField(_("no longer applies from"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                           verbose_name=_("recorded by"))
    history = HistoricalRecords()

    objects = ClientPartQuerySet.as_manager()

    class Meta:
        ordering = ["-accepted_on", "-pk"]
        verbose_name = _("GPMI exemption")
        verbose_name_plural = _("GPMI exemptions")

    def __str__(self):
        return f"{self.get_ground_display()} {self.accepted_on:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.accepted_on and self.accepted_on > timezone.localdate():
            raise ValidationError({"accepted_on": _("An exemption cannot be accepted in the future.")})
        if self.ended_on and self.accepted_on and self.ended_on < self.accepted_on:
            raise ValidationError({"ended_on": _("The exemption cannot end before it was accepted.")})


class Sanction(ScopedModel):
    """The committee's decision when the GPMI is not kept: a suspension of the leefloon."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="gpmi_sanctions",
                               verbose_name=_("client"))
    gpmi = models.ForeignKey(Gpmi, on_delete=models.SET_NULL, null=True, blank=True, related_name="sanctions",
                             verbose_name=_("GPMI"))
    decided_on = models.DateField(_("decided on"))
    decision = models.TextField(_("the committee's decision"))
    suspended_from = models.DateField(_("leefloon suspended from"), null=True, blank=True)
    suspended_until = models.DateField(_("until"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                           verbose_name=_("recorded by"))
    history = HistoricalRecords()

    objects = ClientPartQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")

    def __str__(self):
        return f"{self.decided_on:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.decided_on and self.decided_on > timezone.localdate():
            raise ValidationError({"decided_on": _("A decision cannot lie in the future.")})
        if self.suspended_from and self.suspended_until and self.suspended_until < self.suspended_from:
            raise ValidationError({"suspended_until": _("The suspension cannot end before it starts.")})

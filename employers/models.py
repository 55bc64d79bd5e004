"""Partner employers and the OCMW's own services: where TWE, stages and jobs take place.
Issue 4 adds workplaces, contacts and agreements; this holds what placements need."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat

from ocmw_activation.numbers import CompactNumberField
from organisations.models import Organisation


def compact_kbo(value):
    return vat.compact(value or "")


def validate_kbo(value):
    try:
        vat.validate(compact_kbo(value))
    except stdnum_errors.InvalidChecksum as error:
        raise ValidationError(_("The check digits of this enterprise number are wrong: check for a typing error."),
                              code="invalid_kbo") from error
    except stdnum_errors.ValidationError as error:
        raise ValidationError(_("An enterprise number has 10 digits and starts with 0 or 1, e.g. 0403.170.701."),
                              code="invalid_kbo") from error


def display_kbo(number):
    """0403170701 -> 0403.170.701"""
    return f"{number[:4]}.{number[4:7]}.{number[7:]}" if len(number) == 10 else number


class KboNumberField(CompactNumberField):
    length = 10
    placeholder = "0403.170.701"
    default_validators = [validate_kbo]
    compact = staticmethod(compact_kbo)
    display = staticmethod(display_kbo)


class EmployerQuerySet(models.QuerySet):
    def of(self, organisation):
        return self.filter(organisation=organisation)


class Employer(models.Model):
    class Kind(models.TextChoices):
        PARTNER = "partner", _("partner employer")
        OWN_SERVICE = "eigen_dienst", _("own service of the OCMW")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="employers",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARTNER)
    kbo_number = KboNumberField(_("enterprise number (KBO)"), blank=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    street_address = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint("organisation", Lower("name"), name="unique_employer_name_per_organisation"),
            models.UniqueConstraint("organisation", "kbo_number", condition=~models.Q(kbo_number=""),
                                    name="unique_kbo_per_organisation"),
        ]

    def __str__(self):
        return self.name

    @property
    def kbo_display(self):
        return display_kbo(self.kbo_number)

    def clean(self):
        super().clean()
        others = Employer.objects.filter(organisation_id=self.organisation_id).exclude(pk=self.pk)
        errors = {}
        if self.name and others.filter(name__iexact=self.name).exists():
            errors["name"] = _("This organisation already has an employer with this name.")
        if self.kbo_number and others.filter(kbo_number=self.kbo_number).exists():
            errors["kbo_number"] = _("This organisation already has an employer with this enterprise number.")
        if errors:
            raise ValidationError(errors)

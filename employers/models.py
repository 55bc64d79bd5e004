"""Partner employers and the OCMW's own services: where TWE, stages and jobs take place.
Issue 4 adds workplaces, contacts and agreements; this holds what placements need."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat

from clients.models import Competence, Interest, postcode_validator
from common.numbers import CompactNumberField
from common.params import is_ascii_digits
from common.uploads import validate_agreement_document
from organisations.models import Organisation
from organisations.scoping import ScopedHistoricalRecords, ScopedModel, ScopedQuerySet, heads_the_service


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


class EmployerDataQuerySet(ScopedQuerySet):
    """Employers and what hangs under them (organisations.scoping): seen by the roles that work with
    case files, in their own organisation (ScopedQuerySet.visible_to); added and changed by the
    diensthoofd only."""

    def editable_by(self, user):
        return self.of_own_organisation(user, heads_the_service)


class EmployerPartQuerySet(EmployerDataQuerySet):
    """Contact persons and agreements: as their employer."""

    organisation_path = "employer__organisation"


class EmployerQuerySet(EmployerDataQuerySet):
    def search(self, text):
        """By name, or by the start of the KBO number (from four digits, dots and spaces ignored)."""
        text = text.strip()
        if not text:
            return self
        digits = "".join(character for character in text if is_ascii_digits(character))
        by_number = models.Q(kbo_number__startswith=digits) if len(digits) >= 4 else models.Q(pk__in=[])
        return self.filter(models.Q(name__icontains=text) | by_number)


class Employer(ScopedModel):
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
    postcode = models.CharField(_("postcode"), max_length=4, blank=True, validators=[postcode_validator])
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

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

    def get_absolute_url(self):
        return reverse("employers:detail", args=[self.pk])

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


class ContactPerson(ScopedModel):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts",
                                 verbose_name=_("employer"))
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("function"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)

    objects = EmployerPartQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self):
        return self.name


def agreement_path(agreement, filename):
    return f"overeenkomsten/{agreement.employer.organisation_id}/{agreement.employer_id}/{filename}"


def validate_document_size(document):
    """Named by migration 0001 only: validate_agreement_document checks the size now."""


class Agreement(ScopedModel):
    """A samenwerkingsovereenkomst, with its signed document. Documents are served only through
    a view that checks the organisation, never from a public media URL."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="agreements",
                                 verbose_name=_("employer"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to=agreement_path, blank=True,
                                validators=[validate_agreement_document])
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = EmployerPartQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")

    def __str__(self):
        end = f" – {self.end_date:%d/%m/%Y}" if self.end_date else ""
        return f"{self.start_date:%d/%m/%Y}{end}"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date (%(start)s).") % {
                "start": self.start_date.strftime("%d/%m/%Y")}})

    def is_current(self, on):
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class WorkplaceQuerySet(EmployerPartQuerySet):
    def open(self):
        return self.filter(is_open=True, employer__active=True)

    def search(self, text):
        """Every word in the function, the description, the municipality or the employer's name."""
        query = models.Q()
        for word in text.split():
            query &= (models.Q(function__icontains=word) | models.Q(description__icontains=word)
                      | models.Q(municipality__icontains=word) | models.Q(employer__name__icontains=word))
        return self.filter(query)


class Workplace(ScopedModel):
    """A werkpost: a function at an employer with the competences it asks, the hours, where it is
    and how many people it takes."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="workplaces",
                                 verbose_name=_("employer"))
    function = models.CharField(_("function"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required_competences = models.ManyToManyField(Competence, blank=True, related_name="+",
                                                  verbose_name=_("required competences"))
    useful_competences = models.ManyToManyField(Competence, blank=True, related_name="+",
                                                verbose_name=_("useful competences"))
    interests = models.ManyToManyField(Interest, blank=True, related_name="+", verbose_name=_("fits interests"))
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"), validators=[MinValueValidator(1),
                                                                                      MaxValueValidator(40)])
    postcode = models.CharField(_("postcode"), max_length=4, validators=[postcode_validator])
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=1, validators=[MinValueValidator(1)])
    is_open = models.BooleanField(_("open"), default=True, help_text=_("Untick when the places are filled."))
    history = ScopedHistoricalRecords(m2m_fields=[required_competences, useful_competences, interests])

    objects = WorkplaceQuerySet.as_manager()

    class Meta:
        ordering = ["function"]
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")

    def __str__(self):
        return f"{self.function} — {self.employer}"

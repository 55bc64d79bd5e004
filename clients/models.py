"""The client case file: intake, strengths, barriers and contact moments."""

import datetime

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.params import is_ascii_digits
from organisations.models import Organisation
from organisations.scoping import CaseFileQuerySet, ScopedHistoricalRecords, ScopedModel, ScopedQuerySet

from . import national_number
from .national_number import NationalNumberField

postcode_validator = RegexValidator(r"^\d{4}$", _("A Belgian postcode has 4 digits."))


class ClientQuerySet(CaseFileQuerySet):
    """Case files (organisations.scoping): `visible_to(user)` gives the clients of the user's own
    organisation, only for the roles that work with case files (never a schepen); `editable_by(user)`
    what User.can_edit_client allows (the head all of them, a counsellor her own caseload, never an
    anonymised file)."""

    def search(self, text):
        text = text.strip()
        if not text:
            return self
        digits = national_number.compact(text)
        query = models.Q()
        for word in text.split():
            query &= models.Q(first_name__icontains=word) | models.Q(last_name__icontains=word)
        if is_ascii_digits(digits):
            query |= models.Q(national_number__startswith=digits)
        return self.filter(query)


class VocabularyQuerySet(ScopedQuerySet):
    """Competences and interests: used by the case-file roles (case files, workplaces) and kept up
    by the beheerder, each in their own organisation."""

    def visible_to(self, user):
        return self.of_own_organisation(user, lambda user: user.works_with_case_files or user.is_administrator)

    def editable_by(self, user):
        return self.of_own_organisation(user, lambda user: user.is_administrator)


class ClientPartQuerySet(CaseFileQuerySet):
    """What belongs to one case file (barriers, contact moments, assignments): seen and changed as
    its client is."""

    client_path = "client"
    organisation_path = "client__organisation"


class Vocabulary(ScopedModel):
    """A per-organisation list of terms (competences, interests) so that matching compares
    like with like; free text on the client adds what the list lacks."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Competence(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="unique_competence_per_organisation")]


class Interest(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="unique_interest_per_organisation")]


class Client(ScopedModel):
    class Status(models.TextChoices):
        INTAKE = "intake", _("intake")
        ACTIVE = "actief", _("active")
        CLOSED = "afgesloten", _("closed")

    class LeefloonCategory(models.TextChoices):
        COHABITING = "samenwonend", _("cohabiting")
        SINGLE = "alleenstaand", _("single")
        FAMILY = "gezinslast", _("with dependent family")

    class Education(models.TextChoices):
        NONE = "geen", _("none or primary school")
        LOWER_SECONDARY = "lager_secundair", _("lower secondary")
        HIGHER_SECONDARY = "hoger_secundair", _("higher secondary")
        HIGHER = "hoger", _("higher education")
        FOREIGN = "buitenlands", _("foreign diploma, not recognised")

    class DrivingLicence(models.TextChoices):
        NONE = "geen", _("none")
        LEARNING = "voorlopig", _("provisional")
        B = "B", _("B (car)")
        PROFESSIONAL = "C_D", _("C or D (truck, bus)")

    class Mobility(models.TextChoices):
        CAR = "auto", _("own car")
        BIKE = "fiets", _("bicycle or moped")
        PUBLIC = "openbaar_vervoer", _("public transport")
        WALK = "te_voet", _("on foot only")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="clients",
                                     verbose_name=_("organisation"))
    national_number = NationalNumberField(_("national number"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True,
                                  help_text=_("Filled in from the national number when left empty."))
    street_address = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True, validators=[postcode_validator])
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    leefloon_category = models.CharField(_("leefloon category"), max_length=20,
                                         choices=LeefloonCategory.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INTAKE)
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="caseload", verbose_name=_("counsellor"))

    # Strengths and goals come first (solution-focused approach, DOMAIN.md).
    competences = models.ManyToManyField(Competence, blank=True, verbose_name=_("competences"))
    competences_note = models.TextField(_("other competences and talents"), blank=True)
    interests = models.ManyToManyField(Interest, blank=True, verbose_name=_("interests"))
    interests_note = models.TextField(_("other interests"), blank=True)
    goals = models.TextField(_("goals"), blank=True, help_text=_("What the client wants to reach, in their words."))

    education_level = models.CharField(_("education level"), max_length=20, choices=Education.choices, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True,
                                 help_text=_("For example: Dutch (B1), Arabic, French."))
    driving_licence = models.CharField(_("driving licence"), max_length=10, choices=DrivingLicence.choices,
                                       blank=True)
    mobility = models.CharField(_("main means of transport"), max_length=20, choices=Mobility.choices, blank=True)
    childcare_needs = models.TextField(_("childcare needs"), blank=True)
    work_history = models.TextField(_("work history"), blank=True)
    # VDAB (DOMAIN.md): a leefloner who can work registers as a job seeker.
    vdab_registered_on = models.DateField(_("registered with VDAB on"), null=True, blank=True)
    vdab_not_registered_reason = models.CharField(
        _("why not registered with VDAB"), max_length=200, blank=True,
        help_text=_("For example: not able to work for medical reasons, or a student."))
    draagkracht_hours = models.PositiveSmallIntegerField(
        _("draagkracht (hours a week)"), null=True, blank=True, validators=[MaxValueValidator(40)],
        help_text=_("How many hours a week the client can work now."),
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False,
                                         help_text=_("The retention period ended: personal data removed."))
    # Optimistic locking (django-concurrency): saving a copy read before someone else's save is refused.
    version = IntegerVersionField()
    history = ScopedHistoricalRecords(m2m_fields=[competences, interests],
                                excluded_fields=["updated_at", "version", "anonymised_at"])

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "national_number"],
                                    name="unique_national_number_per_organisation"),
        ]
        # The caseload list: an OCMW's clients by name, a page at a time, without sorting them all.
        indexes = [models.Index(fields=["organisation", "last_name", "first_name", "id"], name="client_caseload_order")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def national_number_display(self):
        return "" if self.anonymised_at else national_number.display(self.national_number)

    @property
    def age(self):
        if not self.birth_date:
            return None
        today, born = timezone.localdate(), self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def clean(self):
        super().clean()
        errors = {}
        encoded = national_number.birth_date_of(self.national_number) if self.national_number else None
        if self.birth_date and encoded and self.birth_date != encoded:
            errors["birth_date"] = _("The date of birth does not agree with the national number (%(date)s).") % {
                "date": encoded.strftime("%d/%m/%Y")}
        elif not self.birth_date:
            self.birth_date = encoded
        if self.national_number and self.organisation_id and (
            Client.objects.filter(organisation_id=self.organisation_id, national_number=self.national_number)
            .exclude(pk=self.pk).exists()
        ):
            errors["national_number"] = _("This organisation already has a case file with this national number.")
        if self.counsellor_id and self.counsellor.organisation_id != self.organisation_id:
            errors["counsellor"] = _("The counsellor must work for the same organisation.")
        planned = self._werk_zorg_hours()
        if self.draagkracht_hours is not None and planned and self.draagkracht_hours < planned:
            errors["draagkracht_hours"] = _(
                "An open werk-zorgtraject plans %(hours)s hours a week: lower its hours schedule first.") % {
                "hours": planned}
        if self.vdab_registered_on and self.vdab_not_registered_reason:
            errors["vdab_not_registered_reason"] = _("The client is registered with VDAB: leave the reason why not "
                                                     "empty.")
        if errors:
            raise ValidationError(errors)


    def _werk_zorg_hours(self):
        """The most hours a week an open werk-zorgtraject of this client plans (schedule or workplace)."""
        return self.trajectories.werk_zorg_planned_hours() if self.pk else None


class Barrier(ScopedModel):
    """A drempel in the client's backpack. Medical and psychological descriptions are GDPR
    special-category data: only the assigned counsellor and the head read them."""

    class Category(models.TextChoices):
        MEDICAL = "medisch", _("medical")
        PSYCHOLOGICAL = "psychisch", _("psychological")
        SOCIAL = "sociaal", _("social or family")
        HOUSING = "huisvesting", _("housing")
        DEBTS = "schulden", _("debts")
        LANGUAGE = "taal", _("language")
        MOBILITY = "mobiliteit", _("mobility")
        JUSTICE = "justitie", _("justice")

    SENSITIVE_CATEGORIES = {Category.MEDICAL, Category.PSYCHOLOGICAL}

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="barriers", verbose_name=_("client"))
    category = models.CharField(_("kind"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ClientPartQuerySet.as_manager()

    class Meta:
        ordering = ["category", "created_at"]
        verbose_name = _("barrier")
        verbose_name_plural = _("barriers")

    def __str__(self):
        return self.get_category_display()

    @property
    def is_sensitive(self):
        return self.category in self.SENSITIVE_CATEGORIES


class ContactMoment(ScopedModel):
    class Kind(models.TextChoices):
        CONVERSATION = "gesprek", _("conversation")
        HOME_VISIT = "huisbezoek", _("home visit")
        PHONE = "telefoon", _("phone call")
        EMAIL = "email", _("e-mail")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contact_moments",
                               verbose_name=_("client"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CONVERSATION)
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), validators=[
        MinValueValidator(1, _("The duration is between 1 and 600 minutes.")),
        MaxValueValidator(600, _("The duration is between 1 and 600 minutes.")),
    ])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    note = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ClientPartQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        # A client's last contact (caseload list, reminder rule 3) reads this index backwards.
        indexes = [models.Index(fields=["client", "date"], name="contact_client_date")]
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"

    def clean(self):
        super().clean()
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("A contact moment is logged after it took place: the date cannot be in the future.")
        elif self.date and self.date < datetime.date(2000, 1, 1):
            errors["date"] = _("This date is too far in the past.")
        if errors:
            raise ValidationError(errors)


class Assignment(ScopedModel):
    """Who held a case file from when: each time a client gets a counsellor (a new file, an edit by
    the head, a handover), with who did it and the handover note. The receiving counsellor sees
    it as "recently assigned to me" until they open the file (seen_at)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("client"))
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="assignments", verbose_name=_("counsellor"))
    previous = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("previous counsellor"))
    # Empty for the files that had their counsellor before assignments were recorded.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    note = models.TextField(_("handover note"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    seen_at = models.DateTimeField(_("opened by the counsellor"), null=True, blank=True)

    objects = ClientPartQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["client", "at"], name="assignment_client_at"),
            # "Recently assigned to me": a counsellor's unopened files.
            models.Index(fields=["counsellor"], condition=models.Q(seen_at__isnull=True),
                         name="assignment_unseen"),
        ]

    def __str__(self):
        return f"{self.client} → {self.counsellor or '—'} ({self.at:%d/%m/%Y})"


class VdabConsent(ScopedModel):
    """The client's consent for VDAB's partner portal (Mijn Loopbaan voor partners, DOMAIN.md): the
    OCMW registers the client's TWE there only with it."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="vdab_consents",
                               verbose_name=_("client"))
    given_on = models.DateField(_("given on"))
    scope = models.CharField(_("scope"), max_length=200,
                             help_text=_("What the client agreed to, for example the follow-up of the TWE."))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ClientPartQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("VDAB consent")
        verbose_name_plural = _("VDAB consents")

    def __str__(self):
        return f"{self.scope} ({self.given_on:%d/%m/%Y})"

    @property
    def in_force(self):
        return self.withdrawn_on is None

    def clean(self):
        super().clean()
        if self.given_on and self.given_on > timezone.localdate():
            raise ValidationError({"given_on": _("A consent cannot be given in the future.")})
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            raise ValidationError({"withdrawn_on": _("A consent cannot be withdrawn before it was given.")})

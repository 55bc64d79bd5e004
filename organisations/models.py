"""Organisations (OCMWs), welzijnsregio's, and the people who log in, with their role."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    """One OCMW. Everything a counsellor sees belongs to exactly one organisation."""

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_demo = models.BooleanField(_("demo"), default=False,
                                  help_text=_("Made by seed_demo, which may replace its data; never a real OCMW."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    session_timeout_minutes = models.PositiveSmallIntegerField(
        _("log out after inactivity (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(480)],
        help_text=_("A session without any click for this long ends; takes effect at the next login."))
    retention_years = models.PositiveSmallIntegerField(
        _("keep closed case files (years)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("A closed case file is anonymised this many years after its last trajectory ended."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Region(models.Model):
    """A welzijnsregio: an association of OCMWs whose figures are compared side by side."""

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(
        Organisation, related_name="regions", blank=True, verbose_name=_("member organisations")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("welfare region")
        verbose_name_plural = _("welfare regions")

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    COUNSELLOR = "trajectbegeleider", _("counsellor")
    HEAD = "diensthoofd", _("head of service")
    ALDERMAN = "schepen", _("alderman")
    REGION_COORDINATOR = "regiocoordinator", _("region coordinator")
    ADMINISTRATOR = "beheerder", _("administrator")


# Roles that work with individual case files; the others only ever see aggregates.
CASE_FILE_ROLES = {Role.COUNSELLOR, Role.HEAD}


class UserQuerySet(models.QuerySet):
    """People are organisation data too: a page asks for the colleagues of the person logged in,
    never filters on an organisation itself."""

    def of_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def colleagues_of(self, user):
        """The people of the user's own organisation (none for a user without one)."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        return self.filter(organisation_id=user.organisation_id)

    def counsellors(self):
        return self.filter(role=Role.COUNSELLOR)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person who logs in with their e-mail address and works in one role."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True,
        related_name="users", verbose_name=_("organisation"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True,
        related_name="coordinators", verbose_name=_("welfare region"),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()
    # Who gave whom which role is part of the audit trail.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.email.lower()
        if self.role == Role.REGION_COORDINATOR:
            if not self.region_id:
                raise ValidationError({"region": _("A region coordinator belongs to a welfare region.")})
        elif self.role and not self.organisation_id and not self.is_superuser:
            raise ValidationError({"organisation": _("This role belongs to an organisation.")})

    # Role questions, asked by views and templates.
    @property
    def works_with_case_files(self):
        return self.role in CASE_FILE_ROLES and self.organisation_id is not None

    @property
    def is_counsellor(self):
        return self.role == Role.COUNSELLOR

    @property
    def is_head(self):
        return self.role == Role.HEAD

    @property
    def is_administrator(self):
        return self.role == Role.ADMINISTRATOR and self.organisation_id is not None

    @property
    def requires_second_factor(self):
        """Two-factor authentication is required for the roles that see or manage everything, and for operators."""
        return self.role in settings.SECOND_FACTOR_REQUIRED_ROLES or self.is_staff or self.is_superuser

    @property
    def sees_aggregates(self):
        return self.role in {Role.HEAD, Role.ALDERMAN, Role.REGION_COORDINATOR}

    def can_edit_client(self, client):
        """The assigned counsellor edits their own clients; the head edits all of the OCMW. An
        anonymised file is read-only for everyone."""
        if client.organisation_id != self.organisation_id or client.anonymised_at:
            return False
        return self.is_head or (self.is_counsellor and client.counsellor_id == self.pk)

    def editable_clients_filter(self, prefix=""):
        """can_edit_client as a query filter, on the client reached through `prefix` ("" for a
        client, "client__" or "trajectory__client__" for what hangs under one). The same rule: keep
        the two together (tests/test_scoping.py checks that they agree)."""
        if self.organisation_id is None or not (self.is_head or self.is_counsellor):
            return models.Q(pk__in=[])
        rule = models.Q(**{f"{prefix}organisation": self.organisation_id, f"{prefix}anonymised_at__isnull": True})
        return rule if self.is_head else rule & models.Q(**{f"{prefix}counsellor": self.pk})

    def can_read_sensitive(self, client):
        """Medical and psychological details: assigned counsellor and head only (GDPR art. 9)."""
        return client.organisation_id == self.organisation_id and (
            self.is_head or (self.is_counsellor and client.counsellor_id == self.pk))

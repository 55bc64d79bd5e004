"""Organisations (OCMWs), welzijnsregio's, and the people who log in, with their role."""

import base64
import io

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .scoping import ScopedModel, ScopedQuerySet

LOGO_MAX_BYTES = 500 * 1024
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def check_logo(data, name=""):
    """The content type of an uploaded logo (a PNG or JPEG image of at most 500 KB, checked by
    Pillow on its content, not its name), or a ValidationError that says what is wrong. An SVG is
    refused: it is a program of sorts (scripts, links fetched), not a picture."""
    name = name or _("The file")
    if not data:
        raise ValidationError(_("%(name)s is empty: choose a PNG or JPEG image.") % {"name": name})
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(_("%(name)s is %(size)s KB: a logo can be at most %(max)s KB.") % {
            "name": name, "size": -(-len(data) // 1024), "max": LOGO_MAX_BYTES // 1024})
    start = bytes(data[:1024]).lstrip().lower()
    if start.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in start or str(name).lower().endswith(
            (".svg", ".svgz")):
        raise ValidationError(_("%(name)s is an SVG drawing: upload the logo as a PNG or JPEG image.") % {
            "name": name})
    from PIL import Image  # Pillow, only when a logo is uploaded

    try:
        with Image.open(io.BytesIO(bytes(data))) as image:
            kind = image.format
            image.verify()
    except Exception:  # Pillow raises many kinds for a file that is not an image or is damaged
        raise ValidationError(_("%(name)s is not a PNG or JPEG image (or it is damaged): the logo was not "
                                "saved.") % {"name": name}) from None
    if kind not in LOGO_FORMATS:
        raise ValidationError(_("%(name)s is a %(format)s image: a logo must be a PNG or JPEG image.") % {
            "name": name, "format": kind})
    return LOGO_FORMATS[kind]


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
    gpmi_evaluations_per_year = models.PositiveSmallIntegerField(
        _("GPMI evaluations a year"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The law asks at least 3 a year."))
    gpmi_in_person_per_year = models.PositiveSmallIntegerField(
        _("of which in a personal conversation"), default=2, validators=[MinValueValidator(0), MaxValueValidator(12)],
        help_text=_("The law asks at least 2 of them in person."))
    retention_years = models.PositiveSmallIntegerField(
        _("keep closed case files (years)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("A closed case file is anonymised this many years after its last trajectory ended."))
    small_number_threshold = models.PositiveSmallIntegerField(
        _("smallest count shown to a schepen or region"), default=5,
        validators=[MinValueValidator(2), MaxValueValidator(20)],
        help_text=_("Figures for a schepen, a welzijnsregio or the yearly report show a count from 1 up to below "
                    "this number as \"< N\", so that a small group does not point to a person. The head of "
                    "service keeps the exact figures."))
    # The logo on the yearly report's cover, kept in the database (a few hundred KB at most, checked
    # by check_logo): no file storage to back up or to serve. Not editable in a ModelForm (the admin would
    # show the bytes as text): OrganisationSettingsForm checks and sets it.
    logo = models.BinaryField(_("logo"), null=True, blank=True)
    logo_content_type = models.CharField(_("logo type"), max_length=20, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def logo_data_uri(self):
        """The logo as a data: URI (for an <img> in a page or the PDF), or "" without one."""
        if not self.logo or not self.logo_content_type:
            return ""
        return f"data:{self.logo_content_type};base64,{base64.b64encode(bytes(self.logo)).decode('ascii')}"

    def set_logo(self, data, name=""):
        """Checks the uploaded bytes (check_logo) and keeps them; None removes the logo."""
        if data is None:
            self.logo, self.logo_content_type = None, ""
        else:
            self.logo_content_type = check_logo(data, name)
            self.logo = data

    def clean(self):
        super().clean()
        if (self.gpmi_in_person_per_year or 0) > (self.gpmi_evaluations_per_year or 0):
            raise ValidationError({"gpmi_in_person_per_year": _(
                "There cannot be more evaluations in person than evaluations.")})


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


# Separation of duties (issue 16) ------------------------------------------------------------------


def may_decide_account_changes(user, organisation_id):
    """Who approves what a beheerder asked for an account with case-file access: a diensthoofd of
    the same organisation, or an operator. (Not the person asked about or who asked: see
    AccountChangeRequest.may_be_decided_by.)"""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or (user.is_head and user.organisation_id == organisation_id)


class AccountQuerySet(ScopedQuerySet):
    """Account requests and events are organisation data: the diensthoofd and the beheerder of the
    organisation read them (operators in the Django admin, unscoped)."""

    def visible_to(self, user):
        return self.of_own_organisation(user, lambda user: user.is_head or user.is_administrator)


class AccountChangeRequest(ScopedModel):
    """A change a beheerder made to an account with case-file access, held until a diensthoofd (or an
    operator) approves it: a new account, a role that gives case-file access, a new e-mail address,
    a reactivated account, a reset second factor. Any of these could put case files and medical
    details in the hands of someone the beheerder controls."""

    class Status(models.TextChoices):
        PENDING = "wacht", _("waiting for approval")
        APPROVED = "goedgekeurd", _("approved")
        REFUSED = "geweigerd", _("refused")
        WITHDRAWN = "ingetrokken", _("withdrawn")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_requests",
                             verbose_name=_("user"))
    new_role = models.CharField(_("new role"), max_length=20, choices=Role.choices, blank=True)
    new_email = models.EmailField(_("new e-mail address"), blank=True)
    activate = models.BooleanField(_("activate the account"), default=False)
    reset_second_factor = models.BooleanField(_("reset two-factor authentication"), default=False)
    # The account as it was when asked: approval is refused if it changed since (organisations.accounts).
    email_then = models.EmailField(_("e-mail address when asked"))
    role_then = models.CharField(_("role when asked"), max_length=20, choices=Role.choices)
    active_then = models.BooleanField(_("active when asked"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested on"), auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("account change request")
        verbose_name_plural = _("account change requests")
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(status="wacht"),
                                               name="one_pending_account_request")]

    def __str__(self):
        return f"{self.user}: {self.summary()}"

    def summary(self):
        """What is asked, in words."""
        parts = []
        if self.activate:
            parts.append(_("a new account") if not self.user.has_usable_password() else _("reactivate the account"))
        if self.new_role:
            parts.append(_("role %(role)s") % {"role": Role(self.new_role).label})
        if self.new_email:
            parts.append(_("e-mail address %(email)s") % {"email": self.new_email})
        if self.reset_second_factor:
            parts.append(_("reset two-factor authentication"))
        return ", ".join(str(part) for part in parts)

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def may_be_decided_by(self, user):
        """A diensthoofd of the organisation or an operator, and never the person it is about or
        the person who asked for it."""
        return (self.is_pending and may_decide_account_changes(user, self.organisation_id)
                and user.pk not in (self.user_id, self.requested_by_id))


class AccountEvent(ScopedModel):
    """The account log: every account made, role and e-mail change, second-factor reset,
    (de)activation and every request about them, read by the diensthoofd. Written once; the people
    to tell are e-mailed by a task (organisations.tasks), which marks `notified_at`."""

    class Action(models.TextChoices):
        CREATED = "aangemaakt", _("account created")
        ROLE_CHANGED = "rol_gewijzigd", _("role changed")
        EMAIL_CHANGED = "email_gewijzigd", _("e-mail address changed")
        SECOND_FACTOR_RESET = "tweestap_gewist", _("two-factor authentication reset")
        DEACTIVATED = "gedeactiveerd", _("account deactivated")
        RENAMED = "naam_gewijzigd", _("name changed")
        ACTIVATED = "geactiveerd", _("account activated")
        REQUESTED = "aangevraagd", _("approval requested")
        APPROVED = "goedgekeurd", _("request approved")
        REFUSED = "geweigerd", _("request refused")
        WITHDRAWN = "ingetrokken", _("request withdrawn")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by"))
    subject = models.ForeignKey(User, on_delete=models.PROTECT, related_name="account_events",
                                verbose_name=_("user"))
    subject_email = models.EmailField(_("e-mail address then"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    request = models.ForeignKey(AccountChangeRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="events")
    notify = models.JSONField(default=list, blank=True, help_text="E-mail addresses to tell.")
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("account log entry")
        verbose_name_plural = _("account log")
        indexes = [models.Index(fields=["notified_at"], name="account_event_unsent",
                                condition=models.Q(notified_at__isnull=True))]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.subject}: {self.get_action_display()}"

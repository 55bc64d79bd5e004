"""Documents on a case file: a signed GPMI contract, a stage agreement, a medical certificate. The
file lies in the "documents" storage (a folder outside the web root by default, S3-compatible
storage when configured; README), under a random name; it is only served by a view that checks
who asks and logs the read."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client
from common.uploads import validate_document
from organisations.scoping import CaseFileQuerySet, ScopedModel
from trajectories.models import Trajectory


def documents_storage():
    return storages["documents"]


def document_path(document, filename):
    """The organisation's folder and a random name: the stored name tells nothing about the person."""
    return f"documenten/{document.client.organisation_id}/{uuid.uuid4().hex}"


class DocumentQuerySet(CaseFileQuerySet):
    """Seen and changed as their client is (organisations.scoping)."""

    client_path = "client"
    organisation_path = "client__organisation"

    def readable_by(self, user, client):
        """The documents of `client` whose content `user` may open: medical ones only for the
        assigned counsellor and the head (DOMAIN.md, special-category data)."""
        documents = self.visible_to(user).filter(client=client)
        return documents if user.can_read_sensitive(client) else documents.exclude(kind__in=Document.SENSITIVE_KINDS)


class Document(ScopedModel):
    class Kind(models.TextChoices):
        GPMI = "gpmi", _("GPMI contract")
        STAGE_AGREEMENT = "stageovereenkomst", _("stage agreement")
        # A TWE's art. 60 §7 employment at a partner: signed by the OCMW, the partner and the worker.
        PLACEMENT_AGREEMENT = "plaatsingsovereenkomst", _("placement agreement")
        EMPLOYMENT_CONTRACT = "arbeidsovereenkomst", _("employment contract")
        MEDICAL = "medisch_attest", _("medical certificate")
        PSYCHOLOGICAL = "psychologisch_verslag", _("psychological or psychiatric report")
        CERTIFICATE = "attest", _("certificate or diploma")
        OTHER = "ander", _("other document")

    # Special-category data (GDPR art. 9, DOMAIN.md): the assigned counsellor and the head only.
    SENSITIVE_KINDS = (Kind.MEDICAL, Kind.PSYCHOLOGICAL)

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="documents", verbose_name=_("client"))
    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="documents", verbose_name=_("trajectory"),
                                   help_text=_("Leave empty for a document about the whole case file."))
    gpmi = models.ForeignKey("gpmi.Gpmi", on_delete=models.CASCADE, null=True, blank=True, related_name="documents",
                             verbose_name=_("GPMI"), help_text=_("For example the signed contract."))
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    date = models.DateField(_("date of the document"), help_text=_("For example the day it was signed."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=documents_storage, upload_to=document_path, max_length=200,
                            validators=[validate_document])
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added on"), auto_now_add=True)
    history = HistoricalRecords()

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["client", "date"], name="document_client_date")]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"

    @property
    def is_sensitive(self):
        return self.kind in self.SENSITIVE_KINDS

    def is_confidential_for(self, user):
        """Whether `user` sees this document only as a "confidential document": a medical or
        psychological one, for whoever may not read the client's special-category data. Its type,
        description and file name tell as much as its content, so they see none of them (only that
        it exists, and its date), and they cannot download it. The one rule every page follows."""
        return self.is_sensitive and not user.can_read_sensitive(self.client)

    def label_for(self, user):
        """The type of this document as `user` may see it (is_confidential_for)."""
        return _("Confidential document") if self.is_confidential_for(user) else self.get_kind_display()

    def clean(self):
        super().clean()
        if self.trajectory_id and self.client_id and self.trajectory.client_id != self.client_id:
            raise ValidationError({"trajectory": _("This trajectory belongs to another client.")})
        if self.gpmi_id and self.client_id and self.gpmi.client_id != self.client_id:
            raise ValidationError({"gpmi": _("This GPMI belongs to another client.")})
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("The date of a document cannot lie in the future.")})

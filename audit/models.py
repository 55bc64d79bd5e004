"""Who opened which case file, and who read special-category details.

Changes to client data are recorded by django-simple-history (see README); this log covers
reads, which a history library does not see."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.scoping import ScopedModel, ScopedQuerySet, heads_the_service


class ImmutableLog(PermissionDenied):
    """The access log is written once: not changed, not removed (also refused by the database on
    PostgreSQL, see migration 0002)."""


class AccessLogQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The diensthoofd reads the log of her organisation's case files (Inzagelogboek)."""
        return self.of_own_organisation(user, heads_the_service)

    # editable_by: nobody (ScopedQuerySet's default); the log is written once.

    def update(self, **kwargs):
        raise ImmutableLog("the access log cannot be changed")

    def delete(self):
        raise ImmutableLog("the access log cannot be deleted")

    def purge_demo(self, organisation):
        """seed_demo replaces a demo organisation with its log; a real OCMW's log stays."""
        if not organisation.is_demo:
            raise ImmutableLog("only a demo organisation's access log can be removed")
        return models.QuerySet.delete(self.of_organisation(organisation))


class AccessLog(ScopedModel):
    class Action(models.TextChoices):
        OPENED = "geopend", _("opened the case file")
        SENSITIVE_READ = "gevoelig_gelezen", _("read medical or psychological details")
        HISTORY_READ = "historiek_gelezen", _("read the change history")
        EXPORTED = "geexporteerd", _("downloaded an export")
        DOCUMENT_READ = "document_gelezen", _("downloaded a document")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("user"))
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, null=True, related_name="access_logs",
                               verbose_name=_("client"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableLog("the access log cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableLog("the access log cannot be deleted")


def log_access(user, client, action, detail=""):
    return AccessLog.objects.create(user=user, organisation_id=client.organisation_id, client=client,
                                    action=action, detail=detail)

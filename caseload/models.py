from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.scoping import ScopedModel, ScopedQuerySet, heads_the_service


class UploadQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """An upload waiting for its confirmation is for the diensthoofd who uploaded it only."""
        return self.of_own_organisation(user, heads_the_service).filter(uploaded_by_id=user.pk)

    def editable_by(self, user):
        return self.visible_to(user)


class Upload(ScopedModel):
    """A caseload file between its preview and the confirmation: confirming re-reads this exact
    file through the same planner, so what is written is what was shown."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("file"), max_length=200)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = UploadQuerySet.as_manager()

    def __str__(self):
        return self.filename

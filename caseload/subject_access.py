"""A client's complete file for a subject-access request (GDPR art. 15): everything the product
holds about the person, as JSON for machines and as a PDF to hand over. One place builds the data;
both formats render it. What each app holds and hands over is said in its `privacy` module
(common.personal_data); this module knows no other app's models."""

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.sensitive import read_sensitive
from common import personal_data


def client_file(client):
    """The whole file as plain data, with Dutch keys, in a fixed number of queries."""
    return {
        "opgemaakt_op": timezone.localtime().isoformat(timespec="seconds"),
        "organisatie": client.organisation.name,
        **personal_data.export(client),
    }


def log_export(user, client, extension):
    """The file holds special-category data: for who may read it (PermissionDenied otherwise), and
    the export is logged."""
    return read_sensitive(user, client, detail=_("subject access (%(format)s)") % {"format": extension},
                          export=True)

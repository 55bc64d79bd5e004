"""Reading special-category data (GDPR art. 9, DOMAIN.md): the description of a medical or
psychological barrier, the care details of a werk-zorg trajectory, a medical or psychological
document, the whole file of a subject-access request. Only the assigned counsellor and the
diensthoofd read them (User.can_read_sensitive), and every read is in the access log.

A view calls `read_sensitive` right before it shows such details, on every response that shows
them (also a form sent back with its errors). A page that only shows or hides them, or a link to
them, asks `may_read_sensitive` and logs nothing by itself."""

from django.core.exceptions import PermissionDenied

from .models import AccessLog, log_access


def may_read_sensitive(user, client):
    """Whether `user` may read the special-category data of `client`; nothing is logged."""
    return user.can_read_sensitive(client)


def read_sensitive(user, client, *, detail, export=False):
    """Checks that `user` may read the special-category data of `client` (PermissionDenied if not)
    and logs the read with `detail` (what was read: a barrier's category, a trajectory, a
    document). `export=True`: the data leaves the product in a download, logged as an export."""
    if not may_read_sensitive(user, client):
        raise PermissionDenied
    action = AccessLog.Action.EXPORTED if export else AccessLog.Action.SENSITIVE_READ
    return log_access(user, client, action, detail=detail[:AccessLog._meta.get_field("detail").max_length])

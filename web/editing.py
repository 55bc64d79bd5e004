"""Two people editing the same case file or trajectory (optimistic locking with django-concurrency):
the second save is refused, nothing of it is written, the form keeps what was typed and says who
saved in between; saving again then deliberately keeps the second version."""

from concurrency.exceptions import RecordModifiedError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


def save_unless_changed_meanwhile(form, save):
    """save() in a savepoint; None (and a Dutch error on the form) when the record changed since
    the form was opened."""
    try:
        with transaction.atomic():
            return save()
    except RecordModifiedError:
        _report_conflict(form)
        return None


def _report_conflict(form):
    model = type(form.instance)
    current = model._base_manager.get(pk=form.instance.pk)  # the row the form was opened on, as it is now
    latest = model.history.filter(id=current.pk).select_related("history_user").first()
    who = str(latest.history_user) if latest and latest.history_user else _("someone else")
    when = timezone.localtime(latest.history_date).strftime("%d/%m/%Y %H:%M") if latest else ""
    form.add_error(None, _(
        "%(who)s saved this in the meantime (%(when)s). Your changes are not saved yet: they are still in the "
        "form below. Look at the other changes (History), then save again to keep your version.")
        % {"who": who, "when": when})
    # The next save is deliberate: it goes over the version that is in the database now.
    data = form.data.copy()
    data[form.add_prefix("version")] = form.fields["version"].prepare_value(current.version)
    form.data = data

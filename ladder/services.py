"""Recording a participation-ladder measurement, validated by the model."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import LadderMeasurement


@transaction.atomic
def measurement_add(*, client, date, rung, by, note=""):
    measurement = LadderMeasurement(client=client, date=date, rung=rung, note=note, by=by)
    # The one-a-day constraint is the database's (below): Django's own check of it would say only
    # that a constraint was violated.
    measurement.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            measurement.save()
    except IntegrityError:
        raise ValidationError({"date": _("This client already has a measurement on this day.")}) from None
    return measurement


def measurements_bulk_add(measurements, *, by=None):
    """Many measurements at once (the demo's history), each validated by the model."""
    for measurement in measurements:
        if measurement.by_id is None:
            measurement.by = by
        measurement.full_clean(exclude=["client", "by"])
    return LadderMeasurement.objects.bulk_create(measurements)

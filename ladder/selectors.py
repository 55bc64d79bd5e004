"""What the case file shows of the participation ladder."""

from .models import LadderMeasurement


def client_ladder(client):
    """The client's measurements, oldest first (one query)."""
    return list(LadderMeasurement.objects.of_client(client).select_related("by"))

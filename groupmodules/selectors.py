"""What pages show of group modules, read in a fixed number of queries."""

from django.db.models import Count, Q

from .models import Enrolment
from .rules import ABSENT, ATTENDED


def client_modules(client):
    """The client's enrolments (newest first) with their module, edition and attendance counts
    (`attended`, `absent`, `unexcused`), and their attendances by session date: two queries."""
    return list(Enrolment.objects.of_client(client).select_related("edition__module", "edition__trainer")
                .annotate(attended=Count("attendances", filter=Q(attendances__presence__in=ATTENDED)),
                          absent=Count("attendances", filter=Q(attendances__presence__in=ABSENT)),
                          unexcused=Count("attendances", filter=Q(attendances__presence="onverwittigd")))
                .prefetch_related("attendances__session").order_by("-edition__start_date", "-pk"))

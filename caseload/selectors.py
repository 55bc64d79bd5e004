"""The caseload list: clients with their last contact and current trajectory, filtered and sorted."""

from django.db.models import Case, Exists, F, OuterRef, Subquery, When
from django.utils.translation import gettext_lazy as _

from clients.models import Client, ContactMoment
from trajectories.models import Trajectory
from trajectories.rules import RUNNING, Status

SORTS = {
    # Each ends on the primary key, so that pages are stable when names or dates are equal.
    "naam": ("last_name", "first_name", "pk"),
    "-naam": ("-last_name", "-first_name", "-pk"),
    # Never contacted counts as longest without contact, on SQLite and PostgreSQL alike.
    "laatste_contact": (F("last_contact").asc(nulls_first=True), "last_name", "pk"),
    "-laatste_contact": (F("last_contact").desc(nulls_last=True), "last_name", "pk"),
    "nieuwste": ("-created_at", "-pk"),
}
SORT_LABELS = {
    "naam": _("name (A-Z)"),
    "-naam": _("name (Z-A)"),
    "-laatste_contact": _("most recent contact"),
    "laatste_contact": _("longest without contact"),
    "nieuwste": _("newest case file"),
}



def caseload(user, *, search="", counsellor=None, status="", trajectory_type="", trajectory_status="",
             sort="naam"):
    """The caseload list: each client with their last contact and current trajectory."""
    current = Trajectory.objects.filter(client=OuterRef("pk")).annotate(
        rank=Case(When(status__in=RUNNING, then=0), When(status=Status.AANGEMELD, then=1), default=2)
    ).order_by("rank", "-start_date", "-pk")
    clients = (
        Client.objects.visible_to(user)
        .search(search)
        .select_related("counsellor")
        # Subqueries, not an aggregate: the count for the pages leaves them out, and they are
        # computed for the rows of the page only (index on contact moment client and date).
        .annotate(last_contact=Subquery(ContactMoment.objects.filter(client=OuterRef("pk")).order_by("-date")
                                        .values("date")[:1]),
                  current_trajectory_type=Subquery(current.values("type")[:1]),
                  current_trajectory_status=Subquery(current.values("status")[:1]))
    )
    if counsellor is not None:
        clients = clients.filter(counsellor=counsellor)
    if status:
        clients = clients.filter(status=status)
    if trajectory_type or trajectory_status:
        matching = Trajectory.objects.filter(client=OuterRef("pk"))
        if trajectory_type:
            matching = matching.filter(type=trajectory_type)
        if trajectory_status:
            matching = matching.filter(status=trajectory_status)
        clients = clients.filter(Exists(matching))
    return clients.order_by(*SORTS.get(sort, SORTS["naam"]))

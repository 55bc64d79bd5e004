"""Reads of client data. Every function starts from `Client.objects.visible_to(user)`."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Max
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import User

from .models import Client, Competence, Interest

SORTS = {
    "naam": ("last_name", "first_name"),
    "-naam": ("-last_name", "-first_name"),
    # Never contacted counts as longest without contact, on SQLite and PostgreSQL alike.
    "laatste_contact": (F("last_contact").asc(nulls_first=True), "last_name"),
    "-laatste_contact": (F("last_contact").desc(nulls_last=True), "last_name"),
    "nieuwste": ("-created_at",),
}
SORT_LABELS = {
    "naam": _("name (A-Z)"),
    "-naam": _("name (Z-A)"),
    "-laatste_contact": _("most recent contact"),
    "laatste_contact": _("longest without contact"),
    "nieuwste": _("newest case file"),
}


def client_for(user, pk):
    """A client the user may read, or 404: another organisation's file does not exist for them."""
    return get_object_or_404(Client.objects.visible_to(user).select_related("counsellor", "organisation"), pk=pk)


def caseload(user, *, search="", counsellor=None, status="", sort="naam"):
    clients = (
        Client.objects.visible_to(user)
        .search(search)
        .select_related("counsellor")
        .annotate(last_contact=Max("contact_moments__date"))
    )
    if counsellor is not None:
        clients = clients.filter(counsellor=counsellor)
    if status:
        clients = clients.filter(status=status)
    return clients.order_by(*SORTS.get(sort, SORTS["naam"]))


@dataclass
class TimelineEntry:
    date: datetime.date
    kind: str
    title: str
    author: object = None
    body: str = ""
    minutes: int | None = None


def timeline(client):
    """The case file as one story, newest first: contact moments and case-file events.
    Trajectory events join here when trajectories exist."""
    entries = [
        TimelineEntry(date=moment.date, kind=moment.kind, title=moment.get_kind_display(),
                      author=moment.author, body=moment.note, minutes=moment.duration_minutes)
        for moment in client.contact_moments.select_related("author")
    ]
    opened = timezone.localdate(client.created_at)
    entries.append(TimelineEntry(date=opened, kind="dossier", title=str(_("Case file opened"))))
    return sorted(entries, key=lambda entry: entry.date, reverse=True)


def change_history(client):
    """Every recorded change of the client's own fields, newest first, as (record, changes)
    where each change reads (field label, old value, new value) in words."""
    records = list(client.history.select_related("history_user").order_by("-history_date"))
    names = _related_names(client.organisation_id)
    result = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                field = Client._meta.get_field(change.field)
                changes.append((field.verbose_name, _readable(field, change.old, names),
                                _readable(field, change.new, names)))
        result.append((newer, changes))
    return result


def _related_names(organisation_id):
    """Names for the ids a history row stores, fetched once per page instead of per change."""
    return {
        "counsellor": {user.pk: str(user) for user in User.objects.filter(organisation_id=organisation_id)},
        "competences": dict(Competence.objects.filter(organisation_id=organisation_id).values_list("pk", "name")),
        "interests": dict(Interest.objects.filter(organisation_id=organisation_id).values_list("pk", "name")),
    }


def _readable(field, value, names):
    if field.many_to_many:
        target = field.related_model._meta.model_name
        return ", ".join(sorted(names[field.name].get(row[target], "?") for row in value or []))
    if field.is_relation:
        return names.get(field.name, {}).get(value, value or "")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value

"""Reads of client data. Every function starts from `Client.objects.visible_to(user)`."""

import datetime

from django.shortcuts import get_object_or_404

from organisations.models import User
from organisations.permissions import ColleagueCaseFile

from .models import Client, Competence, Interest


def client_for(user, pk):
    """A client the user may read, or 404: another organisation's file does not exist for them."""
    return get_object_or_404(Client.objects.visible_to(user).select_related("counsellor", "organisation"), pk=pk)


def editable_client_for(user, pk):
    """A client the user may change: 404 outside the organisation, 403 for a colleague's client
    (the colleague may read it)."""
    client = client_for(user, pk)
    if not user.can_edit_client(client):
        raise ColleagueCaseFile
    return client


def change_history(instance, names=None, limit=100, hidden=()):
    """The recorded changes of a model's own fields (django-simple-history), newest first, as
    (record, changes) with each change reading (field label, old value, new value) in words.

    Diffs are computed here from one query per table instead of `diff_against` per record, and
    the records of one save (the fields, then each many-to-many update) are shown as one change.
    `names` maps a relation field to {id: name}."""
    model, names = type(instance), names or {}
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    m2m = _m2m_snapshots(instance.history.model, records)
    recorded = {field.attname for field in instance.history.model._meta.concrete_fields}
    fields = [field for field in model._meta.concrete_fields
              if field.attname in recorded and field.name not in ("id", "created_at", *hidden)]
    groups = _group_saves(records)
    result = []
    for newest, previous in zip(groups, [*groups[1:], None], strict=True):
        record = newest[0]
        if previous is None:
            result.append((record, []))
            continue
        before, after = previous[0], record
        changes = [(field.verbose_name, _readable(field, getattr(before, field.attname), names),
                    _readable(field, getattr(after, field.attname), names))
                   for field in fields if getattr(before, field.attname) != getattr(after, field.attname)]
        for field, snapshots in m2m.items():
            if snapshots.get(before.pk, set()) != snapshots.get(after.pk, set()):
                changes.append((field.verbose_name, _readable_set(field, snapshots.get(before.pk), names),
                                _readable_set(field, snapshots.get(after.pk), names)))
        if changes or record.history_type == "-":
            result.append((record, changes))
    return result


def _group_saves(records):
    """Records written by one save (services.client_save marks them) belong together."""
    groups = []
    for record in records:
        last = groups[-1][-1] if groups else None
        if last and record.history_change_reason and last.history_change_reason == record.history_change_reason:
            groups[-1].append(record)
        else:
            groups.append([record])
    return groups


def _m2m_snapshots(history_model, records):
    """{m2m field: {history id: set of related ids}}, one query per many-to-many field."""
    snapshots = {}
    for field in getattr(history_model, "_history_m2m_fields", []):
        through = history_model._meta.get_field(
            f"{history_model._meta.model_name}_{field.name}").related_model
        target = f"{field.related_model._meta.model_name}_id"
        rows = through.objects.filter(history__in=[record.pk for record in records]).values_list("history_id",
                                                                                                  target)
        by_record = {}
        for history_id, related_id in rows:
            by_record.setdefault(history_id, set()).add(related_id)
        snapshots[field] = by_record
    return snapshots


def client_related_names(organisation_id):
    """Names for the ids a client's history rows store, fetched once per page, not per change."""
    return {
        "counsellor": {user.pk: str(user) for user in User.objects.of_organisation(organisation_id)},
        "competences": dict(Competence.objects.of_organisation(organisation_id).values_list("pk", "name")),
        "interests": dict(Interest.objects.of_organisation(organisation_id).values_list("pk", "name")),
    }


def _readable_set(field, ids, names):
    return ", ".join(sorted(names.get(field.name, {}).get(pk, "?") for pk in ids or ()))


def _readable(field, value, names):
    if field.is_relation:
        return names.get(field.name, {}).get(value, value or "")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value

import uuid

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from organisations.models import Role

from .models import Assignment, Client


@transaction.atomic
def client_save(form, *, by):
    """Save a client form. Its fields and its competences and interests are written as several
    history records; one save id (the change reason) lets the history show them as one change.
    A new counsellor (a new file, or the head choosing another) is recorded as an assignment."""
    creating = form.instance.pk is None
    previous = None if creating else form.initial.get("counsellor")
    form.instance._change_reason = f"opslag {uuid.uuid4().hex[:12]}"
    client = form.save()
    if client.counsellor_id and (creating or "counsellor" in form.changed_data):
        _assign([(client, previous)], client.counsellor, by=by)
    return client


@transaction.atomic
def clients_hand_over(*, clients, to, by, note):
    """Hands these case files (of the head's organisation) over to counsellor `to`, with a note:
    one assignment per file says who held it before, who moved it and why, and the change is in
    each file's history. Open reminders follow, as they go to the client's counsellor. Files that
    `to` already holds and anonymised ones stay. Returns the clients moved, in a fixed number of
    queries."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write a handover note: what should the new counsellor know?")})
    if not (to.is_active and to.role == Role.COUNSELLOR and to.organisation_id == by.organisation_id):
        raise ValidationError({"to": _("Choose an active counsellor of your OCMW.")})
    moving = list(clients.filter(organisation=by.organisation_id, anonymised_at__isnull=True)
                  .exclude(counsellor=to).select_for_update().order_by("pk"))
    if not moving:
        raise ValidationError(_("There is no case file to hand over: %(counsellor)s already holds the chosen "
                                "files, or they are anonymised.") % {"counsellor": to})
    previous = [(client, client.counsellor_id) for client in moving]
    now, reason = timezone.now(), f"overdracht {uuid.uuid4().hex[:12]}"
    for client in moving:
        client.counsellor, client.version, client.updated_at = to, client.version + 1, now
    bulk_update_with_history(moving, Client, ["counsellor", "version", "updated_at"], default_user=by,
                             default_change_reason=reason)
    _carry_lists_into_history([client.pk for client in moving], reason)
    _assign(previous, to, by=by, note=note)
    return moving


def _carry_lists_into_history(client_ids, reason):
    """A bulk update writes each client's history record without its competences and interests,
    which the history would then show as removed: copy them onto the records of `reason`."""
    records = dict(Client.history.filter(id__in=client_ids, history_change_reason=reason)
                   .values_list("id", "history_id"))
    for name in ("competences", "interests"):
        field = Client._meta.get_field(name)
        target = field.m2m_reverse_field_name()
        history = apps.get_model("clients", f"HistoricalClient_{name}")
        rows = field.remote_field.through.objects.filter(client__in=list(records)).values_list("pk", "client", target)
        history.objects.bulk_create(history(id=pk, client_id=client, history_id=records[client],
                                            **{f"{target}_id": value}) for pk, client, value in rows)


def _assign(clients_and_previous, counsellor, *, by, note=""):
    """A counsellor who takes a file themselves has seen it; someone else's choice waits for them.
    A file handed on before it was opened no longer waits for the one before."""
    now = timezone.now()
    Assignment.objects.of_clients([client for client, _previous in clients_and_previous]).filter(
        seen_at__isnull=True).update(seen_at=now)
    Assignment.objects.bulk_create(
        Assignment(client=client, previous_id=previous, counsellor=counsellor, by=by, note=note, at=now,
                   seen_at=now if by.pk == counsellor.pk else None)
        for client, previous in clients_and_previous)


def assignment_seen(client, user):
    """The counsellor opened the file: it is no longer "recently assigned" to them."""
    if user.pk == client.counsellor_id:
        Assignment.objects.of_client(client).filter(counsellor=user, seen_at__isnull=True).update(
            seen_at=timezone.now())

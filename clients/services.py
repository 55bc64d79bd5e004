import uuid

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
        raise ValidationError(_("There is no case file to hand over: %(counsellor)s already holds them all.") % {
            "counsellor": to})
    previous = [(client, client.counsellor_id) for client in moving]
    for client in moving:
        client.counsellor, client.version = to, client.version + 1
    bulk_update_with_history(moving, Client, ["counsellor", "version"], default_user=by,
                             default_change_reason=f"overdracht {uuid.uuid4().hex[:12]}")
    _assign(previous, to, by=by, note=note)
    return moving


def _assign(clients_and_previous, counsellor, *, by, note=""):
    """A counsellor who takes a file themselves has seen it; someone else's choice waits for them."""
    now = timezone.now()
    Assignment.objects.bulk_create(
        Assignment(client=client, previous_id=previous, counsellor=counsellor, by=by, note=note, at=now,
                   seen_at=now if by.pk == counsellor.pk else None)
        for client, previous in clients_and_previous)


def assignment_seen(client, user):
    """The counsellor opened the file: it is no longer "recently assigned" to them."""
    if user.pk == client.counsellor_id:
        Assignment.objects.filter(client=client, counsellor=user, seen_at__isnull=True).update(seen_at=timezone.now())

import uuid

from django.db import transaction


@transaction.atomic
def client_save(form):
    """Save a client form. Its fields and its competences and interests are written as several
    history records; one save id (the change reason) lets the history show them as one change."""
    form.instance._change_reason = f"opslag {uuid.uuid4().hex[:12]}"
    return form.save()

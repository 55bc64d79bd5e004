"""The documents of a case file (common.personal_data): a signed GPMI, a stage agreement, a
medical certificate.

Export: the list of documents (their files are handed over separately, downloaded from the case
file). Erase: the documents go, their stored files too (after the commit), with their history, also
the history of documents removed earlier. The figures count no document."""

from django.utils import timezone

from common.personal_data import day

from .models import Document
from .services import documents_forget

order = 30


def export(client):
    documents = client.documents.select_related("added_by", "trajectory").order_by("date", "pk")
    return {"documenten": [
        {"soort": d.get_kind_display(), "datum": day(d.date), "beschrijving": d.description,
         "bestand": d.filename, "traject": d.trajectory.get_type_display() if d.trajectory else None,
         "toegevoegd_door": str(d.added_by), "toegevoegd_op": day(timezone.localtime(d.added_at).date())}
        for d in documents]}


def erase(client_ids):
    documents_forget(Document.objects.filter(client__in=client_ids))


def forget_history(client_ids):
    Document.history.filter(client_id__in=client_ids).delete()

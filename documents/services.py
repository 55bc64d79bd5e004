"""Adding and removing documents: the row and its stored file go together."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.uploads import document_type

from .models import Document, documents_storage

NAME_LENGTH = 200


@transaction.atomic
def document_add(*, client, by, file, kind, date, trajectory=None, gpmi=None, description=""):
    """Stores `file` (an uploaded file) as a document of `client`, optionally of one of its
    trajectories or GPMIs (the signed contract). Refuses what Document refuses (type, size, a
    trajectory of someone else, a date in the future) with the field named; nothing is stored then."""
    if client.anonymised_at:
        raise ValidationError(_("This case file is anonymised: it is read-only."))
    detected = document_type(file)
    document = Document(client=client, trajectory=trajectory, gpmi=gpmi, kind=kind, date=date,
                        description=description.strip(), file=file, size=file.size, added_by=by,
                        filename=download_name(file.name, detected), content_type=getattr(detected, "content_type", ""))
    document.full_clean()
    try:
        with transaction.atomic():
            document.save()  # stores the file first, then writes the row
    except Exception:
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document


def document_remove(*, document):
    """Removes the row now and the stored file once that is committed (a rollback keeps both)."""
    name, storage = document.file.name, document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


def documents_forget(documents):
    """Removes these documents with their files and history (retention, re-seeding a demo), in
    a fixed number of queries."""
    ids, names = [], []
    for pk, name in documents.values_list("pk", "file"):
        ids.append(pk)
        names.append(name)
    Document.objects.filter(pk__in=ids)._raw_delete(Document.objects.db)
    Document.history.filter(id__in=ids).delete()
    storage = documents_storage()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return len(ids)


def download_name(name, detected):
    """The name the download gets: the uploaded name without folders, shortened, and ending in the
    extension of what the file really is (a PDF called 'contract.exe' is 'contract.exe.pdf')."""
    path = PurePath((name or "document").replace("\\", "/")).name or "document"
    extensions = {"jpg", "jpeg"} if detected and detected.extension == "jpg" else {getattr(detected, "extension", "")}
    if detected and path.rsplit(".", 1)[-1].lower() not in extensions:
        path = f"{path}.{detected.extension}"
    if len(path) > NAME_LENGTH:
        stem, dot, extension = path.rpartition(".")
        path = f"{stem[:NAME_LENGTH - len(extension) - 1]}{dot}{extension}"
    return path

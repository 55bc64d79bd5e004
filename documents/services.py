"""Adding and removing documents: the row and its stored file go together."""

import logging
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.uploads import document_type

from .models import Document, documents_storage

NAME_LENGTH = 200
logger = logging.getLogger(__name__)


def _storage_errors():
    """What a storage raises when it cannot write: an OSError from a folder (a full disk, ENOSPC; a
    read-only one, EROFS; PermissionError), or botocore's errors from an S3-compatible bucket."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - botocore comes with django-storages[s3]
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


STORAGE_ERRORS = _storage_errors()


class StorageUnavailable(Exception):
    """The documents storage could not store the file (full, read-only, unreachable); nothing was
    kept. Its message is for the person who uploaded."""

    def __init__(self):
        super().__init__(_("The document could not be saved: the storage is full or not writable. "
                           "Try again later or report it to the administrator."))


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
    # The file is stored under its final, random name, then the row is written; when either fails,
    # exactly that stored name is removed (never the uploaded file's own name: that is not where it
    # lies). An S3 bucket cannot rename, so there is no temporary name; what a failed removal or a
    # later rollback of the whole request leaves is taken by the nightly tasks.remove_orphan_files.
    storage = document.file.storage
    field = Document._meta.get_field("file")
    target = storage.get_available_name(field.generate_filename(document, file.name), max_length=field.max_length)
    try:
        with transaction.atomic():
            try:
                stored = storage.save(target, file, max_length=field.max_length)
            except STORAGE_ERRORS as error:
                raise StorageUnavailable() from error
            target = stored
            document.file = stored  # a stored name: saving the row stores nothing again
            document.save()
    except Exception as error:
        _discard(storage, target, error)
        raise
    return document


def _discard(storage, name, cause):
    """Removes what a failed upload stored under `name` (a partly written file too). Never raises:
    on a read-only disk the removal fails as the write did, and the upload's own error is the one
    to report; the file then waits for the nightly orphan sweep."""
    try:
        storage.delete(name)
    except Exception:
        logger.warning("Could not remove %s after a failed upload (%r); the orphan sweep will.", name, cause,
                       exc_info=True)


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

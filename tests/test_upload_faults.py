"""A document upload on a full or read-only disk: the form comes back with a clear Dutch message and
what was filled in, and nothing is left behind (no row, no partial file); the clean-up removes the
name the file was stored under, never the uploaded file's own name, and never raises itself."""

import datetime
import errno
import logging
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.models import Document

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + b"%" * 4000
TODAY = datetime.date.today()
MESSAGE = ("Het document kon niet bewaard worden: de opslag is vol of niet beschrijfbaar. "
           "Probeer later opnieuw of meld het aan de beheerder.")


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the test's own folder (conftest does so too)
    return storages["documents"]


def files_under(root):
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, _folders, names in os.walk(root) for name in names)


def failing_save(storage, monkeypatch, code):
    """The storage writes the first part of the file to its stored name, then the disk fails."""
    attempts = []

    def _save(name, content):
        attempts.append(name)
        path = storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as written:
            written.write(next(content.chunks(chunk_size=1024))[:100])
        raise OSError(code, os.strerror(code), path)

    monkeypatch.setattr(storage, "_save", _save)
    return attempts


def upload(http, client, name="gpmi-contract.pdf"):
    data = {"document-kind": "gpmi", "document-date": TODAY.strftime("%d/%m/%Y"),
            "document-description": "Getekend GPMI", "document-file": SimpleUploadedFile(name, PDF),
            "next": "/terug/"}
    return http.post(reverse("documents:add", args=[client.pk]), data)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_disk_gives_the_form_back_with_a_dutch_message(world, login, storage, monkeypatch, code):
    attempts = failing_save(storage, monkeypatch, code)
    response = upload(login(world.alice), world.client)
    page = response.content.decode()
    assert response.status_code == 503
    assert MESSAGE in page
    # The form and what was filled in are there again.
    assert 'name="document-description"' in page and 'value="Getekend GPMI"' in page
    assert 'value="/terug/"' in page
    # Nothing is kept: no row, no partial file.
    assert attempts and attempts[0].startswith(f"documenten/{world.menen.pk}/")
    assert not Document.objects.exists()
    assert files_under(storage.location) == []


def test_the_clean_up_removes_the_stored_name_not_the_uploaded_name(world, storage, monkeypatch):
    # A file that happens to carry the upload's own name must survive the failed upload.
    bystander = storage.save("gpmi-contract.pdf", ContentFile(b"someone else's"))
    assert bystander == "gpmi-contract.pdf"
    attempts = failing_save(storage, monkeypatch, errno.ENOSPC)
    deleted = []
    delete = storage.delete
    monkeypatch.setattr(storage, "delete", lambda name: (deleted.append(name), delete(name)))
    with pytest.raises(services.StorageUnavailable):
        services.document_add(client=world.client, by=world.alice, kind="gpmi", date=TODAY,
                              file=SimpleUploadedFile("gpmi-contract.pdf", PDF))
    assert deleted == attempts and deleted[0] != "gpmi-contract.pdf"
    assert files_under(storage.location) == ["gpmi-contract.pdf"]


def test_a_clean_up_that_fails_too_is_logged_and_the_message_stays_the_same(world, login, storage, monkeypatch,
                                                                             caplog):
    failing_save(storage, monkeypatch, errno.EROFS)

    def read_only(name):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), name)

    monkeypatch.setattr(storage, "delete", read_only)
    with caplog.at_level(logging.WARNING, logger="documents.services"):
        response = upload(login(world.alice), world.client)
    assert response.status_code == 503 and MESSAGE in response.content.decode()
    assert not Document.objects.exists()
    assert "orphan sweep" in caplog.text  # what stays on the read-only disk waits for remove_orphan_files


def test_a_database_failure_after_storing_removes_exactly_the_stored_file(world, storage, monkeypatch):
    from django.db import IntegrityError

    stored = []
    save = storage._save
    monkeypatch.setattr(storage, "_save", lambda name, content: stored.append(save(name, content)) or stored[-1])
    monkeypatch.setattr(Document, "save_base", lambda *args, **kwargs: (_ for _ in ()).throw(IntegrityError("no")))
    with pytest.raises(IntegrityError):
        services.document_add(client=world.client, by=world.alice, kind="gpmi", date=TODAY,
                              file=SimpleUploadedFile("contract.pdf", PDF))
    assert stored and not storage.exists(stored[0])
    assert files_under(storage.location) == []


def test_an_upload_still_stores_its_file_under_a_random_name(world, storage):
    document = services.document_add(client=world.client, by=world.alice, kind="gpmi", date=TODAY,
                                     file=SimpleUploadedFile("contract.pdf", PDF))
    document.refresh_from_db()
    assert document.file.name.startswith(f"documenten/{world.menen.pk}/") and document.filename == "contract.pdf"
    assert storage.open(document.file.name).read() == PDF

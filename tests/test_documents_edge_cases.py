"""Documents: what anonymising forgets, long and misleading file names, archives that only look like Word files."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.models import Document

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_anonymising_also_forgets_documents_removed_earlier(world, django_capture_on_commit_callbacks):
    from clients import retention

    document = services.document_add(
        client=world.client, by=world.alice, kind="medisch_attest", date=datetime.date.today(),
        description="Attest psychiater Benali", file=SimpleUploadedFile("attest-psychiater-benali.pdf", PDF))
    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(document=document)
    with django_capture_on_commit_callbacks(execute=True):
        retention.anonymise([world.client.pk])
    left = list(Document.history.filter(client_id=world.client.pk).values_list("filename", "description"))
    assert left == [], f"the anonymised file still has document history: {left}"


def upload(http, client, content, name):
    from django.urls import reverse

    data = {"document-kind": "gpmi", "document-date": datetime.date.today().strftime("%d/%m/%Y"),
            "document-description": "", "document-file": SimpleUploadedFile(name, content)}
    return http.post(reverse("documents:add", args=[client.pk]), data)


def test_a_long_file_name_is_shortened_not_refused(world, login):
    """documents.services.download_name shortens a name above 200 characters; the form refuses it first."""
    name = "scan-" + "x" * 240 + ".pdf"
    response = upload(login(world.alice), world.client, PDF, name)
    assert response.status_code == 302, response.context["form"].errors
    assert len(Document.objects.get().filename) <= 200


def test_a_zip_archive_that_is_not_a_word_file_is_refused(world, login):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/setup.exe", b"MZ\x90\x00" + b"\x00" * 200)  # no [Content_Types].xml, no document
    response = upload(login(world.alice), world.client, buffer.getvalue(), "cv.docx")
    assert response.status_code == 422 and not Document.objects.exists()


def test_a_pdf_named_jpeg_downloads_with_the_pdf_extension():
    """download_name promises the extension of what the file really is; '.jpeg' is let through for any type."""
    from common.uploads import DOCUMENT_TYPES

    assert services.download_name("scan.jpeg", DOCUMENT_TYPES["pdf"]).endswith(".pdf")


def test_files_no_document_refers_to_are_removed_after_a_day(world, settings):
    """A request that stored its upload and then rolled back as a whole leaves a file behind."""
    import os
    import time

    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from documents.tasks import remove_orphan_files

    kept = services.document_add(client=world.client, by=world.alice, kind="gpmi", date=datetime.date.today(),
                                 file=SimpleUploadedFile("gpmi.pdf", PDF))
    storage = storages["documents"]
    old_orphan = storage.save(f"documenten/{world.menen.pk}/left-behind", ContentFile(PDF))
    new_orphan = storage.save(f"documenten/{world.menen.pk}/being-committed", ContentFile(PDF))
    two_days_ago = time.time() - 2 * 86400
    for name in (old_orphan, kept.file.name):
        os.utime(storage.path(name), (two_days_ago, two_days_ago))
    assert remove_orphan_files() == 1
    assert not storage.exists(old_orphan)
    assert storage.exists(new_orphan) and storage.exists(kept.file.name)

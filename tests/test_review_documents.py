"""Review: documents and anonymisation, listing of confidential documents."""

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

"""Documents on a case file and on a trajectory: upload, list, download, remove; limits, the
special-category rule for medical certificates, the access log, scoping and retention."""

import datetime
import io
import zipfile
from unittest import mock

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from audit.models import AccessLog
from documents import services
from documents.models import Document

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
TODAY = datetime.date.today()


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(http, client, content=PDF, name="gpmi-contract.pdf", **fields):
    data = {"kind": "gpmi", "date": TODAY.strftime("%d/%m/%Y"), "description": "Getekend GPMI",
            "file": SimpleUploadedFile(name, content), **fields}
    data = {key if key == "next" else f"document-{key}": value for key, value in data.items()}
    return http.post(reverse("documents:add", args=[client.pk]), data)


def stored_files():
    storage = storages["documents"]
    folders, files = storage.listdir("documenten") if storage.exists("documenten") else ([], [])
    return [f"{folder}/{name}" for folder in folders for name in storage.listdir(f"documenten/{folder}")[1]]


def add(world, kind="gpmi", content=PDF, name="contract.pdf", trajectory=None, by=None):
    return services.document_add(client=world.client, by=by or world.alice, file=SimpleUploadedFile(name, content),
                                 kind=kind, date=TODAY, trajectory=trajectory)


def test_the_counsellor_uploads_a_document_and_downloads_it_again(world, login):
    http = login(world.alice)
    response = upload(http, world.client)
    assert response.status_code == 302 and response["Location"].endswith("#documenten")
    document = Document.objects.get()
    assert (document.kind, document.filename, document.size, document.added_by) == (
        "gpmi", "gpmi-contract.pdf", len(PDF), world.alice)
    assert document.content_type == "application/pdf"
    # Stored under the organisation's folder with a random name that says nothing about the person.
    assert document.file.name.startswith(f"documenten/{world.menen.pk}/") and "gpmi" not in document.file.name
    page = http.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "GPMI-contract" in page and "gpmi-contract.pdf" in page and "Getekend GPMI" in page

    download = http.get(reverse("documents:download", args=[world.client.pk, document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="gpmi-contract.pdf"'
    assert "no-store" in download["Cache-Control"]
    entry = AccessLog.objects.get(action=AccessLog.Action.DOCUMENT_READ)
    assert (entry.user, entry.client) == (world.alice, world.client) and "GPMI" in entry.detail


def test_a_document_of_a_trajectory_is_listed_on_the_trajectory_and_the_case_file(world, login):
    http = login(world.alice)
    response = upload(http, world.client, PNG, "stage.png", kind="stageovereenkomst", trajectory=world.trajectory.pk,
                      next=reverse("trajectories:detail", args=[world.client.pk, world.trajectory.pk]))
    assert response.status_code == 302 and "/trajecten/" in response["Location"]
    document = Document.objects.get()
    assert document.trajectory == world.trajectory and document.content_type == "image/png"
    trajectory_page = http.get(reverse("trajectories:detail", args=[world.client.pk, world.trajectory.pk]))
    assert "stage.png" in trajectory_page.content.decode()
    assert "stage.png" in http.get(reverse("clients:detail", args=[world.client.pk])).content.decode()


def test_a_twes_placement_agreement_is_uploaded_from_its_placement_row(world, login):
    """The trajectory page's link asks for the kind; the uploaded agreement shows on the placement's row."""
    http = login(world.alice)
    trajectory_url = reverse("trajectories:detail", args=[world.client.pk, world.trajectory.pk])
    form = http.get(reverse("documents:add", args=[world.client.pk]),
                    {"traject": world.trajectory.pk, "soort": "plaatsingsovereenkomst"}).context["form"]
    assert form.initial["kind"] == Document.Kind.PLACEMENT_AGREEMENT
    assert http.get(reverse("documents:add", args=[world.client.pk]),
                    {"soort": "onbestaand"}).context["form"].initial["kind"] is None
    response = upload(http, world.client, name="plaatsingsovereenkomst.pdf", kind="plaatsingsovereenkomst",
                      trajectory=world.trajectory.pk, next=trajectory_url)
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.get_kind_display()) == ("plaatsingsovereenkomst", "plaatsingsovereenkomst")
    row = http.get(trajectory_url).content.decode()
    assert reverse("documents:download", args=[world.client.pk, document.pk]) in row


@pytest.mark.parametrize("content, name, message", [
    (b"MZ\x90\x00" + b"\x00" * 100, "contract.pdf", "contract.pdf is geen document dat dit systeem bewaart"),
    (b"<html><script>alert(1)</script></html>", "brief.html", "brief.html is geen document"),
    (b"", "leeg.pdf", "bestand is leeg"),  # Django's own check on an empty upload
])
def test_a_file_that_is_not_a_kept_document_type_is_refused_by_its_content(world, login, content, name, message):
    response = upload(login(world.alice), world.client, content, name)
    assert response.status_code == 422 and message in response.content.decode()
    assert not Document.objects.exists() and stored_files() == []


def test_a_word_file_is_recognised_and_a_misnamed_pdf_gets_its_real_extension(world):
    assert add(world, content=docx(), name="cv.docx").content_type.endswith("wordprocessingml.document")
    misnamed = add(world, content=PDF, name="C:\\Users\\alice\\scan.exe")
    assert (misnamed.filename, misnamed.content_type) == ("scan.exe.pdf", "application/pdf")


def test_a_document_above_the_limit_is_refused_with_its_size(world, login, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    response = upload(login(world.alice), world.client, PDF + b"0" * (2 * 1024 * 1024), "scan.pdf")
    page = response.content.decode()
    assert response.status_code == 422 and "scan.pdf is 2,0" in page and "maximaal 1,0" in page
    assert not Document.objects.exists() and stored_files() == []


def test_a_date_in_the_future_and_another_clients_trajectory_are_refused(world, login):
    from trajectories import services as trajectory_services

    other = trajectory_services.trajectory_register(client=world.other_client, by=world.oscar, type="opleiding",
                                                    start_date=TODAY)
    http = login(world.alice)
    tomorrow = (TODAY + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert "kan niet in de toekomst liggen" in upload(http, world.client, date=tomorrow).content.decode()
    assert upload(http, world.client, trajectory=other.pk).status_code == 422
    assert not Document.objects.exists() and stored_files() == []


@pytest.mark.parametrize("kind, label", [("medisch_attest", "Medisch attest"),
                                         ("psychologisch_verslag", "Psychologisch of psychiatrisch verslag")])
def test_a_medical_or_psychological_document_is_only_for_the_assigned_counsellor_and_the_head(
        world, login, kind, label):
    """A colleague sees that there is a confidential document, on the case file and on its
    trajectory, as a confidential barrier shows: not its type, description or file name, and
    cannot download it (the probe's finding: the type said "Psychologisch of psychiatrisch verslag")."""
    document = services.document_add(client=world.client, by=world.alice, kind=kind, date=TODAY,
                                     trajectory=world.trajectory, description="Verslag van de psychiater",
                                     file=SimpleUploadedFile("attest-dokter.pdf", PDF))
    url = reverse("documents:download", args=[world.client.pk, document.pk])
    colleague = login(world.bob)
    for page_url in (reverse("clients:detail", args=[world.client.pk]),
                     reverse("trajectories:detail", args=[world.client.pk, world.trajectory.pk])):
        page = colleague.get(page_url).content.decode()
        assert "Vertrouwelijk document" in page and label not in page
        assert "Verslag van de psychiater" not in page and "attest-dokter.pdf" not in page and url not in page
    assert colleague.get(url).status_code == 403
    for reader in (world.alice, world.hilde):
        http = login(reader)
        page = http.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
        assert label in page and "Verslag van de psychiater" in page and "Vertrouwelijk document" not in page
        assert http.get(url).status_code == 200
    # Each reader's case file showed the description (logged) and each download is logged.
    logged = AccessLog.objects.filter(action=AccessLog.Action.SENSITIVE_READ).values_list("user", flat=True)
    assert sorted(logged) == sorted([world.alice.pk, world.hilde.pk] * 2)


def test_colleagues_read_but_do_not_change_and_other_ocmws_do_not_see(world, login):
    document = add(world)
    download = reverse("documents:download", args=[world.client.pk, document.pk])
    colleague = login(world.bob)
    assert colleague.get(download).status_code == 200
    assert upload(colleague, world.client).status_code == 403
    assert colleague.post(reverse("documents:delete", args=[world.client.pk, document.pk])).status_code == 403
    for outsider in (world.oscar, world.olga):
        assert login(outsider).get(download).status_code == 404
    assert login(world.sam).get(download).status_code == 403  # a schepen never sees a case file
    # A document id under another client's address is not found either.
    other = reverse("documents:download", args=[world.other_client.pk, document.pk])
    assert login(world.olga).get(other).status_code == 404


def test_removing_a_document_removes_its_file_once_committed(world, login, django_capture_on_commit_callbacks):
    document = add(world)
    name = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.alice).post(reverse("documents:delete", args=[world.client.pk, document.pk]))
    assert response.status_code == 302
    assert not Document.objects.exists() and not storages["documents"].exists(name)
    assert Document.history.filter(history_type="-", history_user=world.alice).exists()


def test_a_failed_write_leaves_no_file_behind(world):
    with mock.patch("django.db.models.Model._do_insert", side_effect=IntegrityError("refused")), \
            pytest.raises(IntegrityError):
        add(world)
    assert stored_files() == []


def test_an_anonymised_file_loses_its_documents_and_their_files(world, django_capture_on_commit_callbacks):
    from clients import retention

    document = add(world, kind="medisch_attest")
    with django_capture_on_commit_callbacks(execute=True):
        retention.anonymise([world.client.pk])
    assert not Document.objects.exists() and not Document.history.exists()
    assert not storages["documents"].exists(document.file.name)


def test_the_case_file_takes_the_same_queries_with_one_or_many_documents(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = login(world.hilde)

    def count():
        with CaptureQueriesContext(connection) as context:
            assert http.get(reverse("clients:detail", args=[world.client.pk])).status_code == 200
        return len(context)

    add(world, kind="medisch_attest", trajectory=world.trajectory)  # its reading is logged, as the others'
    few = count()
    for kind in ("stageovereenkomst", "medisch_attest", "attest", "ander"):
        add(world, kind=kind, trajectory=world.trajectory, by=world.hilde)
    assert count() == few


def test_the_upload_form_comes_when_asked_for_inline_or_as_a_page(world, login):
    url = reverse("documents:add", args=[world.client.pk])
    http = login(world.alice)
    case_file = http.get(reverse("trajectories:detail", args=[world.client.pk, world.trajectory.pk]))
    assert "document-file" not in case_file.content.decode()  # not rendered on every visit
    inline = http.get(url, {"traject": world.trajectory.pk, "next": "/clienten/"}, HTTP_HX_REQUEST="true")
    page = inline.content.decode()
    assert "<html" not in page and 'name="document-file"' in page and 'value="/clienten/"' in page
    assert inline.context["form"].initial["trajectory"] == world.trajectory
    assert "<html" in http.get(url).content.decode()  # without JavaScript: a page of its own
    assert login(world.bob).get(url).status_code == 403

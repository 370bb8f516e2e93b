"""Uploaded files checked by content (never by name) and read as rows.

An .xlsx is a zip of OOXML parts: the zip is checked before anything parses it (entry count,
declared uncompressed size, compression ratio), macros and binary workbooks are refused, and
openpyxl reads it in ``read_only`` mode (defusedxml is installed, so its XML parsing is hardened).
A .csv is UTF-8 text (with or without a BOM) or GB18030/GBK, which Chinese Excel writes.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .packages import MAX_COMPRESSION_RATIO, PackageRefused, open_package

XLSX = "xlsx"
CSV = "csv"

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_CHUNK = 64 * 1024

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_XLSX_REFUSED = {
    "damaged": gettext_lazy("The file is not a valid Excel workbook (.xlsx): it is damaged."),
    "too_many_parts": gettext_lazy("The workbook has too many parts (%(count)s) to be a table of divisions."),
    "macros": gettext_lazy("The workbook contains macros (.xlsm). Save it as an Excel workbook (.xlsx) without macros "
                    "and upload it again."),
    "zip_bomb": gettext_lazy("The workbook expands to far more data than its size suggests (compression ratio above "
                      "%(ratio)s to 1); it is refused."),
    "not_ooxml": gettext_lazy("The file is a zip archive but not an Excel workbook (.xlsx)."),
}


@dataclass(frozen=True)
class FileInfo:
    kind: str  # XLSX or CSV
    encoding: str = ""  # for CSV


def _rewind(fileobj) -> None:
    fileobj.seek(0)


def sniff(fileobj) -> FileInfo:
    """Decide what the file is from its bytes; raise ValidationError with a clear message otherwise."""
    _rewind(fileobj)
    head = fileobj.read(8)
    _rewind(fileobj)
    if not head:
        raise ValidationError(_("The file is empty."))
    if head.startswith(_OLE2_MAGIC):
        raise ValidationError(_("This is an old-format Excel file (.xls) or an encrypted workbook. "
                                "Save it as an Excel workbook (.xlsx) without a password and upload it again."))
    if head.startswith(_ZIP_MAGIC):
        check_xlsx(fileobj)
        return FileInfo(XLSX)
    return FileInfo(CSV, encoding=csv_encoding(fileobj))


def check_xlsx(fileobj) -> None:
    """Refuse anything but a plain .xlsx workbook, before any XML is parsed."""
    try:
        package = open_package(fileobj)
    except PackageRefused as exc:
        raise ValidationError(_XLSX_REFUSED[exc.reason] % {"count": exc.parts, "ratio": MAX_COMPRESSION_RATIO}) from exc
    if "xl/workbook.xml" not in package.names:
        if "xl/workbook.bin" in package.names:
            raise ValidationError(_("Binary workbooks (.xlsb) are not accepted. Save the file as an "
                                    "Excel workbook (.xlsx)."))
        raise ValidationError(_("The file is a zip archive but not an Excel workbook (.xlsx)."))


def csv_encoding(fileobj) -> str:
    """The encoding the whole file decodes with (UTF-8 first, then GB18030); binary data is refused."""
    for encoding in CSV_ENCODINGS:
        _rewind(fileobj)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while True:
                chunk = fileobj.read(_CHUNK)
                text = decoder.decode(chunk or b"", final=not chunk)
                if "\x00" in text:
                    raise UnicodeDecodeError(encoding, b"", 0, 1, "NUL byte")
                if not chunk:
                    break
        except UnicodeDecodeError:
            continue
        _rewind(fileobj)
        return encoding
    _rewind(fileobj)
    raise ValidationError(_("The file is neither an Excel workbook (.xlsx) nor a text table (.csv) in "
                            "UTF-8 or GBK encoding."))


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious '.0', dates as yyyy-mm-dd, blanks as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()


def read_table(fileobj, info: FileInfo, *, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells as text) of the first sheet, the header row included (row 1).

    Stops after ``max_rows`` data rows plus one, so the caller can tell the file is too long.
    """
    limit = max_rows + 2  # header + max_rows + one more
    if info.kind == XLSX:
        yield from _read_xlsx(fileobj, limit)
    else:
        yield from _read_csv(fileobj, info.encoding, limit)


def _read_xlsx(fileobj, limit: int) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    _rewind(fileobj)
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a malformed workbook
        raise ValidationError(_("The workbook could not be read: it is damaged or not a workbook.")) from exc
    try:
        if not workbook.worksheets:
            raise ValidationError(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > limit:
                    return
                yield number, [cell_text(v) for v in values]
        except ValidationError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise ValidationError(_("The workbook could not be read: it is damaged or not a workbook.")) from exc
    finally:
        workbook.close()


def _read_csv(fileobj, encoding: str, limit: int) -> Iterator[tuple[int, list[str]]]:
    _rewind(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    try:
        first = text.readline()
        delimiter = "\t" if "\t" in first and "," not in first else ","
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
        try:
            for number, values in enumerate(reader, start=1):
                if number > limit:
                    return
                yield number, [v.strip() for v in values]
        except csv.Error as exc:
            raise ValidationError(_("The text table could not be read: %(error)s") % {"error": exc}) from exc
    finally:
        text.detach()

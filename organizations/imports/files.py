"""Uploaded files checked by content (never by name) and read as rows.

An .xlsx is a zip of OOXML parts: the zip is checked before anything parses it (entry count,
declared uncompressed size, compression ratio), macros and binary workbooks are refused; before openpyxl
reads it (``read_only`` mode; defusedxml is installed, so its XML parsing is hardened) its XML parts are
streamed through ``xlsxscan.scan_workbook``, which refuses a cell above ``max_cell_chars`` without ever
holding it in memory. A .csv is UTF-8 text (with or without a BOM) or GB18030/GBK, which Chinese Excel
writes; it is read line by line, a line or a cell above the limits refused as soon as it is met.
The limits are the kind's ``IMPORT_LIMITS`` (``limits.import_limits``).
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

from .limits import Limits, excerpt, import_limits
from .packages import PackageRefused, open_package
from .xlsxscan import ScanRefused, scan_workbook

XLSX = "xlsx"
CSV = "csv"

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_CHUNK = 64 * 1024
#: A line of a text table holds at most this many full cells (and a little more for separators).
_LINE_CELLS = 4

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
_EXPANDS_TOO_MUCH = gettext_lazy("The workbook expands to more than %(mb)s MB of data; it is refused.")
_UNREADABLE = gettext_lazy("The workbook could not be read: it is damaged or not a workbook.")


def _cell_too_long(limits: Limits, *, cell: str = "", row: int | None = None) -> ValidationError:
    """The message of a cell above ``max_cell_chars``; the error carries the row (``error.row``) when known."""
    if cell:
        message = _("Cell %(cell)s holds more than %(max)s characters; a cell may hold at most %(max)s "
                    "characters. Shorten it and upload the file again.") % {"cell": cell, "max": limits.max_cell_chars}
    else:
        message = _("The workbook holds a text of more than %(max)s characters; a cell may hold at most "
                    "%(max)s characters. Shorten it and upload the file again.") % {"max": limits.max_cell_chars}
    error = ValidationError(message, code="cell_too_long")
    error.row = row
    return error


@dataclass(frozen=True)
class FileInfo:
    kind: str  # XLSX or CSV
    encoding: str = ""  # for CSV


def _rewind(fileobj) -> None:
    fileobj.seek(0)


def sniff(fileobj, limits: Limits | None = None) -> FileInfo:
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
        check_xlsx(fileobj, limits)
        return FileInfo(XLSX)
    return FileInfo(CSV, encoding=csv_encoding(fileobj))


def check_xlsx(fileobj, limits: Limits | None = None) -> None:
    """Refuse anything but a plain .xlsx workbook, before any XML is parsed."""
    limits = limits or import_limits()
    try:
        package = open_package(fileobj, max_uncompressed_bytes=limits.max_uncompressed_bytes,
                               max_ratio=limits.max_compression_ratio)
    except PackageRefused as exc:
        if exc.too_large:
            raise ValidationError(_EXPANDS_TOO_MUCH % {"mb": limits.max_uncompressed_bytes // (1024 * 1024)}) from exc
        raise ValidationError(_XLSX_REFUSED[exc.reason] % {"count": exc.parts,
                                                          "ratio": limits.max_compression_ratio}) from exc
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


def read_table(fileobj, info: FileInfo, *, max_rows: int, limits: Limits | None = None,
               ) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells as text) of the first sheet, the header row included (row 1).

    Stops after ``max_rows`` data rows plus one, so the caller can tell the file is too long. A cell above
    ``limits.max_cell_chars`` (default: ``IMPORT_LIMITS["default"]``) raises ValidationError naming it.
    """
    limits = limits or import_limits()
    limit = max_rows + 2  # header + max_rows + one more
    if info.kind == XLSX:
        yield from _read_xlsx(fileobj, limit, limits)
    else:
        yield from _read_csv(fileobj, info.encoding, limit, limits)


def _scan_xlsx(fileobj, limits: Limits) -> None:
    try:
        scan_workbook(fileobj, max_cell_chars=limits.max_cell_chars,
                      max_uncompressed_bytes=limits.max_uncompressed_bytes)
    except ScanRefused as exc:
        if exc.reason == "cell_too_long":
            raise _cell_too_long(limits, cell=exc.cell, row=exc.row) from exc
        if exc.reason == "too_large":
            raise ValidationError(_EXPANDS_TOO_MUCH % {"mb": limits.max_uncompressed_bytes // (1024 * 1024)}) from exc
        raise ValidationError(_UNREADABLE) from exc


def _read_xlsx(fileobj, limit: int, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    import openpyxl
    from openpyxl.utils import get_column_letter

    _scan_xlsx(fileobj, limits)  # before openpyxl holds any string of the file in memory
    _rewind(fileobj)
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a malformed workbook
        raise ValidationError(_UNREADABLE) from exc
    try:
        if not workbook.worksheets:
            raise ValidationError(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        # The rows as written, not padded to the sheet's declared dimension (A1:XFD1048576 would make
        # every row 16,384 cells).
        sheet.reset_dimensions()
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > limit:
                    return
                cells = [cell_text(v) for v in values]
                for index, text in enumerate(cells):
                    if len(text) > limits.max_cell_chars:  # a number or date cannot be; kept as a guard
                        raise _cell_too_long(limits, cell=f"{get_column_letter(index + 1)}{number}", row=number)
                yield number, cells
        except ValidationError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise ValidationError(_UNREADABLE) from exc
    finally:
        workbook.close()


def _lines(text, limits: Limits) -> Iterator[str]:
    """The lines of ``text``, each read with a bound: a longer line is refused before it is whole."""
    longest = _LINE_CELLS * limits.max_cell_chars + 1024
    for number in itertools.count(1):
        line = text.readline(longest + 1)
        if not line:
            return
        if len(line) > longest:
            raise ValidationError(_("Line %(line)s is longer than %(max)s characters; a cell may hold at most "
                                    "%(cells)s characters.") % {"line": number, "max": longest,
                                                                "cells": limits.max_cell_chars})
        yield line


def _read_csv(fileobj, encoding: str, limit: int, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    _rewind(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    try:
        lines = _lines(text, limits)
        first = next(lines, "")
        delimiter = "\t" if "\t" in first and "," not in first else ","
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
        try:
            for number, values in enumerate(reader, start=1):
                if number > limit:
                    return
                for index, value in enumerate(values):
                    if len(value) > limits.max_cell_chars:
                        error = ValidationError(
                            _("Row %(row)s, column %(column)s holds more than %(max)s characters; a cell may hold "
                              "at most %(max)s characters. Shorten it and upload the file again.")
                            % {"row": number, "column": index + 1, "max": limits.max_cell_chars},
                            code="cell_too_long")
                        error.row = number
                        raise error
                yield number, [v.strip() for v in values]
        except csv.Error as exc:
            raise ValidationError(_("The text table could not be read: %(error)s")
                                  % {"error": excerpt(exc, 200)}) from exc
    finally:
        text.detach()

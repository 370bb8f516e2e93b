"""The shared Excel writer of every export: streamed, formula-safe, Chinese-friendly.

XlsxWriter in ``constant_memory`` mode writes row by row to a temporary file, so memory stays
flat whatever the row count; the response then streams that file. Text a spreadsheet would
read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) is always written as a
text cell, marked with Excel's quote prefix so that editing the cell cannot turn it into one.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
#: Rows looked at to size the columns before the first row is written.
WIDTH_SAMPLE_ROWS = 200
MAX_COLUMN_WIDTH = 60
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_EXCEL_MAX_STRING = 32767


class LiteralText(str):
    """Text that must be written as a text cell with a quote prefix (it looks like a formula)."""


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def safe_cell(value):
    """A value ready for a spreadsheet cell, never a formula.

    Strings are returned as ``str`` (lazy translations resolved), formula-like strings as
    ``LiteralText`` (a ``str``); aware datetimes become local naive ones; ``Decimal`` becomes
    ``float``; ``None``, numbers, booleans and dates pass through.
    """
    if value is None or isinstance(value, bool | int | float | date):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, Decimal):
        return float(value)
    text = str(value)
    if len(text) > _EXCEL_MAX_STRING:
        text = text[:_EXCEL_MAX_STRING]
    return LiteralText(text) if is_formula_like(text) else text


def display_width(value) -> int:
    """Width in Excel character units: East Asian wide characters count twice."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 18
    if isinstance(value, date):
        return 12
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def sheet_title_of(title: str) -> str:
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip("' ") or "Sheet1"
    return cleaned[:31]


class _Writer:
    def __init__(self, workbook, sheet_title: str):
        self.workbook = workbook
        self.sheet = workbook.add_worksheet(sheet_title_of(sheet_title))
        self.header = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True,
                                           "valign": "vcenter"})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT})
        self.literal = workbook.add_format({"quote_prefix": True})

    def write_row(self, row_index: int, values: Sequence) -> None:
        sheet = self.sheet
        for col, raw in enumerate(values):
            value = safe_cell(raw)
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(row_index, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(row_index, col, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(row_index, col, value, self.datetime)
            elif isinstance(value, date):
                sheet.write_datetime(row_index, col, datetime(value.year, value.month, value.day), self.date)
            elif isinstance(value, LiteralText):
                sheet.write_string(row_index, col, value, self.literal)
            elif value:
                sheet.write_string(row_index, col, value)


def write_xlsx(target, sheet_title: str, headers: Sequence, rows: Iterable[Sequence]) -> int:
    """Write one sheet (bold header row, sized columns) to ``target`` (a path or binary file); returns rows."""
    workbook = xlsxwriter.Workbook(target, {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "remove_timezone": True,
    })
    writer = _Writer(workbook, sheet_title)
    headers = [str(h) for h in headers]
    iterator = iter(rows)
    sample = []
    for row in iterator:
        sample.append(row)
        if len(sample) >= WIDTH_SAMPLE_ROWS:
            break
    widths = [display_width(h) for h in headers]
    for row in sample:
        for col, value in enumerate(row):
            width = display_width(safe_cell(value))
            if col >= len(widths):
                widths.append(width)
            elif width > widths[col]:
                widths[col] = width
    for col, width in enumerate(widths):
        writer.sheet.set_column(col, col, min(max(width + 2, 6), MAX_COLUMN_WIDTH))
    writer.sheet.freeze_panes(1, 0)
    for col, header in enumerate(headers):
        writer.sheet.write_string(0, col, header, writer.header)
    count = 0
    for row in sample:
        count += 1
        writer.write_row(count, row)
    for row in iterator:
        count += 1
        writer.write_row(count, row)
    workbook.close()
    return count


def xlsx_response(filename: str, sheet_title: str, headers: Sequence, rows_iterable: Iterable[Sequence]):
    """A streamed .xlsx download; the temporary file is removed when the response is closed."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    try:
        write_xlsx(handle, sheet_title, headers, rows_iterable)
        handle.flush()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response

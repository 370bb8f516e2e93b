"""The one Excel writer of every export: streamed, formula-safe, Chinese-friendly, ready to print.

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


def new_workbook(target, *, in_memory: bool = False):
    """A workbook that never writes a formula, a URL or a number from text; streamed unless ``in_memory``."""
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
               "remove_timezone": True}
    options.update({"in_memory": True} if in_memory else {"constant_memory": True})
    return xlsxwriter.Workbook(target, options)


def unique_sheet_title(name: str, used: set[str]) -> str:
    """A valid sheet title not in ``used`` (which it joins): "name", "name 2", "name 3"..."""
    title = sheet_title_of(name)
    suffix = 2
    while title in used:
        title = sheet_title_of(f"{str(name)[:27]} {suffix}")
        suffix += 1
    used.add(title)
    return title


class SheetWriter:
    """One worksheet written row by row: title lines, a bold header row, dates as dates, no formulas,
    and the print set-up a reviewer at the level above expects (A4 landscape, one page wide, the header
    row repeated on every page, "page N of M" in the footer).

    ``columns``: headers, or (header, width) pairs for fixed widths; without widths the columns are sized
    from ``sample`` (the first rows, written first by the caller). ``wrap`` wraps long text (measures,
    progress) and aligns cells to the top.
    """

    def __init__(self, workbook, title: str, columns: Sequence, *, title_lines: Sequence[str] = (),
                 wrap: bool = False, sample: Sequence[Sequence] = (), landscape: bool = True,
                 sheet_title: str | None = None):
        self.workbook = workbook
        self.sheet = workbook.add_worksheet(sheet_title or sheet_title_of(title))
        top = {"valign": "top"} if wrap else {}
        self.header_format = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True,
                                                  "valign": "vcenter", **({"align": "center"} if wrap else {})})
        self.text = workbook.add_format({"text_wrap": True, **top}) if wrap else None
        self.literal = workbook.add_format({"quote_prefix": True, **({"text_wrap": True} if wrap else {}), **top})
        self.date = workbook.add_format({"num_format": DATE_FORMAT, **top})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT, **top})
        self.number = workbook.add_format(top) if wrap else None
        headers = [str(c[0]) if isinstance(c, tuple | list) else str(c) for c in columns]
        widths = [c[1] for c in columns] if columns and all(isinstance(c, tuple | list) for c in columns) else \
            _sampled_widths(headers, sample)
        for col, width in enumerate(widths):
            self.sheet.set_column(col, col, width)
        bold = workbook.add_format({"bold": True, "font_size": 14}) if title_lines else None
        for row, line in enumerate(title_lines):
            self.sheet.write_string(row, 0, safe_cell(line) or "", bold if row == 0 else None)
        self.header_row = len(title_lines) + (1 if title_lines else 0)
        for col, header in enumerate(headers):
            self.sheet.write_string(self.header_row, col, header, self.header_format)
        self.sheet.freeze_panes(self.header_row + 1, 0)
        self._print_setup(landscape)
        self.row_index = self.header_row

    def _print_setup(self, landscape: bool) -> None:
        sheet = self.sheet
        if landscape:
            sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        sheet.fit_to_pages(1, 0)  # one page wide, as many pages long as needed
        sheet.repeat_rows(self.header_row)
        sheet.set_footer("&C&P / &N")

    def write(self, values: Sequence) -> None:
        self.row_index += 1
        sheet, row = self.sheet, self.row_index
        for col, raw in enumerate(values):
            value = safe_cell(raw)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(row, col, value, self.number)
            elif isinstance(value, int | float):
                sheet.write_number(row, col, value, self.number)
            elif isinstance(value, datetime):
                sheet.write_datetime(row, col, value, self.datetime)
            elif isinstance(value, date):
                sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), self.date)
            elif isinstance(value, LiteralText):
                sheet.write_string(row, col, value, self.literal)
            else:
                sheet.write_string(row, col, value, self.text)


def _sampled_widths(headers: Sequence[str], sample: Sequence[Sequence]) -> list[int]:
    widths = [display_width(h) for h in headers]
    for row in sample:
        for col, value in enumerate(row):
            width = display_width(safe_cell(value))
            if col >= len(widths):
                widths.append(width)
            elif width > widths[col]:
                widths[col] = width
    return [min(max(width + 2, 6), MAX_COLUMN_WIDTH) for width in widths]


def write_xlsx(target, sheet_title: str, headers: Sequence, rows: Iterable[Sequence], *,
               title_lines: Sequence[str] = ()) -> int:
    """Write one sheet (bold header row, columns sized from the first rows) to ``target``; returns rows."""
    workbook = new_workbook(target)
    iterator = iter(rows)
    sample = []
    for row in iterator:
        sample.append(row)
        if len(sample) >= WIDTH_SAMPLE_ROWS:
            break
    writer = SheetWriter(workbook, sheet_title, [str(h) for h in headers], sample=sample, title_lines=title_lines)
    count = 0
    for row in sample:
        writer.write(row)
        count += 1
    for row in iterator:
        writer.write(row)
        count += 1
    workbook.close()
    return count


def file_response(filename: str, write) -> FileResponse:
    """Run ``write(handle)`` into a temporary file and stream it; the file is removed when the response closes."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    try:
        write(handle)
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


def xlsx_response(filename: str, sheet_title: str, headers: Sequence, rows_iterable: Iterable[Sequence], *,
                  title_lines: Sequence[str] = ()):
    """A streamed one-sheet .xlsx download; the temporary file is removed when the response is closed."""
    return file_response(filename, lambda handle: write_xlsx(handle, sheet_title, headers, rows_iterable,
                                                             title_lines=title_lines))

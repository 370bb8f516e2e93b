"""Reading the portal's exported sheets in tests: the table under the letterhead (organizations.exports.excel).

An export opens with its letterhead (title, 制表单位 / 制表日期 / 数据截至 lines, notes), then the header row that
repeats on every printed page (the sheet's print titles), then the data. Import templates have no letterhead.
"""

from __future__ import annotations

import re


def header_index(sheet, rows: list[tuple] | None = None) -> int:
    """The 0-based index of the header row: the print titles' row, or (a read-only sheet, which does not read
    them) the first row filled across, as the letterhead's lines hold one or two cells."""
    titles = getattr(sheet, "print_title_rows", None)
    if titles:
        return int(re.match(r"\$?(\d+)", titles)[1]) - 1
    rows = rows if rows is not None else [tuple(r) for r in sheet.iter_rows(max_row=12, values_only=True)]
    width = max((len(r) for r in rows[:12]), default=0)
    return next((i for i, r in enumerate(rows[:12]) if sum(v not in (None, "") for v in r) > min(2, width - 1)), 0)


def table(sheet) -> tuple[tuple, list[tuple]]:
    """(header row, data rows) of an exported sheet."""
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    at = header_index(sheet, rows)
    return rows[at], rows[at + 1:]


def first_data_row(sheet) -> int:
    """The 1-based row number of the first data row (for ``sheet.cell(row=...)``)."""
    return header_index(sheet) + 2


def rows_from(body: bytes) -> list[tuple]:
    """The header row and the data rows of the first sheet of an exported workbook's bytes."""
    import io

    import openpyxl

    header, rows = table(openpyxl.load_workbook(io.BytesIO(body)).worksheets[0])
    return [header, *rows]

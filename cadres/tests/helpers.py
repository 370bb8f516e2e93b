"""Test helpers of the cadres area: valid ID numbers and a workbook of rows."""

from __future__ import annotations

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from cadres.identity import id_check_char

_sequence = itertools.count(500)


def make_id(born: str = "19800101", *, male: bool = True, area: str = "350322") -> str:
    """A valid ID number (correct check digit), unique within the test run."""
    n = next(_sequence) % 1000
    n = n - n % 2 + (1 if male else 0)
    first17 = f"{area}{born}{n:03d}"
    return first17 + id_check_char(first17)


def bad_checksum(id_number: str) -> str:
    wrong = next(c for c in "0123456789X" if c != id_number[-1])
    return id_number[:-1] + wrong


def workbook(headers, rows, name="名册.xlsx") -> SimpleUploadedFile:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def xlsx_rows(response) -> list[list]:
    import openpyxl

    body = b"".join(response.streaming_content) if response.streaming else response.content
    from tests.workbooks import header_index

    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    return rows[header_index(book.worksheets[0], rows):]  # from the header row, under an export's letterhead

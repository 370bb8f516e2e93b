"""The one import pipeline of every table upload: file checks, limits, header mapping, row errors, result.

parse (``read_upload_table``: size, type by content, zip checks, row cap, header row mapped to keys)
→ validate every row (the caller, recording ``result.error(row, column, message)``)
→ write all rows in one transaction, or nothing when any row is wrong (the caller's service).

Limits come from one setting, ``IMPORT_LIMITS`` (per kind of table: bytes, data rows, characters of a cell,
uncompressed bytes, compression ratio; ``limits.import_limits``). A message quoting a value from the file
quotes ``excerpt(value)`` (at most 50 characters); an ImportResult keeps at most ``MAX_STORED_ERRORS``
errors of at most ``MAX_MESSAGE_CHARS`` characters each.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .files import read_table, sniff
from .limits import MAX_STORED_ERRORS, Limits, bounded_message, excerpt, import_limits

__all__ = ["ImportResult", "Limits", "Table", "bounded_errors", "check_upload_size", "excerpt", "import_limits",
           "norm", "read_upload_table"]


def bounded_errors(errors: list[dict]) -> list[dict]:
    """``errors`` as stored on a job: at most MAX_STORED_ERRORS (then a count of the rest), short texts."""
    kept = [{"row": e.get("row"), "column": excerpt(e.get("column") or "", 100),
             "message": bounded_message(e.get("message", ""))} for e in errors[:MAX_STORED_ERRORS]]
    if len(errors) > MAX_STORED_ERRORS:
        kept.append({"row": None, "column": "", "message": _("…and %(count)s more errors.") % {
            "count": len(errors) - MAX_STORED_ERRORS}})
    return kept


@dataclass
class ImportResult:
    """What an import did: row-level errors (nothing written), or what it created and counted."""

    errors: list[dict] = field(default_factory=list)
    created: list = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    #: errors past MAX_STORED_ERRORS, counted in the last entry instead of kept
    dropped: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int | None, column: str, message) -> None:
        if len(self.errors) >= MAX_STORED_ERRORS:
            self.dropped += 1
            more = {"row": None, "column": "", "message": _("…and %(count)s more errors.") % {"count": self.dropped}}
            if self.dropped == 1:
                self.errors.append(more)
            else:
                self.errors[-1] = more
            return
        self.errors.append({"row": row, "column": excerpt(column, 100), "message": bounded_message(message)})

    @classmethod
    def failed(cls, message, *, row: int | None = None, column: str = "") -> ImportResult:
        result = cls()
        result.error(row, column, message)
        return result


def norm(text) -> str:
    """A cell as compared: NFKC (full-width digits and letters as ASCII), trimmed."""
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def check_upload_size(upload, limits: Limits) -> None:
    size = getattr(upload, "size", None)
    if size is not None and size > limits.max_bytes:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limits.max_bytes // (1024 * 1024)})


@dataclass
class Table:
    """A table read from an upload: the column of each known key, and the non-blank data rows."""

    positions: dict[str, int]
    data: list[tuple[int, list[str]]]  # (row number in the file, cells)

    def reader(self, cells) -> Callable[[str], str]:
        """``reader(cells)("name")``: the normalised cell of that column in this row ("" when absent)."""

        def cell(key):
            i = self.positions.get(key)
            return norm(cells[i]) if i is not None and i < len(cells) else ""

        return cell


#: Rows above the header row an uploaded table may have (an exported workbook's letterhead and notes).
LETTERHEAD_ROWS = 5


def _positions(cells, header_key) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, header in enumerate(cells):
        key = header_key(header)
        if key and key not in positions:
            positions[key] = index
    return positions


def _missing(cells, header_key, required) -> bool:
    positions = _positions(cells, header_key)
    return any(key not in positions for key, _label in required)


def read_upload_table(upload, *, kind: str, header_key: Callable[[str], str | None],
                      required: Iterable[tuple[str, str]], result: ImportResult) -> Table | None:
    """Read ``upload`` within ``kind``'s limits and map its header row to keys.

    ``header_key(header)`` gives a header's key (None for a column the import ignores); ``required`` are
    (key, header shown in the message) pairs. A file-level problem (empty, missing columns, too many
    rows, no data) is recorded in ``result`` and None returned. A file too large or unreadable raises
    ValidationError.
    """
    limits = import_limits(kind)
    check_upload_size(upload, limits)
    info = sniff(upload, limits)
    table = list(read_table(upload, info, max_rows=limits.max_rows + LETTERHEAD_ROWS, limits=limits))
    if not table:
        result.error(None, "", _("The file is empty."))
        return None
    required = list(required)
    # A workbook exported by the portal opens with its letterhead (title, unit and date lines): the header row
    # is the first of the leading rows that names every required column.
    header_at = next((i for i, (_n, cells) in enumerate(table[:LETTERHEAD_ROWS + 1])
                      if not _missing(cells, header_key, required)), 0)
    positions = _positions(table[header_at][1], header_key)
    missing = [label for key, label in required if key not in positions]
    if missing:
        result.error(1, "", _("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
        return None
    data = [(n, cells) for n, cells in table[header_at + 1:] if any(c.strip() for c in cells)]
    if len(data) > limits.max_rows:
        result.error(None, "", _("The file has more than %(max)s rows; split it into smaller files.")
                     % {"max": limits.max_rows})
        return None
    if not data:
        result.error(None, "", _("The file has no data rows."))
        return None
    result.rows = len(data)
    return Table(positions=positions, data=data)

"""Reading an uploaded roster-like table: size and row caps, header mapping, row-level errors (shared by the
roster and the reserve-pool imports)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from organizations.imports.files import read_table, sniff

from .person_columns import header_key, norm

MAX_ROWS = 3000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class ImportResult:
    errors: list[dict] = field(default_factory=list)
    created: list = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row, column, message) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})


@dataclass
class Table:
    positions: dict[str, int]
    data: list[tuple[int, list[str]]]  # (row number in the file, cells)

    def reader(self, cells):
        """``reader(cells)("name")``: the normalised cell of that column in this row ("" when absent)."""
        def cell(key):
            i = self.positions.get(key)
            return norm(cells[i]) if i is not None and i < len(cells) else ""
        return cell


def read_person_table(upload, *, headers: dict[str, tuple[str, ...]], required, result: ImportResult) -> Table | None:
    """Read ``upload`` and map its header row; on a file-level problem record it in ``result`` and return None.

    Raises ValidationError for a file that is too large or unreadable.
    """
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    info = sniff(upload)
    table = list(read_table(upload, info, max_rows=MAX_ROWS))
    if not table:
        result.error(None, "", _("The file is empty."))
        return None
    positions: dict[str, int] = {}
    for index, header in enumerate(table[0][1]):
        key = header_key(header, headers)
        if key and key not in positions:
            positions[key] = index
    missing = [headers[k][0] for k in required if k not in positions]
    if missing:
        result.error(1, "", _("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
        return None
    data = [(n, cells) for n, cells in table[1:] if any(c.strip() for c in cells)]
    if len(data) > MAX_ROWS:
        result.error(None, "", _("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
        return None
    if not data:
        result.error(None, "", _("The file has no data rows."))
        return None
    result.rows = len(data)
    return Table(positions=positions, data=data)

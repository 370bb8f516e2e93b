"""The one Excel writer of every export: streamed, formula-safe, Chinese-friendly, ready to print.

XlsxWriter in ``constant_memory`` mode writes row by row to a temporary file, so memory stays
flat whatever the row count; the response then streams that file. Text a spreadsheet would
read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) is always written as a
text cell, marked with Excel's quote prefix so that editing the cell cannot turn it into one.

Every sheet an export writes opens with its ``Letterhead``, as officials print a table for the level
above: the title (whose, what, for which period) centred over the table, then the line 制表单位 ·
制表日期 · 数据截至, then the header row. It prints on A4 (landscape unless told) one page wide, or, when
the table is too wide to read at one page (below ``MIN_PRINT_SCALE``), a few pages wide with the
identifying columns repeated on each; the header row repeats on every page and the footer numbers the
pages (第 1 页 共 3 页).
"""

from __future__ import annotations

import functools
import math
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..dates import official_date

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
#: Rows looked at to size the columns before the first row is written.
WIDTH_SAMPLE_ROWS = 200
#: Sampled columns are no wider; longer text wraps (the row grows).
MAX_COLUMN_WIDTH = 40
#: Column width units (Excel characters) one A4 page holds at 100 %: landscape and portrait, margins taken off.
PAGE_WIDTH_UNITS = {True: 145, False: 100}
#: Below this print scale (per cent) a table is printed a few pages wide rather than one page wide.
MIN_PRINT_SCALE = 55
#: Height of one line of 11-point text (points), for rows whose wrapped text Excel would not size itself.
LINE_HEIGHT = 14.5
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_EXCEL_MAX_STRING = 32767
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


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
    if text.isascii():
        return len(text)
    # The wide characters of the Basic Multilingual Plane removed in one regular-expression pass (C speed: the
    # rows of a 10,000-row export hold millions of characters, a Python loop over them cost seconds); the rare
    # characters beyond it looked up one by one.
    width = 2 * len(text) - len(_wide_bmp_characters().sub("", text))
    if _BEYOND_BMP.search(text):
        width += sum(1 for ch in text if ch > "\uffff" and unicodedata.east_asian_width(ch) in ("W", "F"))
    return width


@functools.cache
def _wide_bmp_characters() -> re.Pattern:
    """A character class of the BMP's code points ``unicodedata`` calls East Asian wide or fullwidth."""
    ranges, start = [], None
    for code in range(0x10000 + 1):
        wide = code < 0x10000 and unicodedata.east_asian_width(chr(code)) in ("W", "F")
        if wide and start is None:
            start = code
        elif not wide and start is not None:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    return re.compile(f"[{''.join(ranges)}]+")


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


@dataclass(frozen=True)
class Letterhead:
    """The lines above a printed table: what it is, whose, for which period; who made it, when, as of when.

    ``as_of`` is the moment the data were read (a snapshot's freeze time; ``None``: now), ``made_on`` the
    day the workbook is made (``None``: today); ``notes`` are further lines under the unit line.
    """

    subject: str
    whose: str = ""
    period: str = ""
    unit: str = ""
    as_of: datetime | date | None = None
    made_on: date | None = None
    notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        title = _("%(whose)s %(subject)s") % {"whose": self.whose, "subject": self.subject} if self.whose \
            else str(self.subject)
        return _("%(title)s (%(period)s)") % {"title": title, "period": self.period} if self.period else title

    def unit_line(self) -> str:
        return _("Prepared by: %(unit)s") % {"unit": self.unit} if self.unit else ""

    def dates_line(self) -> str:
        made_on = self.made_on or timezone.localdate()
        return _("Prepared on: %(made_on)s    Data as of: %(as_of)s") % {
            "made_on": official_date(made_on), "as_of": official_moment(self.as_of or timezone.now())}

    def with_notes(self, *notes: str) -> Letterhead:
        return Letterhead(self.subject, self.whose, self.period, self.unit, self.as_of, self.made_on,
                          (*self.notes, *notes))


def official_moment(moment: datetime | date) -> str:
    """``2026年3月1日 14:05`` for a moment (local time), ``2026年3月1日`` for a day."""
    if isinstance(moment, datetime):
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        return f"{official_date(local.date())} {local:%H:%M}"
    return official_date(moment)


def year_period(first: int | None, last: int | None = None) -> str:
    """The period of a yearly table: 2026年度, or 2025—2026年度 over several years."""
    if not first:
        return ""
    if last and last != first:
        return _("Years %(first)s–%(last)s") % {"first": first, "last": last}
    return _("Year %(year)s") % {"year": first}


def issuing_unit(division) -> str:
    """The unit that makes a table for ``division``: 仙游县委组织部, 林安镇党委, 鲤城街道党工委, or the village's."""
    if division is None:
        return ""
    name = division.name
    if division.level in ("province", "city", "county"):
        return f"{name}委组织部"
    if division.level == "township":
        return f"{name}党工委" if name.endswith("街道") else f"{name}党委"
    return f"{name}党组织"


def user_division(user):
    """The widest division the user holds a role on (the county of an object assignment otherwise), or None."""
    from ..models import Division, Organization
    from ..roles import LEVEL_ORDER
    from ..scoping import grants_for

    if user is None or not getattr(user, "is_authenticated", False):
        return None
    grants = grants_for(user)
    if grants.divisions:
        _role, division_id, _level = min(grants.divisions, key=lambda g: (LEVEL_ORDER.index(g[2]), g[1]))
        return Division.objects.filter(pk=division_id).first()
    if grants.organizations:
        county_id = Organization.objects.filter(pk=grants.organizations[0][1]).values_list("county_id", flat=True)
        return Division.objects.filter(pk__in=county_id).first()
    return None


def letterhead_for(user, subject: str, *, whose: str | None = None, period: str = "",
                   as_of: datetime | date | None = None, notes: Sequence[str] = ()) -> Letterhead:
    """The letterhead of an export made by ``user``: whose defaults to the user's division, the unit is
    the one that makes tables there (``issuing_unit``)."""
    division = user_division(user)
    if whose is None:
        whose = division.name if division is not None else ""
    return Letterhead(subject=str(subject), whose=whose, period=period, unit=issuing_unit(division),
                      as_of=as_of, notes=tuple(str(n) for n in notes))


class SheetWriter:
    """One worksheet written row by row: the letterhead, a bold header row, dates as dates, no formulas,
    and the print set-up a reviewer at the level above expects (A4, landscape unless told, one page wide
    or a few with the identifying columns repeated, the header row repeated on every page, "第 N 页 共 M 页"
    in the footer).

    ``columns``: headers, or (header, width) pairs for fixed widths; without widths the columns are sized
    from ``sample`` (the first rows, written first by the caller). ``wrap`` wraps long text (measures,
    progress) and aligns cells to the top. ``key_columns``: the leading columns that identify a row,
    repeated on each page when the table prints more than one page wide.
    """

    def __init__(self, workbook, title: str, columns: Sequence, *, letterhead: Letterhead | None = None,
                 title_lines: Sequence[str] = (), wrap: bool = False, sample: Sequence[Sequence] = (),
                 landscape: bool = True, sheet_title: str | None = None, key_columns: int = 1):
        self.workbook = workbook
        self.sheet = workbook.add_worksheet(sheet_title or sheet_title_of(title))
        top = {"valign": "top"} if wrap else {}
        self.header_format = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True,
                                                  "valign": "vcenter", "align": "center"})
        top = {**top, "border": 1}  # a printed table has its grid
        self.wrap = wrap
        self.text = workbook.add_format({"text_wrap": True, **top} if wrap else top)
        self.literal = workbook.add_format({"quote_prefix": True, **({"text_wrap": True} if wrap else {}), **top})
        self.date = workbook.add_format({"num_format": DATE_FORMAT, **top})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT, **top})
        self.number = workbook.add_format(top)
        headers = [str(c[0]) if isinstance(c, tuple | list) else str(c) for c in columns]
        widths = [c[1] for c in columns] if columns and all(isinstance(c, tuple | list) for c in columns) else \
            _sampled_widths(headers, sample)
        for col, width in enumerate(widths):
            self.sheet.set_column(col, col, width)
        self.widths = widths
        self.pages_wide = pages_wide(widths, landscape, key_columns)
        # On a table a few pages wide the key columns repeat on every page, with whatever rows 1-2 hold in them:
        # the title and the notes start after them (page 1 only), the unit line repeats (the same on each page).
        first = key_columns if self.pages_wide > 1 and key_columns < len(widths) - 1 else 0
        row = self._write_letterhead(letterhead, widths[:first_page_columns(widths, self.pages_wide, key_columns)],
                                     first) if letterhead else self._write_title_lines(title_lines)
        self.header_row = row
        header_lines = [text_lines(h, w) for h, w in zip(headers, widths, strict=False)]
        self.sheet.set_row(row, LINE_HEIGHT * max(header_lines or [1]) + 4)
        for col, header in enumerate(headers):
            self.sheet.write_string(row, col, header, self.header_format)
        self.sheet.freeze_panes(self.header_row + 1, 0)
        self._print_setup(landscape, key_columns)
        self.row_index = self.header_row
        self._rows = RowXml(self) if getattr(self.sheet, "constant_memory", False) else None

    def _write_title_lines(self, title_lines: Sequence[str]) -> int:
        bold = self.workbook.add_format({"bold": True, "font_size": 14}) if title_lines else None
        for row, line in enumerate(title_lines):
            self.sheet.write_string(row, 0, safe_cell(line) or "", bold if row == 0 else None)
        return len(title_lines) + (1 if title_lines else 0)

    def _write_letterhead(self, letterhead: Letterhead, widths: Sequence[int], first: int = 0) -> int:
        """Title centred over the table (``widths``: the columns of its first printed page; from column ``first``),
        then 制表单位 (left) and 制表日期 · 数据截至 (right), then the notes (from column ``first``)."""
        sheet, last = self.sheet, max(len(widths) - 1, 0)
        first = first if first < last else 0
        title_format = self.workbook.add_format({"bold": True, "font_size": 16, "align": "center",
                                                 "valign": "vcenter", "text_wrap": True})
        left = self.workbook.add_format({"align": "left", "valign": "vcenter"})
        right = self.workbook.add_format({"align": "right", "valign": "vcenter"})
        note = self.workbook.add_format({"align": "left", "valign": "top", "text_wrap": True})
        total = sum(widths) or 10
        title = safe_cell(letterhead.title) or ""
        sheet.set_row(0, 24 * text_lines(title, sum(widths[first:]) or total, per_char=16 / 11) + 8)
        self._merged(0, last, title, title_format, first_col=first)
        # 制表单位 at the left, the dates at the right of the same line (each text runs over the empty cells
        # beside it); on two lines when the table is too narrow for both.
        unit, dates = safe_cell(letterhead.unit_line()), safe_cell(letterhead.dates_line())
        row = 1
        if unit and not _fit_side_by_side(widths, display_width(unit) + 2, display_width(dates) + 2):
            sheet.set_row(row, LINE_HEIGHT + 5)
            sheet.write_string(row, 0, unit, left)
            unit, row = "", row + 1
        sheet.set_row(row, LINE_HEIGHT + 5)
        if unit:
            sheet.write_string(row, 0, unit, left)
        sheet.write_string(row, last if unit else 0, dates, right if unit else left)
        row += 1
        for line in letterhead.notes:
            text = safe_cell(line) or ""
            sheet.set_row(row, LINE_HEIGHT * text_lines(text, sum(widths[first:]) or total) + 2)
            self._merged(row, last, text, note, first_col=first)
            row += 1
        return row

    def _merged(self, row: int, last_col: int, text, cell_format, *, first_col: int = 0) -> None:
        if last_col > first_col:
            self.sheet.merge_range(row, first_col, row, last_col, "", cell_format)
        self.sheet.write_string(row, first_col, text or "", cell_format)

    def _print_setup(self, landscape: bool, key_columns: int) -> None:
        sheet = self.sheet
        if landscape:
            sheet.set_landscape()
        else:
            sheet.set_portrait()
        sheet.set_paper(9)  # A4
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        sheet.fit_to_pages(self.pages_wide, 0)  # as many pages long as needed
        sheet.repeat_rows(self.header_row)
        if self.pages_wide > 1:
            sheet.repeat_columns(0, key_columns - 1)
            sheet.print_across()  # the pages of the same rows follow each other
        sheet.set_footer("&C" + _("Page &P of &N"))

    def write(self, values: Sequence) -> None:
        self.row_index += 1
        row = self.row_index
        if self._rows is not None and self._rows.write(row, values):
            return
        height = self.height_of(values)
        if height is not None:
            self.sheet.set_row(row, height)
        self.write_cells(row, values)

    def height_of(self, values: Sequence) -> float | None:
        """Wrapped text: the row as high as its tallest cell (LibreOffice does not size it when printing); None:
        the default height."""
        if not self.wrap:
            return None
        candidates = [(tallest_lines(value, width), value, width)
                      for value, width in zip(values, self.widths, strict=False)
                      if isinstance(value, str) and value and (2 * len(value) >= width - 1 or "\n" in value)]
        return row_height(candidates)

    def write_cells(self, row: int, values: Sequence) -> None:
        """The row cell by cell through XlsxWriter (``RowXml`` writes the same XML at once when it can)."""
        sheet = self.sheet
        for col, raw in enumerate(values):
            value = safe_cell(raw)
            if value is None or value == "":
                sheet.write_blank(row, col, None, self.number)
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


class RowXml:
    """A data row of a streamed (``constant_memory``) sheet written as one piece of XML: the XML XlsxWriter writes
    for the same cells (the ``<row>`` with its height, then each cell with its reference, format and value), built
    without XlsxWriter's per-cell work, which was most of the time of a large export.

    Only the usual values take this path: text needing no XML escaping, finite numbers, booleans, dates and
    times, blanks. A row holding anything else (``&``, ``<``, control characters, very long text, another
    type) is written cell by cell by XlsxWriter as before. organizations/tests/test_exports.py holds the XML of
    both paths equal, byte for byte, for every kind of value."""

    #: What XlsxWriter would escape or rewrite in text: XML specials (``&<>``, looked for as substrings), control
    #: characters and the non-characters U+FFFE/U+FFFF (one character class: a fast scan), its own ``_xHHHH_``
    #: escapes (only where ``_x`` occurs).
    CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
    X_ESCAPE = re.compile("_x[0-9a-fA-F]{4}_")

    @classmethod
    def needs_escape(cls, text: str) -> bool:
        return ("&" in text or "<" in text or ">" in text or cls.CONTROL.search(text) is not None
                or ("_x" in text and cls.X_ESCAPE.search(text) is not None))
    #: Longer texts go cell by cell (XlsxWriter counts their UTF-16 units and cuts them at its limit).
    MAX_DIRECT_TEXT = 16383

    def __init__(self, writer: SheetWriter):
        from xlsxwriter.utility import xl_col_to_name

        self.writer = writer
        self.sheet = writer.sheet
        self._col_name = xl_col_to_name
        self.columns: list[str] = []  # '<c r="A', '<c r="B', ...
        self.styles: dict[str, str] = {}  # "text" -> ' s="N"' (the writer's formats)
        # Wrapped text: rows as tall as their tallest cell; a column's width less one is what a line holds.
        self.widths = writer.widths if writer.wrap else []
        self.usable = [max(width - 1, 1) for width in self.widths]
        self.serials: dict = {}  # date or datetime -> its serial number's text

    def _style(self, name: str) -> str:
        # Each format's index taken on its first use, as XlsxWriter does when it writes a cell (the same order).
        style = self.styles[name] = f' s="{getattr(self.writer, name)._get_xf_index()}"'
        return style

    def _serial(self, value) -> str:
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        serial = self.serials[value] = f"{self.sheet._convert_date_time(moment):.16G}"
        return serial

    def write(self, row: int, values: Sequence) -> bool:
        """Write the row at once; False (nothing written) when a cell needs XlsxWriter's own handling."""
        sheet = self.sheet
        count = len(values)
        if not count or row < sheet.previous_row:
            return False
        if row > sheet.previous_row:
            # XlsxWriter's pending row (the header) goes first, its formats numbered before this row's; this row
            # is then the current one (written here, or cell by cell by XlsxWriter).
            sheet._write_single_row(row)
        columns, styles, serials, usable = self.columns, self.styles, self.serials, self.usable
        while len(columns) < count:
            columns.append(f'<c r="{self._col_name(len(columns))}')
        wrapped = len(usable)
        number = f'{row + 1}"'
        blank = styles.get("number")
        cells = []
        texts = []
        tall = []  # wrapped cells that may take more than one line: (most lines, text, width)
        for col, raw in enumerate(values):
            kind = type(raw)
            if kind is str:
                value = raw
            elif raw is None:
                cells.append(f'{columns[col]}{number}{blank or self._style("number")}/>')
                blank = styles["number"]
                continue
            elif kind is int or kind is float or kind is date:
                value = raw
            else:
                if isinstance(raw, str) and raw and col < wrapped:
                    lines = raw.count("\n") + 1 + 2 * len(raw) // usable[col]
                    if lines > 1:
                        tall.append((lines, raw, self.widths[col]))
                value = safe_cell(raw)
                kind = type(value)
                if value is None:
                    cells.append(f'{columns[col]}{number}{blank or self._style("number")}/>')
                    blank = styles["number"]
                    continue
            if kind is str or kind is LiteralText or isinstance(value, str):
                if not value:
                    cells.append(f'{columns[col]}{number}{blank or self._style("number")}/>')
                    blank = styles["number"]
                    continue
                length = len(value)
                if length > self.MAX_DIRECT_TEXT:
                    return False
                if raw is value and col < wrapped:
                    # The most lines it may take (every character wide): more than one, it is measured below.
                    lines = value.count("\n") + 1 + 2 * length // usable[col]
                    if lines > 1:
                        tall.append((lines, value, self.widths[col]))
                if kind is LiteralText or value.startswith(FORMULA_TRIGGERS):
                    style = styles.get("literal") or self._style("literal")
                else:
                    style = styles.get("text") or self._style("text")
                texts.append(value)
                if value[0].isspace() or value[-1].isspace():
                    cells.append(f'{columns[col]}{number}{style} t="inlineStr"><is><t xml:space="preserve">{value}'
                                 "</t></is></c>")
                else:
                    cells.append(f'{columns[col]}{number}{style} t="inlineStr"><is><t>{value}</t></is></c>')
            elif kind is int or kind is float:
                if kind is float and not math.isfinite(value):
                    return False
                cells.append(f'{columns[col]}{number}{blank or self._style("number")}><v>{value:.16G}</v></c>')
                blank = styles["number"]
            elif kind is bool:
                cells.append(f'{columns[col]}{number}{blank or self._style("number")} t="b">'
                             f"<v>{1 if value else 0}</v></c>")
                blank = styles["number"]
            elif kind is date or kind is datetime:
                name = "date" if kind is date else "datetime"
                cells.append(f'{columns[col]}{number}{styles.get(name) or self._style(name)}>'
                             f"<v>{serials.get(value) or self._serial(value)}</v></c>")
            else:
                return False
        if texts and self.needs_escape("".join(texts)):
            return False
        sheet._check_dimensions(row, 0)
        sheet._check_dimensions(row, count - 1)
        height = row_height(tall) if tall else None
        pixels = None if height is None else int(height * 4.0 / 3.0 + 0.5)
        if pixels is not None and (pixels != sheet.original_row_height or pixels != sheet.default_row_height):
            start = f'<row r="{number} ht="{pixels * 0.75:.16g}" customHeight="1">'
        else:
            start = f'<row r="{number}>'
        sheet.fh.write(f"{start}{''.join(cells)}</row>")
        return True


def _first(item):
    return item[0]


def tallest_lines(text: str, width: int) -> int:
    """The most lines ``text`` may take in a column ``width`` wide (every character wide): a bound of ``text_lines``."""
    return text.count("\n") + 1 + 2 * len(text) // max(width - 1, 1)


def row_height(candidates: list) -> float | None:
    """The height of a row whose wrapped cells are ``candidates`` ((``tallest_lines``, text, width) each), None
    for one line. Only the tallest cell counts: cells are measured from the one that may be tallest and no
    further once none may be taller than the tallest found."""
    lines = 1
    candidates.sort(key=_first, reverse=True)
    for most, value, width in candidates:
        if most <= lines:
            break
        lines = max(lines, text_lines(value, width))
    return LINE_HEIGHT * lines + 2 if lines > 1 else None


def text_lines(text, width: int, *, per_char: float = 1.0) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` characters wide (line breaks kept)."""
    usable = max(width - 1, 1)
    text = str(text)
    if per_char == 1.0 and 2 * len(text) <= usable and "\n" not in text:
        return 1  # even all wide, it fits: most cells (names, dates, statuses)
    if per_char == 1.0:
        parts = text.split("\n")
        if 2 * max(map(len, parts)) <= usable:
            return len(parts)  # no line wraps, even all wide
        if not _BEYOND_BMP.search(text):
            # The wide characters of the whole cell removed in one pass: a line's width is twice its length less
            # what remains of it (a line break is narrow, so the lines of both texts correspond).
            lines = 0
            for part, rest in zip(parts, _wide_bmp_characters().sub("", text).split("\n"), strict=True):
                width = 2 * len(part) - len(rest)
                lines += 1 if width <= usable else -(-width // usable)
            return lines
    return sum(max(1, math.ceil(display_width(part) * per_char / usable)) for part in text.split("\n"))


def pages_wide(widths: Sequence[int], landscape: bool, key_columns: int = 1) -> int:
    """Pages across a table prints on: one, unless that would shrink it below ``MIN_PRINT_SCALE``; then as
    few as keep it readable, the ``key_columns`` repeated on each."""
    page = PAGE_WIDTH_UNITS[landscape] * 100 // MIN_PRINT_SCALE
    total = sum(widths)
    if total <= page:
        return 1
    keys = sum(widths[:key_columns])
    return math.ceil((total - keys) / max(page - keys, 1))


def _fit_side_by_side(widths: Sequence[int], left: int, right: int) -> bool:
    """Whether a text ``left`` wide from the first column and one ``right`` wide ending at the last fit apart."""
    used, col = 0, 0
    while col < len(widths) and used < left:
        used += widths[col]
        col += 1
    return 0 < col < len(widths) and sum(widths[col:]) >= right


def first_page_columns(widths: Sequence[int], pages: int, key_columns: int = 1) -> int:
    """About how many columns print on the first page when the table is ``pages`` wide (rather fewer)."""
    if pages <= 1:
        return len(widths)
    share = 0.85 * (sum(widths) + (pages - 1) * sum(widths[:key_columns])) / pages  # pages break where they fit
    count, used = 0, 0
    while count < len(widths) and used + widths[count] <= share:
        used += widths[count]
        count += 1
    return max(count, 1)


#: Lines a header may wrap onto (the header row grows to fit) before it widens its column.
HEADER_LINES = 3


def _header_width(header: str) -> int:
    """The width a header needs when wrapped onto up to ``HEADER_LINES`` lines (its longest word at least)."""
    words = [display_width(word) for word in str(header).split()] or [0]
    return max(math.ceil(display_width(header) / HEADER_LINES), max(words) if " " in str(header) else 0, 4)


def _sampled_widths(headers: Sequence[str], sample: Sequence[Sequence]) -> list[int]:
    widths = [_header_width(h) for h in headers]
    for row in sample:
        for col, value in enumerate(row):
            width = display_width(safe_cell(value))
            if col >= len(widths):
                widths.append(width)
            elif width > widths[col]:
                widths[col] = width
    return [min(max(width + 2, 6), MAX_COLUMN_WIDTH) for width in widths]


def write_xlsx(target, sheet_title: str, headers: Sequence, rows: Iterable[Sequence], *,
               title_lines: Sequence[str] = (), letterhead: Letterhead | None = None, key_columns: int = 1) -> int:
    """Write one sheet (bold header row, columns sized from the first rows) to ``target``; returns rows."""
    workbook = new_workbook(target)
    iterator = iter(rows)
    sample = []
    for row in iterator:
        sample.append(row)
        if len(sample) >= WIDTH_SAMPLE_ROWS:
            break
    writer = SheetWriter(workbook, sheet_title, [str(h) for h in headers], sample=sample, title_lines=title_lines,
                         letterhead=letterhead, key_columns=key_columns, wrap=True)
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
                  title_lines: Sequence[str] = (), letterhead: Letterhead | None = None, key_columns: int = 1):
    """A streamed one-sheet .xlsx download; the temporary file is removed when the response is closed.

    Exports for people pass a ``letterhead`` (``letterhead_for``); import templates do not (their header
    is the first row)."""
    return file_response(filename, lambda handle: write_xlsx(handle, sheet_title, headers, rows_iterable,
                                                             title_lines=title_lines, letterhead=letterhead,
                                                             key_columns=key_columns))

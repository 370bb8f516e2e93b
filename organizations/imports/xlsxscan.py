"""A workbook's XML read in a stream before openpyxl sees it: no cell longer than the limit, bounded memory.

openpyxl's ``read_only`` mode streams the rows of a sheet but loads ``xl/sharedStrings.xml`` whole (each
shared string one Python string) and builds an inline string or a formula as one string: a 100 MB cell is
100 MB (and several copies) of memory before the import sees it (issue 10). So every XML part of the
package is first read from the zip in chunks and fed to expat, whose handlers only *count* the characters
of the current cell — a shared string (``<si>``, its rich-text runs included), a sheet cell (``<c>``: value,
inline string and formula) — and stop at the first one above the limit. Anywhere else (document
properties, theme, drawings...) one text node may hold up to ``MAX_OTHER_TEXT_CHARS``.
Nothing is accumulated: memory is a chunk plus expat's own buffer, which stays small because a tag, comment
or processing instruction that runs on for more than ``MAX_PENDING_BYTES`` without an event is refused.
As with defusedxml, a DTD (and so any entity declaration) is refused: OOXML parts never have one.

A shared string too long is then looked up in the sheets (a second stream) so that the message names the
cell (B1) rather than the string's index.
"""

from __future__ import annotations

import zipfile
from xml.parsers import expat

CHUNK_BYTES = 64 * 1024
#: Bytes of input without any parse event after which the part is refused (a tag or comment that long
#: is not a document's: a real start tag, namespaces and all, is a few kilobytes at most).
MAX_PENDING_BYTES = 1024 * 1024
#: Characters of one text node outside cells (a title, a text box): generous, but bounded.
MAX_OTHER_TEXT_CHARS = 1_000_000
_CONTAINERS = frozenset({"si", "c"})


class ScanRefused(Exception):
    """reason: "cell_too_long" (``cell``: its reference like "B1" when known, ``row``), "too_large" (the
    parts expand beyond the limit while read) or "damaged" (not well-formed XML, a DTD, a run-on tag, a
    text outside cells above MAX_OTHER_TEXT_CHARS)."""

    def __init__(self, reason: str, *, part: str = "", cell: str = "", row: int | None = None):
        super().__init__(reason)
        self.reason, self.part, self.cell, self.row = reason, part, cell, row


class _TooLong(Exception):
    pass


class _Found(Exception):
    pass


class _Budget:
    """Bytes still allowed to be read from the package, all parts together."""

    def __init__(self, limit: int):
        self.left = limit

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise ScanRefused("too_large")


def _forbidden(*_args):
    raise ScanRefused("damaged")


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    # Text in pieces of at most 64 KB characters (fewer calls than one per line; still bounded).
    parser.buffer_text, parser.buffer_size = True, 64 * 1024
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbidden
    parser.EntityDeclHandler = _forbidden
    parser.UnparsedEntityDeclHandler = _forbidden
    parser.ExternalEntityRefHandler = _forbidden
    return parser


def _local(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


class _Counter:
    """Counts the characters of the current cell; raises _TooLong past ``limit``."""

    def __init__(self, limit: int):
        self.limit = limit
        self.other_limit = max(limit, MAX_OTHER_TEXT_CHARS)
        self.length = 0
        self.container = ""
        self.strings = -1  # index of the current <si>
        self.ref = ""  # r of the current <c>
        self.progressed = False

    def start(self, name, attributes):
        self.progressed = True
        local = _local(name)
        if local in _CONTAINERS:
            self.container, self.length = local, 0
            if local == "si":
                self.strings += 1
            else:
                self.ref = attributes.get("r", "")
        elif not self.container:
            self.length = 0

    def end(self, name):
        self.progressed = True
        if not self.container or _local(name) == self.container:
            self.container, self.length = "", 0

    def text(self, data):
        self.progressed = True
        self.length += len(data)
        if self.length > (self.limit if self.container else self.other_limit):
            raise _TooLong

    def other(self, *_args):
        self.progressed = True


def _feed(archive: zipfile.ZipFile, name: str, parser, handler, budget: _Budget) -> None:
    """Stream part ``name`` through ``parser``; ScanRefused when damaged, run on or too large."""
    try:
        with archive.open(name) as stream:
            stalled = 0
            while True:
                chunk = stream.read(CHUNK_BYTES)
                budget.take(len(chunk))
                handler.progressed = False
                parser.Parse(chunk, not chunk)
                if not chunk:
                    return
                stalled = 0 if handler.progressed else stalled + len(chunk)
                if stalled > MAX_PENDING_BYTES:
                    raise ScanRefused("damaged", part=name)
    except expat.ExpatError as exc:
        raise ScanRefused("damaged", part=name) from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise ScanRefused("damaged", part=name) from exc


def _row_of(ref: str) -> int | None:
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$").lstrip("$")
    return int(digits) if digits.isdigit() and len(digits) < 8 else None


def _xml_parts(archive: zipfile.ZipFile) -> list[str]:
    return [info.filename for info in archive.infolist()
            if not info.is_dir() and info.filename.lower().endswith((".xml", ".rels"))]


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def scan_workbook(fileobj, *, max_cell_chars: int, max_uncompressed_bytes: int) -> None:
    """Refuse (ScanRefused) a workbook with a cell above ``max_cell_chars`` characters, XML that is not
    well-formed or carries a DTD, or parts above ``max_uncompressed_bytes`` in all. Rewinds the file."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ScanRefused("damaged") from exc
    budget = _Budget(max_uncompressed_bytes)
    with archive:
        for name in _xml_parts(archive):
            counter = _Counter(max_cell_chars)
            parser = _parser()
            parser.StartElementHandler = counter.start
            parser.EndElementHandler = counter.end
            parser.CharacterDataHandler = counter.text
            parser.CommentHandler = parser.ProcessingInstructionHandler = counter.other
            parser.StartCdataSectionHandler = parser.EndCdataSectionHandler = counter.other
            try:
                _feed(archive, name, parser, counter, budget)
            except _TooLong:
                if counter.container == "c" and counter.ref:
                    raise ScanRefused("cell_too_long", part=name, cell=counter.ref,
                                      row=_row_of(counter.ref)) from None
                if counter.container == "si":
                    cell = _cell_of_string(archive, counter.strings, max_cell_chars, max_uncompressed_bytes)
                    raise ScanRefused("cell_too_long", part=name, cell=cell, row=_row_of(cell)) from None
                raise ScanRefused("damaged", part=name) from None
    fileobj.seek(0)


class _Finder:
    """Finds the first sheet cell holding shared string ``index`` (``<c t="s"><v>index</v></c>``)."""

    def __init__(self, index: int):
        self.wanted = str(index)
        self.ref = ""
        self.shared = False
        self.in_value = False
        self.value = ""
        self.progressed = False

    def start(self, name, attributes):
        self.progressed = True
        local = _local(name)
        if local == "c":
            self.ref, self.shared = attributes.get("r", ""), attributes.get("t") == "s"
        elif local == "v" and self.shared:
            self.in_value, self.value = True, ""

    def end(self, name):
        self.progressed = True
        if self.in_value and _local(name) == "v":
            self.in_value = False
            if self.value.strip() == self.wanted:
                raise _Found

    def text(self, data):
        self.progressed = True
        if self.in_value and len(self.value) < 32:
            self.value += data[:32]


def _cell_of_string(archive, index: int, max_cell_chars: int, max_uncompressed_bytes: int) -> str:
    """The reference of the first cell showing shared string ``index``, or "" (not found, or damaged)."""
    budget = _Budget(max_uncompressed_bytes)
    for name in filter(_is_sheet, _xml_parts(archive)):
        finder = _Finder(index)
        parser = _parser()
        parser.StartElementHandler = finder.start
        parser.EndElementHandler = finder.end
        parser.CharacterDataHandler = finder.text
        try:
            _feed(archive, name, parser, finder, budget)
        except _Found:
            return finder.ref
        except ScanRefused:
            return ""
    return ""

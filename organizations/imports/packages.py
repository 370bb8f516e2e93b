"""Zip packages (OOXML: .xlsx, .docx, .pptx) inspected before anything parses them: one set of limits.

Both the table imports and the evidence uploads use ``open_package``: entry count, declared
uncompressed size and compression ratio are checked against the zip's directory, macros are
detected (vbaProject parts or a macro-enabled content type). Real workbooks compress 7-11 to 1;
above ``MAX_COMPRESSION_RATIO`` a file is a zip bomb, not a document. The table imports pass their own
limits (``IMPORT_LIMITS``: max_uncompressed_bytes, max_compression_ratio); evidence uploads use these.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

MAX_ZIP_ENTRIES = 2000
MAX_COMPRESSION_RATIO = 100
#: Entries smaller than this may compress well without being suspicious (tiny XML parts).
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024


class PackageRefused(Exception):
    """The zip is not an acceptable package; ``reason`` is one of: damaged, too_many_parts, zip_bomb,
    macros, not_ooxml. Callers turn it into their own user-facing message."""

    def __init__(self, reason: str, *, parts: int = 0, too_large: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.parts = parts
        #: for a zip bomb: refused for its total uncompressed size (not for its ratio)
        self.too_large = too_large


@dataclass(frozen=True)
class Package:
    names: frozenset[str]
    content_types: bytes


def is_zip_bomb(entries, *, max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES,
                max_ratio: int = MAX_COMPRESSION_RATIO) -> bool:
    total = sum(info.file_size for info in entries)
    compressed = sum(info.compress_size for info in entries)
    return (total > max_uncompressed_bytes
            or any(info.file_size > RATIO_CHECK_MIN_BYTES
                   and info.file_size > max_ratio * max(info.compress_size, 1) for info in entries)
            or (total > RATIO_CHECK_MIN_BYTES and total > max_ratio * max(compressed, 1)))


def open_package(fileobj, *, max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES,
                 max_ratio: int = MAX_COMPRESSION_RATIO) -> Package:
    """The part names and content types of an OOXML package, or PackageRefused. Rewinds the file."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PackageRefused("damaged") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise PackageRefused("too_many_parts", parts=len(entries))
        names = frozenset(info.filename for info in entries)
        if any(n.lower().endswith(("vbaproject.bin", "vbadata.xml")) for n in names):
            raise PackageRefused("macros")
        if is_zip_bomb(entries, max_uncompressed_bytes=max_uncompressed_bytes, max_ratio=max_ratio):
            total = sum(info.file_size for info in entries)
            raise PackageRefused("zip_bomb", too_large=total > max_uncompressed_bytes)
        if "[Content_Types].xml" not in names:
            raise PackageRefused("not_ooxml")
        try:
            content_types = archive.read("[Content_Types].xml")
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise PackageRefused("damaged") from exc
        if b"macroEnabled" in content_types or b"vbaProject" in content_types:
            raise PackageRefused("macros")
    fileobj.seek(0)
    return Package(names, content_types)

"""The limits of every table import (one setting, ``IMPORT_LIMITS``) and how messages quote a user's value.

``import_limits(kind)`` merges the kind's entry over ``"default"``: upload size in bytes, data rows, the
uncompressed size and compression ratio a workbook may have, and the characters of one cell.
``excerpt(value)`` is what every import message quotes of a value from the file: at most a short prefix,
so that a hostile cell never becomes a hostile error message (issue 10: a 100 MB header cell was stored
in the job's errors and served as a 105 MB page).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

#: What a message quotes of a value at most (characters), an ellipsis marking the cut.
EXCERPT_CHARS = 50
#: Bounds of what an import stores as errors: so many messages, each at most so long.
MAX_STORED_ERRORS = 500
MAX_MESSAGE_CHARS = 1000

_DEFAULTS = {
    "max_bytes": 5 * 1024 * 1024,
    "max_rows": 3_000,
    "max_cell_chars": 5_000,
    "max_uncompressed_bytes": 100 * 1024 * 1024,
    "max_compression_ratio": 100,
}


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    #: characters of one cell (the longest form field of the portal is 5,000 characters)
    max_cell_chars: int = _DEFAULTS["max_cell_chars"]
    #: bytes a workbook's parts may expand to, all together (from the zip directory and while reading)
    max_uncompressed_bytes: int = _DEFAULTS["max_uncompressed_bytes"]
    #: uncompressed to compressed size of a part (or the whole zip) above which a workbook is a zip bomb
    max_compression_ratio: int = _DEFAULTS["max_compression_ratio"]


def import_limits(kind: str = "default") -> Limits:
    """The limits of ``kind`` ("divisions", "designations", "cadres"...): its entry over ``"default"``."""
    configured = settings.IMPORT_LIMITS
    values = {**_DEFAULTS, **configured.get("default", {}), **configured.get(kind, {})}
    return Limits(**{name: int(values[name]) for name in _DEFAULTS})


def excerpt(value, limit: int = EXCERPT_CHARS) -> str:
    """``value`` as text, cut to its first ``limit`` characters followed by "…" when longer."""
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def bounded_message(message) -> str:
    """A message as stored: at most ``MAX_MESSAGE_CHARS`` characters."""
    return excerpt(message, MAX_MESSAGE_CHARS)

"""Personal numbers hidden in free text: a rule of the kernel, so every app may use it (issue 10, item 1).

``mask_free_text`` masks anything shaped like a mainland mobile number (``1[3-9]`` and nine digits, also
written 138 1234 5678 or 138-1234-5678) or an 18-character citizen ID number (17 digits and a digit or X)
in a text typed by a person: responsible persons, task owners, measures, problems, progress notes. The
shapes are the same as ``cadres/masking.py`` shows for the person fields: ``138****5678`` and
``350322********1234``. Used where free text leaves the portal (the public disclosure board).
"""

from __future__ import annotations

import re

ID_IN_TEXT = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)")


def mask_free_text(text: str | None) -> str:
    """``text`` with every mobile- or ID-shaped number masked ("" and None give "")."""
    if not text:
        return ""
    text = ID_IN_TEXT.sub(lambda m: f"{m.group(1)}{'*' * 8}{m.group(2).upper()}", str(text))
    return MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)

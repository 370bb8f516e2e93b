"""Personal numbers: the citizen ID number (GB 11643-1999, MOD 11-2 check digit) and mainland mobiles.

A rule module: validation and masking of one number. Who may see full numbers, and the audited
unmask action, are in ``cadres/masking.py``.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def id_check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date_from_id(value: str) -> dt.date | None:
    value = normalise_id_number(value)
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except (ValueError, IndexError):
        return None


def validate_id_number(value: str) -> None:
    """Raise ValidationError unless ``value`` is an 18-character ID number with a valid check digit and birth date."""
    value = normalise_id_number(value)
    if not ID_PATTERN.match(value):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."), code="id_format")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("The ID number's check digit is wrong."), code="id_checksum")
    born = birth_date_from_id(value)
    if born is None or born > dt.date.today() or born.year < 1900:
        raise ValidationError(_("The ID number holds no valid date of birth."), code="id_birth_date")


def validate_mobile(value: str) -> None:
    if not MOBILE_PATTERN.match((value or "").strip()):
        raise ValidationError(_("A mobile number has 11 digits and starts with 13-19."), code="mobile")


def mask_id_number(value: str) -> str:
    value = normalise_id_number(value)
    return f"{value[:6]}********{value[-4:]}" if len(value) == 18 else ("*" * len(value))


def mask_mobile(value: str) -> str:
    value = (value or "").strip()
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else ("*" * len(value))

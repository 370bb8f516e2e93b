"""``{% load cadres %}``: masked personal numbers in templates (see cadres/masking.py)."""

from django import template

from ..identity import mask_id_number, mask_mobile
from ..masking import birth_year as _birth_year

register = template.Library()


@register.filter
def masked_id(value) -> str:
    return mask_id_number(value) if value else ""


@register.filter
def masked_phone(value) -> str:
    return mask_mobile(value) if value else ""


@register.filter
def birth_year(value) -> str:
    """A date of birth as pages show it: the year only (cadres.masking.birth_year)."""
    return _birth_year(value) or "—"

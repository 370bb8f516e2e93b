"""Filters: the shared base (scoped choices, widgets) and the kernel's own filter sets."""

from .base import (
    BooleanWidget,
    BoundedFilterSet,
    ScopedFilterSet,
    is_id,
    organization_search,
    text_search,
    visible_counties,
    visible_divisions,
    visible_organizations,
    visible_townships,
    year_or_none,
)
from .tree import DivisionFilter, OrganizationFilter

__all__ = ["BooleanWidget", "BoundedFilterSet", "DivisionFilter", "OrganizationFilter", "ScopedFilterSet", "is_id", "year_or_none",
           "organization_search",
           "text_search", "visible_counties", "visible_divisions", "visible_organizations", "visible_townships"]

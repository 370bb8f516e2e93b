"""Reads of the kernel that depend on the user; every query starts from ``visible_to(user)``."""

from .tree import (
    ScopeBlock,
    ScopeRow,
    assigned_organizations,
    county_ids_with_organizations,
    division_queryset,
    home_blocks,
    organization_queryset,
    own_organizations,
    policy_for_user_division,
)

__all__ = ["ScopeBlock", "ScopeRow", "assigned_organizations", "county_ids_with_organizations",
           "division_queryset", "home_blocks", "organization_queryset", "own_organizations",
           "policy_for_user_division"]

"""Reads of the ledger that depend on the user; each starts from ``visible_to(user)``."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Designation


def designations_of_organization(user, organization) -> QuerySet[Designation]:
    """Every round the organization was designated in, newest first (repeat listings show here)."""
    return (Designation.objects.visible_to(user).filter(organization=organization)
            .select_related("round", "confirmed_by", "proposed_by").prefetch_related("categories")
            .order_by("-round__year"))


def weak_counts_under(user, division) -> dict[str, int]:
    """Weak organizations this round in ``division``'s subtree (the counting rule of ``counting``): total,
    closed out, still open (one query)."""
    from .counting import counted, weak_counts

    within = Designation.scope.within(division.level, [division.pk])
    return weak_counts(counted(Designation.objects.visible_to(user).filter(within)))


def county_ids_with_designations() -> list[int]:
    """Every county with a designation (any round, any status): the counties the ledger's jobs run for."""
    return sorted(set(Designation.objects.order_by().values_list("county_id", flat=True).distinct()))

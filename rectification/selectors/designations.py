"""Reads of the ledger that depend on the user; each starts from ``visible_to(user)``."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from ..models import RECTIFIED_STATUSES, Designation


def designations_of_organization(user, organization) -> QuerySet[Designation]:
    """Every round the organization was designated in, newest first (repeat listings show here)."""
    return (Designation.objects.visible_to(user).filter(organization=organization)
            .select_related("round", "confirmed_by", "proposed_by").prefetch_related("categories")
            .order_by("-round__year"))


def weak_counts_under(user, division) -> dict[str, int]:
    """Designations in ``division``'s subtree: total, rectified, still open (one query)."""
    lookup = Designation.scope.levels[division.level]
    rows = (Designation.objects.visible_to(user).filter(**{lookup: division.pk}).order_by()
            .values("status").annotate(n=Count("id")))
    by_status = {row["status"]: row["n"] for row in rows}
    total = sum(by_status.values())
    rectified = sum(by_status.get(status, 0) for status in RECTIFIED_STATUSES)
    return {"total": total, "rectified": rectified, "open": total - rectified}


def county_ids_with_designations() -> list[int]:
    """Every county with a designation (any round, any status): the counties the ledger's jobs run for."""
    return sorted(set(Designation.objects.order_by().values_list("county_id", flat=True).distinct()))

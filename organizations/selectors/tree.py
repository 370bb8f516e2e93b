"""Reads that depend on the acting user. Each starts from ``visible_to(user)``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from ..models import Division, Organization
from ..policies import EffectivePolicy, effective_policy
from ..roles import LEVEL_ORDER, Level
from ..scoping import grants_for


def organization_queryset(user) -> QuerySet[Organization]:
    return Organization.objects.visible_to(user).select_related("division", "township", "county", "parent")


def division_queryset(user) -> QuerySet[Division]:
    return Division.objects.visible_to(user).select_related("parent")


@dataclass
class ScopeRow:
    division: Division
    child_count: int = 0
    organization_count: int = 0
    member_count: int = 0


@dataclass
class ScopeBlock:
    """One of the user's grants as shown on the home page: the division and its children with counts."""

    division: Division
    role_label: str
    child_level: str | None
    rows: list[ScopeRow] = field(default_factory=list)
    organization_count: int = 0
    member_count: int = 0


def home_blocks(user) -> list[ScopeBlock]:
    """For every division the user holds a role on: its children with organization counts.

    A bounded number of queries per grant (users hold a handful), whatever the data size.
    """
    from ..roles import Role

    grants = grants_for(user)
    blocks: list[ScopeBlock] = []
    held = {}
    for role, division_id, _level in grants.divisions:
        held.setdefault(division_id, []).append(Role(role).label)
    if not held:
        return blocks
    divisions = Division.objects.visible_to(user).filter(pk__in=list(held)).order_by("code")
    for division in divisions:
        level_index = LEVEL_ORDER.index(division.level)
        child_level = LEVEL_ORDER[level_index + 1] if level_index + 1 < len(LEVEL_ORDER) else None
        block = ScopeBlock(division=division, role_label="、".join(str(r) for r in held[division.pk]),
                           child_level=child_level)
        subtree = Organization.objects.visible_to(user).filter(**{f"{division.level}_id": division.pk})
        if child_level:
            children = list(Division.objects.visible_to(user).filter(parent=division).order_by("code"))
            org_counts = {
                row[f"{child_level}_id"]: row
                for row in subtree.order_by().values(f"{child_level}_id").annotate(n=Count("id"),
                                                                                     members=Sum("member_count"))
            }
            grandchild_counts = {}
            if child_level != Level.VILLAGE:
                grandchild_counts = dict(
                    Division.objects.visible_to(user).filter(parent__parent=division)
                    .order_by().values("parent_id").annotate(n=Count("id")).values_list("parent_id", "n")
                )
            for child in children:
                block.rows.append(ScopeRow(
                    division=child,
                    child_count=grandchild_counts.get(child.pk, 0),
                    organization_count=org_counts.get(child.pk, {}).get("n", 0),
                    member_count=org_counts.get(child.pk, {}).get("members") or 0,
                ))
        totals = subtree.order_by().aggregate(n=Count("id"), members=Sum("member_count"))
        block.organization_count = totals["n"]
        block.member_count = totals["members"] or 0
        blocks.append(block)
    return blocks


def assigned_organizations(user) -> QuerySet[Organization]:
    """Organizations the user holds through object assignments (contact leader, helping unit...)."""
    ids = {org_id for _role, org_id, _div in grants_for(user).organizations}
    return organization_queryset(user).filter(pk__in=ids).order_by("township__code", "name")


def own_organizations(user) -> QuerySet[Organization]:
    """For village-level roles: the organizations on their own villages."""
    villages = [d for _r, d, level in grants_for(user).divisions if level == Level.VILLAGE]
    return organization_queryset(user).filter(Q(division_id__in=villages))


def policy_for_user_division(user, division_id: int) -> tuple[Division, EffectivePolicy]:
    from django.shortcuts import get_object_or_404

    division = get_object_or_404(Division.objects.visible_to(user), pk=division_id)
    return division, effective_policy(division)


def county_ids_with_organizations() -> list[int]:
    """Every county holding a Party organization: the default counties of a registered job."""
    return sorted(set(Organization.objects.order_by().exclude(county_id=None).values_list(
        "county_id", flat=True).distinct()))

"""Write a validated import plan: per-object saves (so the audit trail records them), parents first."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ..models import Division, Organization
from ..models.divisions import parent_code_of
from ..roles import Level
from .validate import Plan

_DIVISION_FK = ["parent", "province", "city", "county", "township", "village"]
_ORGANIZATION_FK = ["division", "parent", "province", "city", "county", "township", "village"]


class RowWriteError(Exception):
    def __init__(self, row: int, column: str, error: ValidationError):
        super().__init__(str(error))
        self.row = row
        self.column = column
        self.error = error


def _save(instance, *, user, row: int, column: str, exclude: list[str]) -> None:
    instance._history_user = user
    try:
        # Foreign keys were resolved by the validation; excluding them avoids a query per row.
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise RowWriteError(row, column, exc) from exc
    instance.save()


def write_plan(plan: Plan, *, user) -> dict[str, int]:
    """Create or update every division and organization of the plan. Call inside a transaction."""
    counts = dict.fromkeys(("divisions_created", "divisions_updated", "divisions_unchanged",
                            "organizations_created", "organizations_updated", "organizations_unchanged"), 0)
    divisions: dict[str, Division] = dict(plan.existing_divisions)
    ordered = sorted(plan.divisions.values(), key=lambda d: (d.level != Level.TOWNSHIP, d.code))
    for item in ordered:
        division = divisions.get(item.code)
        if division is None:
            division = Division(code=item.code, name=item.name, kind=item.kind, level=item.level,
                                parent=divisions[parent_code_of(item.code)], population=item.population)
            division.copy_ancestry()
            _save(division, user=user, row=item.row, column="code", exclude=_DIVISION_FK)
            divisions[item.code] = division
            counts["divisions_created"] += 1
            continue
        changes = {"name": item.name, "kind": item.kind}
        if item.population is not None:
            changes["population"] = item.population
        if _apply(division, changes):
            _save(division, user=user, row=item.row, column="code", exclude=_DIVISION_FK)
            counts["divisions_updated"] += 1
        else:
            counts["divisions_unchanged"] += 1

    organizations: dict[tuple[str, str], Organization] = dict(plan.existing_organizations)
    for key in _parents_first(plan):
        item = plan.organizations[key]
        parent_key = plan.final_parent.get(key)
        parent = organizations[parent_key] if parent_key else None
        organization = organizations.get(key)
        if organization is None:
            organization = Organization(
                name=item.name, division=divisions[item.division_code], org_type=item.org_type,
                category=item.category, parent=parent, secretary_name=item.secretary,
                member_count=item.members or 0, population=item.population,
                is_poverty_village=bool(item.poverty_village),
            )
            organization.copy_ancestry()
            _save(organization, user=user, row=item.row, column="org_name", exclude=_ORGANIZATION_FK)
            organizations[key] = organization
            counts["organizations_created"] += 1
            continue
        changes = {"org_type": item.org_type, "category": item.category}
        if item.parent_name:
            changes["parent"] = parent
        for field, value in (("secretary_name", item.secretary), ("member_count", item.members),
                             ("population", item.population), ("is_poverty_village", item.poverty_village)):
            if value not in (None, ""):
                changes[field] = value
        if _apply(organization, changes):
            _save(organization, user=user, row=item.row, column="org_name", exclude=_ORGANIZATION_FK)
            counts["organizations_updated"] += 1
        else:
            counts["organizations_unchanged"] += 1
    return counts


def _apply(instance, changes: dict) -> bool:
    changed = False
    for field, value in changes.items():
        if field == "parent":
            if instance.parent_id != (value.pk if value is not None else None):
                instance.parent = value
                changed = True
        elif getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    return changed


def _parents_first(plan: Plan) -> list[tuple[str, str]]:
    """The file's organizations ordered so that a parent from the file is saved before its children."""
    depth_cache: dict[tuple[str, str], int] = {}

    def depth(key) -> int:
        if key in depth_cache:
            return depth_cache[key]
        chain = []
        current = key
        while current is not None and current not in depth_cache and len(chain) <= len(plan.final_parent):
            chain.append(current)
            current = plan.final_parent.get(current)
        base = depth_cache.get(current, 0) if current is not None else 0
        for offset, item in enumerate(reversed(chain), start=1):
            depth_cache[item] = base + offset
        return depth_cache[key]

    return sorted(plan.organizations, key=lambda key: (depth(key), key))

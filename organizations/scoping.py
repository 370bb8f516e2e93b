"""The one scoping mechanism: ``Model.objects.visible_to(user)``.

A user's grants are their role assignments (role, division: the subtree below it) and
object assignments (role, organization). Every scoped model declares a ``ScopeSpec``
saying which of its columns hold the division ancestry, so a subtree is one equality
filter on an indexed column, the same on PostgreSQL and SQLite.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

from .roles import LEVEL_ORDER, Level

#: The levels above the county: a denormalised row reaches them through its county (``ScopeSpec.within``).
ABOVE_COUNTY = (Level.PROVINCE, Level.CITY)


@dataclass(frozen=True)
class ScopeSpec:
    #: level -> lookup of the column holding the ancestor (or the division itself) at that level
    levels: dict[str, str]
    #: lookup equal to the division id itself (for the Division model)
    self_division: str | None = None
    #: lookup equal to an organization id (for object assignments)
    organization: str | None = None
    #: lookup equal to the division of an assigned organization (for the Division model)
    assigned_division: str | None = None
    #: ``(role, level)``: holders of ``role`` on a division below see the rows of its ancestor at ``level`` too
    #: (a county's circular is addressed to its townships: read by their officials)
    readers_below: tuple[tuple[str, str], ...] = ()
    #: lookup of the row's own (denormalised, indexed) county column: a province or city is then the set of its
    #: counties, a subquery on the small division table, never a join through the organization (issue 13)
    county_column: str | None = None

    def within(self, level: str, ids) -> Q | None:
        """The rows in the subtrees of the divisions ``ids`` at ``level`` (None: the model has no such level)."""
        ids = sorted(ids) if not hasattr(ids, "query") else ids
        if self.county_column and level in ABOVE_COUNTY:
            from .models import Division

            counties = Division.objects.filter(level=Level.COUNTY, **{f"{level}_id__in": ids}).values("pk")
            return Q(**{f"{self.county_column}__in": counties})
        lookup = self.levels.get(level)
        return Q(**{f"{lookup}__in": ids}) if lookup else None

    @classmethod
    def on_division(cls, prefix: str = "", *, readers_below: tuple[tuple[str, str], ...] = ()) -> ScopeSpec:
        """A model whose ``prefix`` path leads to a Division row (``readers_below``: see the field)."""
        return cls(levels={lvl: f"{prefix}{lvl}_id" for lvl in LEVEL_ORDER}, self_division=f"{prefix}id",
                   assigned_division=f"{prefix}id", readers_below=tuple(readers_below))

    @classmethod
    def on_organization(cls, prefix: str = "", **denormalised: str) -> ScopeSpec:
        """A model whose ``prefix`` path leads to an Organization row (``""`` for Organization).

        ``denormalised`` overrides levels with the model's own copied columns,
        e.g. ``county="county_id", township="township_id"``.
        """
        levels = {lvl: f"{prefix}{lvl}_id" for lvl in LEVEL_ORDER}
        levels.update(denormalised)
        return cls(levels=levels, organization=f"{prefix}id" if prefix else "id",
                   county_column=denormalised.get(Level.COUNTY))


@dataclass
class Grants:
    """What a user holds: division subtrees by level and assigned organizations, per role."""

    divisions: list[tuple[str, int, str]] = field(default_factory=list)  # (role, division_id, level)
    organizations: list[tuple[str, int, int]] = field(default_factory=list)  # (role, org_id, org division id)
    #: ``permissions.can``'s answers for objects, (model, pk, roles) -> bool: a page asks the same several times.
    object_checks: dict = field(default_factory=dict, compare=False, repr=False)

    def roles(self) -> set[str]:
        return {r for r, _, _ in self.divisions} | {r for r, _, _ in self.organizations}

    def restricted(self, roles: Iterable[str] | None) -> Grants:
        if roles is None:
            return self
        wanted = set(roles)
        return Grants(
            divisions=[g for g in self.divisions if g[0] in wanted],
            organizations=[g for g in self.organizations if g[0] in wanted],
        )


def grants_for(user) -> Grants:
    """Load (once per user object) the user's role and object assignments: two queries."""
    cached = getattr(user, "_scope_grants", None)
    if cached is not None:
        return cached
    from .models import ObjectAssignment, RoleAssignment

    grants = Grants(
        divisions=list(
            RoleAssignment.objects.filter(user_id=user.pk).values_list("role", "division_id", "division__level")
        ),
        organizations=list(
            ObjectAssignment.objects.filter(user_id=user.pk).values_list(
                "role", "organization_id", "organization__division_id"
            )
        ),
    )
    user._scope_grants = grants
    return grants


def forget_grants(user) -> None:
    if hasattr(user, "_scope_grants"):
        del user._scope_grants


def scope_q(spec: ScopeSpec, grants: Grants) -> Q | None:
    by_level: dict[str, set[int]] = defaultdict(set)
    for _role, division_id, level in grants.divisions:
        by_level[level].add(division_id)
    q = Q()
    matched = False
    for level, ids in by_level.items():
        within = spec.within(level, ids)
        if within is not None:
            q |= within
            matched = True
        if spec.self_division:
            q |= Q(**{f"{spec.self_division}__in": sorted(ids)})
            matched = True
    for level, roles in _readers_below(spec).items():
        ids = sorted({division_id for role, division_id, _level in grants.divisions if role in roles})
        if ids:
            from .models import Division

            # The ancestors at ``level`` of the divisions held, as a subquery: no extra round trip.
            q |= Q(**{f"{spec.self_division}__in": Division.objects.filter(pk__in=ids).values(f"{level}_id")})
            matched = True
    if grants.organizations:
        if spec.organization:
            q |= Q(**{f"{spec.organization}__in": sorted({o for _, o, _ in grants.organizations})})
            matched = True
        if spec.assigned_division:
            q |= Q(**{f"{spec.assigned_division}__in": sorted({d for _, _, d in grants.organizations})})
            matched = True
    return q if matched else None


def _readers_below(spec: ScopeSpec) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for role, level in spec.readers_below:
        found[level].add(role)
    return found


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, *, roles: Iterable[str] | None = None) -> ScopedQuerySet:
        """Rows the user may see; with ``roles``, only through grants of those roles.

        Anonymous and inactive users see nothing. Superusers see everything (the
        platform operator); there is no other way around the scope.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser and roles is None:
            return self
        spec: ScopeSpec = self.model.scope
        q = scope_q(spec, grants_for(user).restricted(roles))
        if q is None:
            return self.none()
        return self.filter(q)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def constant_in_scope(model, user, column: str) -> bool:
    """Whether every row of ``model`` the user may see has one value of ``column`` (or there is no row): a
    list column that would repeat one name on every row, e.g. the township of a township organizer's
    villages, which the page can leave out. One query reading at most two rows."""
    values = model.objects.visible_to(user).order_by().values(column).distinct()
    return len(values[:2]) <= 1

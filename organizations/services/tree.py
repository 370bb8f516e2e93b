"""Writes on the tree: divisions and Party organizations. Every write checks the role table."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Division, Organization
from ..permissions import roles_allowed
from .common import by, require


def _require_on_division(user, resource: str, action: str, division: Division) -> None:
    """The user holds a role allowed to ``action`` on ``resource`` over ``division``'s subtree."""
    if user.is_superuser:
        return
    if not Division.objects.visible_to(user, roles=roles_allowed(resource, action)).filter(pk=division.pk).exists():
        raise ValidationError({"division": _("Choose a division inside your scope.")})


@transaction.atomic
def division_create(*, user, code: str, name: str, kind: str, population: int | None = None) -> Division:
    from ..models.divisions import level_of_code, parent_code_of

    if not (len(code) == 12 and code.isdigit()):
        raise ValidationError({"code": _("A division code has exactly 12 digits.")})
    parent_code = parent_code_of(code)
    parent = Division.objects.filter(code=parent_code).first() if parent_code else None
    if parent is None and parent_code:
        raise ValidationError({"code": _("The parent division %(code)s does not exist.") % {"code": parent_code}})
    if parent is not None:
        _require_on_division(user, "division", "create", parent)
    elif not user.is_superuser:
        raise PermissionDenied(_("Only the platform operator creates provinces."))
    division = Division(code=code, name=name, kind=kind, level=level_of_code(code),
                        parent=parent, population=population)
    division.copy_ancestry()
    division.full_clean()
    by(division, user).save()
    return division


@transaction.atomic
def division_update(*, user, division: Division, name: str, kind: str, population: int | None) -> Division:
    require(user, "division", "change", division)
    division.name = name
    division.kind = kind
    division.population = population
    division.full_clean()
    by(division, user).save()
    return division


ORGANIZATION_FIELDS = ("name", "org_type", "category", "division", "parent", "secretary_name", "member_count",
                       "population", "is_poverty_village", "is_active")


@transaction.atomic
def organization_create(*, user, **fields: Any) -> Organization:
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organization fields: {sorted(unknown)}")
    _require_on_division(user, "organization", "create", fields["division"])
    organization = Organization(**fields)
    organization.copy_ancestry()
    organization.full_clean()
    by(organization, user).save()
    return organization


@transaction.atomic
def organization_update(*, user, organization: Organization, **fields: Any) -> Organization:
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organization fields: {sorted(unknown)}")
    require(user, "organization", "change", organization)
    if "division" in fields:
        # The new division must also be inside the part of the tree the user may change.
        _require_on_division(user, "organization", "change", fields["division"])
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.copy_ancestry()
    organization.full_clean()
    by(organization, user).save()
    return organization


@transaction.atomic
def organization_delete(*, user, organization: Organization) -> None:
    require(user, "organization", "delete", organization)
    if organization.children.exists():
        raise ValidationError(_("This organization has sub-organizations; move or delete them first."))
    by(organization, user).delete()

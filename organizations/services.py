"""Writes on the tree, organizations, grants and policies. Every write checks the role table."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Division, ObjectAssignment, Organization, PolicySetting, RoleAssignment, SecurityEvent
from .permissions import can, roles_allowed
from .policies import POLICY_BY_KEY
from .scoping import forget_grants


def _by(obj, user):
    """Record ``user`` as the author in the audit trail, whatever calls the service (page, API, task)."""
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    return obj


def _require(user, resource: str, action: str, obj=None) -> None:
    if not can(user, resource, action, obj):
        raise PermissionDenied(_("You may not do this here."))


def _require_on_division(user, resource: str, action: str, division: Division) -> None:
    """The user holds a role allowed to ``action`` on ``resource`` over ``division``'s subtree."""
    if user.is_superuser:
        return
    if not Division.objects.visible_to(user, roles=roles_allowed(resource, action)).filter(pk=division.pk).exists():
        raise ValidationError({"division": _("Choose a division inside your scope.")})


@transaction.atomic
def division_create(*, user, code: str, name: str, kind: str, population: int | None = None) -> Division:
    from .models.divisions import level_of_code, parent_code_of

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
    _by(division, user).save()
    return division


@transaction.atomic
def division_update(*, user, division: Division, name: str, kind: str, population: int | None) -> Division:
    _require(user, "division", "change", division)
    division.name = name
    division.kind = kind
    division.population = population
    division.full_clean()
    _by(division, user).save()
    return division


ORGANIZATION_FIELDS = ("name", "org_type", "category", "division", "parent", "secretary_name", "member_count",
                       "population", "is_active")


@transaction.atomic
def organization_create(*, user, **fields: Any) -> Organization:
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organization fields: {sorted(unknown)}")
    _require_on_division(user, "organization", "create", fields["division"])
    organization = Organization(**fields)
    organization.copy_ancestry()
    organization.full_clean()
    _by(organization, user).save()
    return organization


@transaction.atomic
def organization_update(*, user, organization: Organization, **fields: Any) -> Organization:
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organization fields: {sorted(unknown)}")
    _require(user, "organization", "change", organization)
    if "division" in fields:
        # The new division must also be inside the part of the tree the user may change.
        _require_on_division(user, "organization", "change", fields["division"])
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.copy_ancestry()
    organization.full_clean()
    _by(organization, user).save()
    return organization


@transaction.atomic
def organization_delete(*, user, organization: Organization) -> None:
    _require(user, "organization", "delete", organization)
    if organization.children.exists():
        raise ValidationError(_("This organization has sub-organizations; move or delete them first."))
    _by(organization, user).delete()


@transaction.atomic
def policy_set(*, user, division: Division, key: str, value: Any) -> PolicySetting:
    """Set a policy value on ``division`` (it then applies to the whole subtree)."""
    definition = POLICY_BY_KEY.get(key)
    if definition is None:
        raise ValidationError(_("Unknown setting %(key)s.") % {"key": key})
    _require(user, "policy", "change", division)
    cleaned = definition.clean(value)
    setting = PolicySetting.objects.filter(division=division, key=key).first()
    if setting is None:
        setting = PolicySetting(division=division, key=key)
    setting.value = cleaned
    setting.updated_by = user
    _by(setting, user).save()
    return setting


@transaction.atomic
def policy_clear(*, user, division: Division, key: str) -> None:
    """Remove a division's own value so the inherited one applies again."""
    _require(user, "policy", "change", division)
    for setting in PolicySetting.objects.filter(division=division, key=key):
        _by(setting, user).delete()  # per-object delete: the audit trail records it


@transaction.atomic
def role_assign(*, user, target, role: str, division: Division) -> RoleAssignment:
    _require(user, "role_assignment", "create", division)
    assignment = RoleAssignment(user=target, role=role, division=division)
    assignment.full_clean()
    _by(assignment, user).save()
    forget_grants(target)
    return assignment


@transaction.atomic
def object_assign(*, user, target, role: str, organization: Organization) -> ObjectAssignment:
    _require(user, "object_assignment", "create", organization)
    assignment = ObjectAssignment(user=target, role=role, organization=organization)
    assignment.full_clean()
    _by(assignment, user).save()
    forget_grants(target)
    return assignment


def object_unassign(*, user, assignment: ObjectAssignment) -> None:
    """Remove an object assignment (the account loses that organization from its scope); audited."""
    _require(user, "object_assignment", "delete", assignment)
    target = assignment.user
    _by(assignment, user).delete()
    forget_grants(target)


def security_event_record(*, kind: str, user=None, username: str = "", request=None, **detail: Any) -> None:
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR")
    SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        username=username or (getattr(user, "username", "") or ""),
        ip_address=ip,
        detail=detail,
    )

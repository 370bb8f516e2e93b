"""Writes on what users may do and which numbers apply: policies, role and object assignments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Division, ObjectAssignment, Organization, PolicySetting, RoleAssignment
from ..policies import POLICY_BY_KEY
from ..scoping import forget_grants
from .common import by, require


@transaction.atomic
def policy_set(*, user, division: Division, key: str, value: Any) -> PolicySetting:
    """Set a policy value on ``division`` (it then applies to the whole subtree)."""
    definition = POLICY_BY_KEY.get(key)
    if definition is None:
        raise ValidationError(_("Unknown setting %(key)s.") % {"key": key})
    require(user, "policy", "change", division)
    cleaned = definition.clean(value)
    setting = PolicySetting.objects.filter(division=division, key=key).first()
    if setting is None:
        setting = PolicySetting(division=division, key=key)
    setting.value = cleaned
    setting.updated_by = user
    by(setting, user).save()
    return setting


@transaction.atomic
def policy_clear(*, user, division: Division, key: str) -> None:
    """Remove a division's own value so the inherited one applies again."""
    require(user, "policy", "change", division)
    for setting in PolicySetting.objects.filter(division=division, key=key):
        by(setting, user).delete()  # per-object delete: the audit trail records it


@transaction.atomic
def role_assign(*, user, target, role: str, division: Division) -> RoleAssignment:
    require(user, "role_assignment", "create", division)
    assignment = RoleAssignment(user=target, role=role, division=division)
    assignment.full_clean()
    by(assignment, user).save()
    forget_grants(target)
    return assignment


@transaction.atomic
def object_assign(*, user, target, role: str, organization: Organization) -> ObjectAssignment:
    require(user, "object_assignment", "create", organization)
    assignment = ObjectAssignment(user=target, role=role, organization=organization)
    assignment.full_clean()
    by(assignment, user).save()
    forget_grants(target)
    return assignment


def object_unassign(*, user, assignment: ObjectAssignment) -> None:
    """Remove an object assignment (the account loses that organization from its scope); audited."""
    require(user, "object_assignment", "delete", assignment)
    target = assignment.user
    by(assignment, user).delete()
    forget_grants(target)

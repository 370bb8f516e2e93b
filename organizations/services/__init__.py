"""Writes of the kernel. Every write checks the role table and records its author.

``common`` holds the helpers every app's services use (``by``, ``require``, ``check_version``);
``tree`` the divisions and organizations, ``grants`` policies and assignments, ``security`` the
security log.
"""

from .common import ConflictError, by, check_version, require
from .grants import object_assign, object_unassign, policy_clear, policy_set, role_assign
from .security import security_event_record
from .tree import (
    ORGANIZATION_FIELDS,
    division_create,
    division_update,
    organization_create,
    organization_delete,
    organization_update,
)

__all__ = [
    "ORGANIZATION_FIELDS", "ConflictError", "by", "check_version", "division_create", "division_update",
    "object_assign", "object_unassign", "organization_create", "organization_delete", "organization_update",
    "policy_clear", "policy_set", "require", "role_assign", "security_event_record",
]

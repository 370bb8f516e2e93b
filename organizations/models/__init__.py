from .divisions import Division
from .orgs import Organization, OrganizationCategory, OrganizationType
from .users import ObjectAssignment, RoleAssignment, User
from .policies import PolicySetting
from .audit import SecurityEvent
from .imports import ImportJob

__all__ = [
    "Division",
    "ImportJob",
    "ObjectAssignment",
    "Organization",
    "OrganizationCategory",
    "OrganizationType",
    "PolicySetting",
    "RoleAssignment",
    "SecurityEvent",
    "User",
]

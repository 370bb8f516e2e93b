from .audit import SecurityEvent
from .divisions import Division
from .imports import ImportJob
from .orgs import Organization, OrganizationCategory, OrganizationType
from .policies import PolicySetting
from .users import ObjectAssignment, RoleAssignment, User

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

from .audit import SecurityEvent
from .divisions import Division
from .exports import ExportRun
from .imports import ImportJob
from .jobs import JobRun, JobStatus
from .notifications import Notification, NotificationKind
from .orgs import Organization, OrganizationCategory, OrganizationType
from .policies import PolicySetting
from .submissions import SubmissionKey
from .users import ObjectAssignment, RoleAssignment, User

__all__ = [
    "Division",
    "ExportRun",
    "ImportJob",
    "JobRun",
    "JobStatus",
    "Notification",
    "NotificationKind",
    "ObjectAssignment",
    "Organization",
    "OrganizationCategory",
    "OrganizationType",
    "PolicySetting",
    "RoleAssignment",
    "SecurityEvent",
    "SubmissionKey",
    "User",
]

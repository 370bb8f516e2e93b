from .annual_reports import EDITABLE_STATUSES, AnnualReport, AnnualReportStatus
from .bimonthly_reports import SummaryReport
from .checks import (
    PASSING_RESULTS,
    AcceptanceResult,
    AcceptanceReview,
    CheckFinding,
    CheckGrade,
    FollowUpFinding,
    FollowUpReview,
    SixMonthlyCheck,
)
from .committee import CommitteeMeeting, SecretaryContact
from .dashboard_summary import DashboardSummary, SummaryLevel  # noqa: F401
from .designations import RECTIFIED_STATUSES, Designation, DesignationStatus, StatusChange
from .discipline import DisciplineCase
from .disclosure import DisclosureBoard
from .escalations import (
    AUTOMATIC_CAUSES,
    LISTED_RUNGS,
    RUNG_ORDER,
    Cause,
    Circular,
    Escalation,
    EscalationStep,
    Instruction,
    Rung,
)
from .planning import MultiYearPlan, PlanEntry, PlanYearGoal
from .plans import Measure, MeasureFamily, Plan, PlanCycle, PlanProblem, PlanStatus, Task, TaskStatus
from .progress import ContactVisit, EvidenceFile, PeriodReport, ProgressEntry, ReportStatus
from .rounds import Category, Round
from .supervision import FindingAction, Inspection, InspectionFinding, SupervisionTeam

__all__ = [
    "CommitteeMeeting", "MultiYearPlan", "PlanEntry", "PlanYearGoal", "SecretaryContact",
    "EDITABLE_STATUSES", "AnnualReport", "AnnualReportStatus", "DisciplineCase",
    "PASSING_RESULTS", "AcceptanceResult", "AcceptanceReview", "CheckFinding", "CheckGrade", "FollowUpFinding",
    "FollowUpReview", "SixMonthlyCheck",
    "RECTIFIED_STATUSES", "Category", "ContactVisit", "Designation", "DesignationStatus", "DisclosureBoard",
    "EvidenceFile", "Measure", "MeasureFamily", "PeriodReport", "Plan", "PlanCycle", "PlanProblem", "PlanStatus",
    "ProgressEntry", "ReportStatus", "Round", "StatusChange", "SummaryReport", "Task", "TaskStatus",
    "AUTOMATIC_CAUSES", "LISTED_RUNGS", "RUNG_ORDER", "Cause", "Circular", "Escalation", "EscalationStep",
    "Instruction", "Rung", "FindingAction", "Inspection", "InspectionFinding", "SupervisionTeam",
]

"""Content gates of the plan (一村一策) and its tasks, shared by the pages, the API and the demo.

``plan_missing`` says what a plan still lacks before it may be submitted or approved: the four essentials
(四明确), the problem list (问题清单: at least one problem, each with its cause analysis), a measure decomposed
into tasks, every measure of the current cycle answering a problem of the list, the "four ones" (四个一: the cadres records and the plan's township
leader, through ``selectors.four_ones``). ``open_tasks`` are the tasks of the
current cycle not yet done (acceptance waits for them unless the county records an exception).
``task_deadline_problem`` and ``task_state_problem`` keep a task's deadline inside its round (or its
re-rectification cycle) and its status consistent with its progress.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.policies import PolicyBook

from ..models import Designation, Measure, Plan, PlanCycle, PlanProblem, Task, TaskStatus
from ..selectors.four_ones import four_ones_missing_labels

#: The plan's fields of the four essentials, in the order a message lists them. The causes are analysed per
#: problem of the problem list (``problems_missing``); the plan's own cause analysis box is an optional summary.
ESSENTIAL_FIELDS = ("objectives", "deadline", "responsible_unit", "responsible_person")


def _label(name: str) -> str:
    return str(Plan._meta.get_field(name).verbose_name)


def current_cycle(plan: Plan) -> PlanCycle | None:
    return plan.cycles.order_by("-number").first()


def plan_missing(plan: Plan) -> list[str]:
    """What ``plan`` still lacks before submission or approval, as labels for the user (empty: complete)."""
    missing = [_label(name) for name in ESSENTIAL_FIELDS if not _filled(getattr(plan, name))]
    missing += problems_missing(plan)
    cycle = current_cycle(plan)
    if cycle is None or not Task.objects.filter(cycle=cycle).exists():
        missing.append(_("at least one measure decomposed into tasks"))
    if cycle is not None:
        unanswered = list(Measure.objects.filter(cycle=cycle, problem__isnull=True)
                          .order_by("sort_order", "pk").values_list("title", flat=True))
        if unanswered:
            missing.append(_("the problem each measure answers (%(measures)s)") % {"measures": "、".join(unanswered)})
    missing += four_ones_missing_labels(plan)
    return missing


def problems_missing(plan: Plan) -> list[str]:
    """The problem list: at least one problem, and a cause analysis for each (labels of what is missing)."""
    problems = list(PlanProblem.objects.filter(plan=plan).order_by("sort_order", "pk"))
    if not problems:
        return [_("the problem list: at least one problem with its cause analysis")]
    without = [problem.label for problem in problems if not _filled(problem.cause_analysis)]
    if without:
        return [_("the cause analysis of the problem %(problems)s") % {"problems": "、".join(without)}]
    return []


def _filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def plan_incomplete_message(missing: list[str]) -> str:
    return _("The plan is not complete. Missing: %(items)s.") % {"items": "、".join(missing)}


def open_tasks(plan: Plan):
    """The tasks of the plan's current cycle that are not done."""
    cycle = current_cycle(plan)
    if cycle is None:
        return Task.objects.none()
    return Task.objects.filter(cycle=cycle).exclude(status=TaskStatus.DONE).order_by("deadline", "pk")


def round_end(plan: Plan) -> dt.date:
    """The last day of the plan's round (acceptance at year end) plus the county's allowance."""
    grace = PolicyBook(["task_deadline_grace_months"]).for_organization(plan.organization)
    return dt.date(round_year(plan), 12, 31) + relativedelta(months=int(grace["task_deadline_grace_months"]))


def round_year(plan: Plan) -> int:
    """The year of the plan's round (read without caching the designation on the caller's plan)."""
    return Designation.objects.filter(pk=plan.designation_id).values_list("round__year", flat=True).get()


def task_deadline_window(plan: Plan, cycle: PlanCycle) -> tuple[dt.date, dt.date]:
    """The earliest and latest deadline of a task of ``cycle``: from the cycle's start (the plan's start for
    the first cycle) to the round's end plus the allowance, or a re-rectification cycle's own deadline."""
    latest = round_end(plan)
    if cycle.deadline is not None and cycle.deadline > latest:
        latest = cycle.deadline
    return cycle.started_on, latest


def task_deadline_problem(plan: Plan, cycle: PlanCycle, deadline: dt.date | None) -> str | None:
    if deadline is None:
        return None
    earliest, latest = task_deadline_window(plan, cycle)
    values = {"deadline": date_format(deadline, "DATE_FORMAT"), "earliest": date_format(earliest, "DATE_FORMAT"),
              "latest": date_format(latest, "DATE_FORMAT"), "year": round_year(plan)}
    if deadline < earliest:
        return _("The deadline %(deadline)s is before the start of the plan (%(earliest)s).") % values
    if deadline > latest:
        return _("The deadline %(deadline)s is outside the %(year)s rectification round: the latest possible "
                 "deadline is %(latest)s.") % values
    return None


def task_state_problem(status: str, progress: int) -> str | None:
    """Why a status and a progress do not go together (None: they do). Done ⇔ 100%; not started ⇒ 0%."""
    values = {"progress": progress, "status": TaskStatus(status).label}
    if status == TaskStatus.DONE and progress != 100:
        return _("A done task is at 100%%; this one is at %(progress)s%%. Set the progress to 100 or choose "
                 "“In progress”.") % values
    if status != TaskStatus.DONE and progress == 100:
        return _("The progress is 100%% but the status is “%(status)s”: choose “Done”, or lower the "
                 "progress.") % values
    if status == TaskStatus.PENDING and progress:
        return _("A task not started is at 0%%; this one is at %(progress)s%%. Choose “In progress” or set the "
                 "progress to 0.") % values
    return None

"""What a disclosure board shows: designation result, main problems and the plan's problem list (by name,
with how each shows), measures, completion time and the
responsible persons, by name and post only (no username, e-mail, phone or ID number ever reaches it).

Every free text on the board (problems, measures, tasks and their owners, responsible persons) goes through
``organizations.personal_data.mask_free_text``: a mobile or ID number typed into it is shown masked.

The county contact leader, the first secretary and the paired helping unit are the cadres records (through
the kernel's "four ones" provider, as the ledger export reads them), by name and post or unit only."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from organizations.personal_data import mask_free_text

from ..models import Designation, DisclosureBoard, Measure, PlanCycle, PlanProblem, Task
from .four_ones import four_ones_of_organization
from .ledger_export import plan_of


def board_content(designation: Designation) -> dict:
    """The board of an already-authorised designation (scoped page or published board). Nine queries
    (seven, and the provider's two)."""
    designation = (Designation.objects.select_related("organization", "organization__village", "county",
                                                      "township", "round", "plan")
                   .prefetch_related("categories").get(pk=designation.pk))
    plan = plan_of(designation)
    cycle = None
    measures, problems = [], []
    if plan is not None:
        problems = list(PlanProblem.objects.filter(plan=plan).order_by("sort_order", "pk"))
        cycle = PlanCycle.objects.filter(plan=plan).order_by("-number").first()
        measures = list(Measure.objects.filter(plan=plan, **({"cycle": cycle} if cycle else {}))
                        .prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("deadline", "pk")))
                        .order_by("sort_order", "pk"))
    # The instances are this board's own copies (read only): mask the free text they show in place.
    designation.problems = mask_free_text(designation.problems)
    for problem in problems:
        problem.description = mask_free_text(problem.description)
    for measure in measures:
        measure.title = mask_free_text(measure.title)
        for task in measure.tasks.all():
            task.title, task.owner_name = mask_free_text(task.title), mask_free_text(task.owner_name)
    deadline = (cycle.deadline if cycle and cycle.deadline else None) or (plan.deadline if plan else None)
    persons = []
    if plan is not None:
        found = four_ones_of_organization(designation.organization_id)
        for label, value in (
                (_("Responsible unit"), plan.responsible_unit),
                (_("Responsible person"), plan.responsible_person),
                (_("County contact leader"), found.text("contact_leader")),
                (_("Township leader assigned"), plan.township_leader),
                (_("First secretary (dispatching unit)"), found.text("first_secretary")),
                (_("Paired helping unit"), found.text("helping_unit"))):
            if value:
                persons.append((label, mask_free_text(value)))
    board = DisclosureBoard.objects.filter(designation_id=designation.pk).first()
    return {
        "designation": designation,
        "organization": designation.organization,
        "categories": sorted(designation.categories.all(), key=lambda c: (c.sort_order, c.code)),
        "plan": plan,
        "problems": problems,
        "cycle": cycle,
        "measures": measures,
        "deadline": deadline,
        "persons": persons,
        "board": board,
    }


"""What a disclosure board shows: designation result, main problems, measures, completion time and the
responsible persons, by name and post only (no username, e-mail, phone or ID number ever reaches it).

Every free text on the board (problems, measures, tasks and their owners, responsible persons) goes through
``organizations.personal_data.mask_free_text``: a mobile or ID number typed into it is shown masked."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from organizations.personal_data import mask_free_text

from ..models import Designation, DisclosureBoard, Measure, PlanCycle, Task
from .ledger_export import plan_of


def _person(user) -> str:
    if user is None:
        return ""
    return "，".join(part for part in (user.full_name, user.post) if part)


def board_content(designation: Designation) -> dict:
    """The board of an already-authorised designation (scoped page or published board). Six queries."""
    designation = (Designation.objects.select_related("organization", "organization__village", "county",
                                                      "township", "round", "plan", "plan__contact_leader")
                   .prefetch_related("categories").get(pk=designation.pk))
    plan = plan_of(designation)
    cycle = None
    measures = []
    if plan is not None:
        cycle = PlanCycle.objects.filter(plan=plan).order_by("-number").first()
        measures = list(Measure.objects.filter(plan=plan, **({"cycle": cycle} if cycle else {}))
                        .prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("deadline", "pk")))
                        .order_by("sort_order", "pk"))
    # The instances are this board's own copies (read only): mask the free text they show in place.
    designation.problems = mask_free_text(designation.problems)
    for measure in measures:
        measure.title = mask_free_text(measure.title)
        for task in measure.tasks.all():
            task.title, task.owner_name = mask_free_text(task.title), mask_free_text(task.owner_name)
    deadline = (cycle.deadline if cycle and cycle.deadline else None) or (plan.deadline if plan else None)
    persons = []
    if plan is not None:
        contact = plan.contact_leader_name or _person(plan.contact_leader)
        first_secretary = plan.first_secretary + (f"（{plan.first_secretary_unit}）"
                                                  if plan.first_secretary and plan.first_secretary_unit else "")
        for label, value in (
                (_("Responsible unit"), plan.responsible_unit),
                (_("Responsible person"), plan.responsible_person),
                (_("County contact leader"), contact),
                (_("Township leader assigned"), plan.township_leader),
                (_("First secretary (dispatching unit)"), first_secretary),
                (_("Paired helping unit"), plan.helping_unit)):
            if value:
                persons.append((label, mask_free_text(value)))
    board = DisclosureBoard.objects.filter(designation_id=designation.pk).first()
    return {
        "designation": designation,
        "organization": designation.organization,
        "categories": sorted(designation.categories.all(), key=lambda c: (c.sort_order, c.code)),
        "plan": plan,
        "cycle": cycle,
        "measures": measures,
        "deadline": deadline,
        "persons": persons,
        "board": board,
    }


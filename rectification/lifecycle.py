"""The rectification lifecycle as one explicit table: (state, action, roles allowed, next state).

Every change of a designation's status goes through ``services.designation_transition``,
which looks the action up here, checks the role inside the user's scope and records who,
when and why in ``StatusChange``. Actions marked ``system`` are the entry points the
evaluation capability calls (acceptance, re-rectification); a county admin may also use them.

Re-rectification (``re_rectify`` after a failed evaluation, ``relapse`` after a follow-up review) puts the
organization back in rectification (整顿中, DOMAIN.md §4) with a new cycle of its plan: the unresolved measures
and their open tasks are copied into it with the new cycle's deadline, and the plan goes back to the county
(plan status "awaiting approval"). While it waits, the organization stays "in rectification" (its reports and
visits go on) but cannot apply for acceptance; the county approves the new cycle's plan (``approve_plan``
from "in rectification") or returns it (``return_plan``), and the township resubmits it (``submit_plan``).
These three rows are guarded by the plan's status (``plan_statuses``), as ``request_acceptance`` is (an
approved plan only).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from organizations.roles import Role

from .models import DesignationStatus as S
from .models import PlanStatus as P

R = Role
TOWNSHIP = frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY})
COUNTY = frozenset({R.COUNTY_ADMIN})
EVALUATION = frozenset({R.COUNTY_ADMIN, R.EVALUATOR})


@dataclass(frozen=True)
class Transition:
    state: str
    action: str
    roles: frozenset[str]
    next_state: str
    label: object
    needs_comment: bool = False
    #: The plan statuses in which the action is possible (None: any); checked with the state.
    plan_statuses: frozenset[str] | None = None


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.PROPOSED, "confirm", COUNTY, S.DESIGNATED, _("Confirm designation")),
    Transition(S.PROPOSED, "withdraw", COUNTY, S.WITHDRAWN, _("Withdraw"), needs_comment=True),
    Transition(S.DESIGNATED, "submit_plan", TOWNSHIP | COUNTY, S.PLAN_REVIEW, _("Submit plan for approval")),
    Transition(S.DESIGNATED, "withdraw", COUNTY, S.WITHDRAWN, _("Withdraw"), needs_comment=True),
    Transition(S.PLAN_REVIEW, "approve_plan", COUNTY, S.RECTIFYING, _("Approve plan")),
    Transition(S.PLAN_REVIEW, "return_plan", COUNTY, S.DESIGNATED, _("Return plan"), needs_comment=True),
    Transition(S.RECTIFYING, "request_acceptance", TOWNSHIP | COUNTY, S.ACCEPTANCE_REQUESTED,
               _("Apply for acceptance"), plan_statuses=frozenset({P.APPROVED})),
    # A new cycle's plan (after re-rectification or relapse) goes back to the county.
    Transition(S.RECTIFYING, "approve_plan", COUNTY, S.RECTIFYING, _("Approve the new cycle's plan"),
               plan_statuses=frozenset({P.SUBMITTED})),
    Transition(S.RECTIFYING, "return_plan", COUNTY, S.RECTIFYING, _("Return plan"), needs_comment=True,
               plan_statuses=frozenset({P.SUBMITTED})),
    Transition(S.RECTIFYING, "submit_plan", TOWNSHIP | COUNTY, S.RECTIFYING, _("Submit plan for approval"),
               plan_statuses=frozenset({P.DRAFT, P.RETURNED})),
    Transition(S.ACCEPTANCE_REQUESTED, "reject_request", COUNTY, S.RECTIFYING, _("Send back to rectification"),
               needs_comment=True),
    Transition(S.ACCEPTANCE_REQUESTED, "open_evaluation", EVALUATION, S.EVALUATING,
               _("Open satisfaction evaluation")),
    Transition(S.EVALUATING, "accept", EVALUATION, S.CONSOLIDATING, _("Accept and close out")),
    Transition(S.EVALUATING, "re_rectify", EVALUATION, S.RECTIFYING, _("Rectify again"), needs_comment=True),
    Transition(S.CONSOLIDATING, "complete_consolidation", COUNTY, S.CONSOLIDATED,
               _("Complete consolidation")),
    Transition(S.CONSOLIDATING, "relapse", COUNTY, S.RECTIFYING, _("Relapse: rectify again"),
               needs_comment=True),
)

#: Actions that open a new cycle of the plan (with new deadlines); the old cycle stays readable.
NEW_CYCLE_ACTIONS = frozenset({"re_rectify", "relapse"})

#: Actions taken only through the satisfaction evaluation (evaluations app): opening it, and the decision
#: it makes when it closes (accept and close out, or rectify again). The generic action buttons and the
#: ledger API's ``transition`` refuse them, so the ledger cannot be closed out without an evaluation.
EVALUATION_ACTIONS = frozenset({"open_evaluation", "accept", "re_rectify"})

_BY_KEY = {(t.state, t.action): t for t in TRANSITIONS}
#: Every role that takes some action of the table; the others (leaders, reviewers, villages...) only read.
LIFECYCLE_ROLES = frozenset().union(*(t.roles for t in TRANSITIONS))


def transition_for(state: str, action: str) -> Transition | None:
    return _BY_KEY.get((state, action))


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.state == state]


#: The county's role that records an exception: acceptance applied for while tasks are open.
ACCEPTANCE_EXCEPTION_ROLES = COUNTY


def plan_status_allows(transition: Transition, plan_status: str | None) -> bool:
    return transition.plan_statuses is None or plan_status in transition.plan_statuses


def allowed_transitions(user, designation) -> list[Transition]:
    """The transitions ``user`` may take on ``designation`` now (for buttons; the service re-checks)."""
    from .models import Designation, Plan

    result = []
    candidates = transitions_from(designation.status)
    plan_status = None
    if any(t.plan_statuses is not None for t in candidates):
        plan_status = Plan.objects.filter(designation_id=designation.pk).values_list("status", flat=True).first()
    for transition in candidates:
        if transition.action in EVALUATION_ACTIONS or not plan_status_allows(transition, plan_status):
            continue
        if user.is_superuser or Designation.objects.visible_to(user, roles=transition.roles).filter(
                pk=designation.pk).exists():
            result.append(transition)
    return result


def may_act(user, designation) -> bool:
    """Does ``user`` hold, on ``designation``, a role that takes part in the lifecycle at all (whatever its state)?"""
    from .models import Designation

    return user.is_superuser or Designation.objects.visible_to(user, roles=LIFECYCLE_ROLES).filter(
        pk=designation.pk).exists()


def may_record_acceptance_exception(user, designation) -> bool:
    from .models import Designation

    return user.is_superuser or Designation.objects.visible_to(user, roles=ACCEPTANCE_EXCEPTION_ROLES).filter(
        pk=designation.pk).exists()

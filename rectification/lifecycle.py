"""The rectification lifecycle as one explicit table: (state, action, roles allowed, next state).

Every change of a designation's status goes through ``services.designation_transition``,
which looks the action up here, checks the role inside the user's scope and records who,
when and why in ``StatusChange``. Actions marked ``system`` are the entry points the
evaluation capability calls (acceptance, re-rectification); a county admin may also use them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from organizations.roles import Role

from .models import DesignationStatus as S

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


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.PROPOSED, "confirm", COUNTY, S.DESIGNATED, _("Confirm designation")),
    Transition(S.PROPOSED, "withdraw", COUNTY, S.WITHDRAWN, _("Withdraw"), needs_comment=True),
    Transition(S.DESIGNATED, "submit_plan", TOWNSHIP | COUNTY, S.PLAN_REVIEW, _("Submit plan for approval")),
    Transition(S.DESIGNATED, "withdraw", COUNTY, S.WITHDRAWN, _("Withdraw"), needs_comment=True),
    Transition(S.PLAN_REVIEW, "approve_plan", COUNTY, S.RECTIFYING, _("Approve plan")),
    Transition(S.PLAN_REVIEW, "return_plan", COUNTY, S.DESIGNATED, _("Return plan"), needs_comment=True),
    Transition(S.RECTIFYING, "request_acceptance", TOWNSHIP | COUNTY, S.ACCEPTANCE_REQUESTED,
               _("Apply for acceptance")),
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


def allowed_transitions(user, designation) -> list[Transition]:
    """The transitions ``user`` may take on ``designation`` now (for buttons; the service re-checks)."""
    from .models import Designation

    result = []
    for transition in transitions_from(designation.status):
        if transition.action in EVALUATION_ACTIONS:
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

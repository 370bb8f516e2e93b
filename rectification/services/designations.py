"""Rounds, designation (township proposes, county confirms) and the lifecycle transitions."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Division, Organization
from organizations.policies import effective_policy
from organizations.services.common import by, require

from ..lifecycle import (
    EVALUATION_ACTIONS,
    NEW_CYCLE_ACTIONS,
    may_record_acceptance_exception,
    plan_status_allows,
    transition_for,
)
from ..models import Category, Designation, DesignationStatus, Plan, PlanStatus, Round, StatusChange
from ..rules.plan_gates import current_cycle, open_tasks, plan_incomplete_message, plan_missing
from .check_gates import lifecycle_refusal
from .notices import transition_notify


class LifecycleError(ValidationError):
    """An action that the lifecycle table does not allow from the current state."""


@transaction.atomic
def round_create(*, user, county: Division, year: int, name: str = "") -> Round:
    require(user, "round", "create", county)
    if Round.objects.filter(county=county, year=year).exists():
        raise ValidationError(_("%(county)s already has a round for %(year)s.") % {"county": county.name, "year": year})
    round_ = Round(county=county, year=year, name=name or _("%(county)s %(year)s rectification round") % {
        "county": county.name, "year": year})
    round_.full_clean()
    by(round_, user).save()
    return round_


@transaction.atomic
def designation_propose(*, user, round: Round, organization: Organization, categories: list[Category],
                        problems: str) -> Designation:
    """A township (or the county) proposes an organization as weak and lax in a round."""
    require(user, "designation", "propose", organization)
    if organization.county_id != round.county_id:
        raise ValidationError({"organization": _("The organization is not in this round's county.")})
    if not categories:
        raise ValidationError({"categories": _("Choose at least one category.")})
    foreign = [c for c in categories if c.county_id not in (None, round.county_id)]
    if foreign:
        raise ValidationError({"categories": _("Unknown category.")})
    if not problems.strip():
        raise ValidationError({"problems": _("Describe the problems found.")})
    if Designation.objects.filter(round=round, organization=organization).exists():
        raise ValidationError({"organization": _("This organization is already on this round's list.")})
    designation = Designation(round=round, organization=organization, problems=problems.strip(),
                              status=DesignationStatus.PROPOSED, proposed_by=user, proposed_at=timezone.now())
    designation.copy_scope()
    designation.full_clean()
    by(designation, user).save()
    designation.categories.set(categories)
    return designation


def designation_confirm(*, user, designation: Designation, comment: str = "") -> Designation:
    return designation_transition(user=user, designation=designation, action="confirm", comment=comment)


@transaction.atomic
def designation_transition(*, user, designation: Designation, action: str, comment: str = "",
                           today: dt.date | None = None, new_deadline: dt.date | None = None,
                           through_evaluation: bool = False) -> Designation:
    """Take ``action`` on ``designation`` if the lifecycle table allows it for this user; record it.

    The evaluation actions (``EVALUATION_ACTIONS``) are taken only by the satisfaction evaluation, which
    passes ``through_evaluation=True``.
    """
    if action in EVALUATION_ACTIONS and not through_evaluation:
        raise LifecycleError(_("Acceptance is decided by the satisfaction evaluation: open it, count the "
                               "ballots and close it there."))
    designation = Designation.objects.select_for_update().select_related("organization").get(pk=designation.pk)
    transition = transition_for(designation.status, action)
    if transition is None:
        raise LifecycleError(_("“%(action)s” is not possible while the organization is “%(status)s”.") % {
            "action": action, "status": designation.get_status_display()})
    if not user.is_superuser and not Designation.objects.visible_to(user, roles=transition.roles).filter(
            pk=designation.pk).exists():
        if not Designation.objects.visible_to(user).filter(pk=designation.pk).exists():
            raise Designation.DoesNotExist
        raise PermissionDenied(_("Your role may not do this."))
    if transition.needs_comment and not comment.strip():
        raise ValidationError({"comment": _("Give a reason.")})
    today = today or timezone.localdate()
    refusal = lifecycle_refusal(designation, action, today)  # the check records' gates (services/checks.py)
    if refusal:
        raise LifecycleError(refusal)
    _check_plan_gates(designation, transition)  # the plan's content (rules/plan_gates.py)
    previous = designation.status
    designation.status = transition.next_state
    if action == "confirm":
        designation.confirmed_by, designation.confirmed_at = user, timezone.now()
    if action == "accept":
        months = effective_policy(designation.organization.division)["consolidation_months"]
        designation.closed_out_on = today
        designation.consolidation_until = today + relativedelta(months=int(months))
    if action == "relapse":
        designation.consolidation_until = None
    if designation.status != previous:  # a new cycle's plan reviewed in rectification changes the plan only
        by(designation, user).save()
    _sync_plan_status(designation, action, user, comment.strip())
    if action in NEW_CYCLE_ACTIONS:
        from .cycles import cycle_reopen

        cycle_reopen(user=user, plan=designation.plan, started_on=today, deadline=new_deadline, reason=comment)
    change = StatusChange(designation=designation, action=action, from_status=previous,
                          to_status=designation.status, user=user, comment=comment.strip())
    change.copy_scope_from(designation)
    change.save()
    transition_notify(designation=designation, change=change, user=user)
    return designation


#: Open tasks named in the refusal of an acceptance application (the rest are counted).
LISTED_OPEN_TASKS = 10


def _check_plan_gates(designation: Designation, transition) -> None:
    """The content gates of the plan: complete before submission and approval, the plan's status for the
    guarded rows of the lifecycle table, no open task when acceptance is applied for (unless excepted)."""
    plan = Plan.objects.filter(designation=designation).select_related("designation__round", "organization").first()
    if plan is not None and not plan_status_allows(transition, plan.status):
        if transition.action == "request_acceptance" and plan.status == PlanStatus.SUBMITTED:
            raise LifecycleError(_("The plan of the new rectification cycle awaits the county's approval: "
                                   "acceptance can be applied for once it is approved."))
        raise LifecycleError(_("“%(action)s” is not possible while the plan is “%(plan_status)s”.") % {
            "action": transition.label, "plan_status": plan.get_status_display()})
    if plan is None:
        return
    if transition.action in ("submit_plan", "approve_plan"):
        missing = plan_missing(plan)
        if missing:
            raise ValidationError(plan_incomplete_message(missing))
    if transition.action == "request_acceptance":
        cycle = current_cycle(plan)
        if cycle is not None and cycle.acceptance_exception_at is not None:
            return
        still_open = list(open_tasks(plan)[:LISTED_OPEN_TASKS + 1])
        if still_open:
            count = open_tasks(plan).count()
            names = "、".join(f"{t.title}（{t.progress}%）" for t in still_open[:LISTED_OPEN_TASKS])
            if count > LISTED_OPEN_TASKS:
                names += _(" and %(more)s more") % {"more": count - LISTED_OPEN_TASKS}
            raise ValidationError(_("Acceptance cannot be applied for while %(count)s tasks of the current cycle "
                                    "are not done: %(tasks)s. Finish them first, or the county records an "
                                    "exception with its reason.") % {"count": count, "tasks": names})


@transaction.atomic
def acceptance_exception_record(*, user, designation: Designation, reason: str) -> Designation:
    """The county allows the acceptance application while tasks of the current cycle are open: who, when, why
    and how many tasks were open are kept on the cycle (with its audit trail) and shown on the designation."""
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    if not may_record_acceptance_exception(user, designation):
        if not Designation.objects.visible_to(user).filter(pk=designation.pk).exists():
            raise Designation.DoesNotExist
        raise PermissionDenied(_("Only the county organization department records this exception."))
    if designation.status != DesignationStatus.RECTIFYING:
        raise LifecycleError(_("An exception for the acceptance application is recorded while the organization "
                               "is in rectification."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    plan = Plan.objects.filter(designation=designation).first()
    cycle = current_cycle(plan) if plan is not None else None
    if cycle is None:
        raise ValidationError(_("The plan has no open cycle."))
    count = open_tasks(plan).count()
    if not count:
        raise ValidationError(_("Every task of the current cycle is done: no exception is needed."))
    cycle.acceptance_exception_reason = reason.strip()
    cycle.acceptance_exception_by, cycle.acceptance_exception_at = user, timezone.now()
    cycle.acceptance_exception_open_tasks = count
    by(cycle, user).save()
    return designation


def _sync_plan_status(designation: Designation, action: str, user, comment: str) -> None:
    """Plan approval state follows the plan-review actions."""
    from ..models import PlanStatus

    plan = getattr(designation, "plan", None)
    if plan is None:
        if action in ("submit_plan",):
            raise ValidationError(_("Write the plan before submitting it."))
        return
    status = {"submit_plan": PlanStatus.SUBMITTED, "approve_plan": PlanStatus.APPROVED,
              "return_plan": PlanStatus.RETURNED}.get(action)
    if status is None:
        return
    plan.status = status
    if action in ("approve_plan", "return_plan"):
        plan.reviewed_by, plan.reviewed_at = user, timezone.now()
        plan.review_comment = comment
    plan.version += 1
    by(plan, user).save()


# Entry points for the evaluation capability (satisfaction evaluation decides).
def evaluation_open(*, user, designation: Designation) -> Designation:
    return designation_transition(user=user, designation=designation, action="open_evaluation",
                                  through_evaluation=True)


def evaluation_accept(*, user, designation: Designation, comment: str = "", today=None) -> Designation:
    return designation_transition(user=user, designation=designation, action="accept", comment=comment, today=today,
                                  through_evaluation=True)


def evaluation_re_rectify(*, user, designation: Designation, comment: str, new_deadline=None,
                          today=None) -> Designation:
    return designation_transition(user=user, designation=designation, action="re_rectify", comment=comment,
                                  new_deadline=new_deadline, today=today, through_evaluation=True)


@transaction.atomic
def category_create(*, user, county: Division, code: str, name: str) -> Category:
    """A county's own weak-and-lax category (e.g. 村霸, 无集体经济收入), beside the ten national ones."""
    require(user, "category", "create", county)
    code, name = code.strip().upper(), name.strip()
    if not code or not name:
        raise ValidationError(_("Give a code and a name."))
    if Category.objects.filter(code=code).filter(Q(county__isnull=True) | Q(county=county)).exists():
        raise ValidationError({"code": _("The code %(code)s is already used.") % {"code": code}})
    category = Category(code=code, name=name, county=county,
                        sort_order=100 + Category.objects.filter(county=county).count())
    category.full_clean()
    category.save()
    return category

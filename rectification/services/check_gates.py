"""The gates the check records put on the lifecycle (called by ``designation_transition`` before any change).

- ``request_acceptance`` only from the first day of the round year's last ``acceptance_window_months``
  months (default 2: from 1 November; seed 002 "acceptance at year end"), and afterwards;
- ``open_evaluation`` only once an acceptance meeting of the current cycle has passed (合格 or 基本合格):
  the satisfaction evaluation is part of the acceptance review (domain practice §2a, 7-8);
- ``relapse`` never while the organization has another active designation (it is already on a list).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.utils.translation import gettext as _

from organizations.dates import official_date
from organizations.policies import effective_policy

from ..models import PASSING_RESULTS, AcceptanceReview, Designation, DesignationStatus, PlanCycle

#: Designation statuses of an organization still on a list (not closed out, not withdrawn).
ACTIVE_STATUSES = (DesignationStatus.PROPOSED, DesignationStatus.DESIGNATED, DesignationStatus.PLAN_REVIEW,
                   DesignationStatus.RECTIFYING, DesignationStatus.ACCEPTANCE_REQUESTED,
                   DesignationStatus.EVALUATING)


def acceptance_opens_on(designation: Designation) -> dt.date:
    """The first day on which ``designation`` may apply for acceptance (policy ``acceptance_window_months``)."""
    months = int(effective_policy(designation.organization.division)["acceptance_window_months"])
    return dt.date(designation.round.year, 12 - months + 1, 1)


def current_cycle_number(designation: Designation) -> int:
    plan = getattr(designation, "plan", None) if _has_plan(designation) else None
    cycle = plan.cycles.order_by("-number").first() if plan is not None else None
    return cycle.number if cycle is not None else 1


def _has_plan(designation: Designation) -> bool:
    try:
        designation.plan  # noqa: B018
    except Designation.plan.RelatedObjectDoesNotExist:
        return False
    return True


def current_acceptance(designation: Designation) -> AcceptanceReview | None:
    """The latest acceptance meeting of the designation's current rectification cycle."""
    return designation.acceptance_reviews.filter(cycle_number=current_cycle_number(designation)).order_by(
        "-held_on", "-pk").first()


def other_active_designation(designation: Designation) -> Designation | None:
    return (Designation.objects.filter(organization_id=designation.organization_id, status__in=ACTIVE_STATUSES)
            .exclude(pk=designation.pk).select_related("round").order_by("-round__year").first())


def lifecycle_refusal(designation: Designation, action: str, today: dt.date) -> str | None:
    """Why ``action`` may not be taken on ``designation`` now because of the check records (None: it may)."""
    if action == "request_acceptance":
        opens = acceptance_opens_on(designation)
        if today < opens:
            return _("Acceptance is at the year end: %(organization)s may apply for it from %(day)s.") % {
                "organization": designation.organization.name, "day": official_date(opens)}
    if action == "open_evaluation":
        refusal = _evaluation_refusal(designation, current_acceptance(designation))
        if refusal:
            return refusal
    if action == "relapse":
        other = other_active_designation(designation)
        if other is not None:
            return _("%(organization)s is already on the list of %(round)s (%(status)s): it cannot be "
                     "rectified again in this round as well.") % {
                "organization": designation.organization.name, "round": other.round.name,
                "status": other.get_status_display()}
    return None


def _evaluation_refusal(designation: Designation, review: AcceptanceReview | None) -> str | None:
    """Why the satisfaction evaluation cannot open after ``review`` (the current cycle's latest acceptance)."""
    if review is None:
        return _("Enter the year-end acceptance meeting (date, members, opinions, result) before opening "
                 "the satisfaction evaluation.")
    if review.result not in PASSING_RESULTS:
        return _("The acceptance meeting of %(day)s did not pass %(organization)s: send it back to "
                 "rectification.") % {"day": official_date(review.held_on),
                                      "organization": designation.organization.name}
    return None


def open_evaluation_refusals(designations) -> dict[int, str | None]:
    """``lifecycle_refusal(d, "open_evaluation", …)`` of many designations in two queries (a list page):
    designation id -> why its satisfaction evaluation cannot open yet (None: the acceptance meeting passed)."""
    ids = [d.pk for d in designations]
    if not ids:
        return {}
    cycles = dict(PlanCycle.objects.filter(plan__designation_id__in=ids).values("plan__designation_id")
                  .annotate(number=Max("number")).values_list("plan__designation_id", "number"))
    latest: dict[int, AcceptanceReview] = {}
    for review in AcceptanceReview.objects.filter(designation_id__in=ids).order_by("held_on", "pk"):
        if review.cycle_number == cycles.get(review.designation_id, 1):
            latest[review.designation_id] = review  # the latest of the current cycle wins
    return {d.pk: _evaluation_refusal(d, latest.get(d.pk)) for d in designations}

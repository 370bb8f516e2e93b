"""Reads of the check records: a designation's checks, acceptance meetings and follow-up reviews, and the
closed-out organizations still tracked (``post_closeout_tracking_years``) with their latest follow-up review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch
from django.utils import timezone

from organizations.permissions import can
from organizations.policies import PolicyBook

from ..models import (
    RECTIFIED_STATUSES,
    AcceptanceReview,
    CheckFinding,
    Designation,
    FollowUpReview,
    SixMonthlyCheck,
)
from ..services.checks import (
    ACTIVE_STATUSES,
    CHECK_STATUSES,
    FOLLOW_UP_STATUSES,
    acceptance_opens_on,
    current_cycle_number,
    lifecycle_refusal,
)

#: Upper bound of the tracking policy (years): the list reads closed-out designations this far back at most.
MAX_TRACKING_YEARS = 10


def designation_records(user, designation: Designation) -> dict:
    """The check records of one designation (in the user's scope) and what the user may add now."""
    checks = list(SixMonthlyCheck.objects.visible_to(user).filter(designation=designation)
                  .select_related("entered_by")
                  .prefetch_related(Prefetch("measure_findings",
                                             queryset=CheckFinding.objects.select_related("measure"))))
    status = designation.status
    return {
        "checks": checks,
        "acceptance_reviews": list(AcceptanceReview.objects.visible_to(user).filter(designation=designation)
                                   .select_related("entered_by")),
        "follow_ups": list(FollowUpReview.objects.visible_to(user).filter(designation=designation)
                           .select_related("entered_by")),
        "may_add_check": status in CHECK_STATUSES and can(user, "check", "create", designation),
        "may_add_acceptance": status == "acceptance_requested" and can(user, "acceptance", "create", designation),
        "may_add_follow_up": status in FOLLOW_UP_STATUSES and can(user, "follow_up", "create", designation),
        # Corrections (the services say when): checks during rectification, the acceptance meeting of the current
        # cycle until its evaluation opens, follow-up reviews while tracked.
        "may_change_checks": bool(checks) and status in CHECK_STATUSES and can(user, "check", "change", designation),
        "may_change_acceptance": status == "acceptance_requested" and can(user, "acceptance", "change", designation),
        "current_cycle": current_cycle_number(designation) if status == "acceptance_requested" else None,
        "may_change_follow_ups": designation.closed_out_on is not None and can(user, "follow_up", "change",
                                                                               designation),
        "acceptance_opens_on": acceptance_opens_on(designation) if status == "rectifying" else None,
        # Why the satisfaction evaluation cannot open yet (no passed acceptance meeting of this cycle).
        "evaluation_refusal": lifecycle_refusal(designation, "open_evaluation", timezone.localdate())
        if status == "acceptance_requested" else None,
    }


@dataclass
class TrackedOrganization:
    designation: Designation
    tracked_until: dt.date
    last_follow_up: FollowUpReview | None
    relisted: Designation | None

    @property
    def organization(self):
        return self.designation.organization


def tracked_organizations(user, today: dt.date | None = None) -> list[TrackedOrganization]:
    """Closed-out organizations in the user's scope still inside their tracking years, newest close-out first,
    each with its latest follow-up review and its active designation of a later round (a relapse re-listed)."""
    today = today or timezone.localdate()
    designations = list(
        Designation.objects.visible_to(user)
        .filter(status__in=RECTIFIED_STATUSES, closed_out_on__gte=today - relativedelta(years=MAX_TRACKING_YEARS))
        .select_related("organization", "round", "township")
        .prefetch_related(Prefetch("follow_ups", queryset=FollowUpReview.objects.order_by("-reviewed_on", "-pk")))
        .order_by("-closed_out_on", "organization__name"))
    book = PolicyBook(["post_closeout_tracking_years"])
    relisted = {}
    for later in (Designation.objects.filter(organization_id__in={d.organization_id for d in designations},
                                              status__in=ACTIVE_STATUSES).select_related("round")):
        relisted.setdefault(later.organization_id, []).append(later)
    rows = []
    for designation in designations:
        years = int(book.for_organization(designation.organization)["post_closeout_tracking_years"])
        until = designation.closed_out_on + relativedelta(years=years)
        if until < today:
            continue
        follow_ups = list(designation.follow_ups.all())
        later = [d for d in relisted.get(designation.organization_id, []) if d.round.year > designation.round.year]
        rows.append(TrackedOrganization(designation, until, follow_ups[0] if follow_ups else None,
                                        later[0] if later else None))
    return rows


def follow_ups_of_organization(user, organization) -> list[FollowUpReview]:
    return list(FollowUpReview.objects.visible_to(user).filter(organization=organization)
                .select_related("designation__round").order_by("-reviewed_on", "-pk"))


def discipline_cases(user, designation: Designation) -> dict | None:
    """The discipline cases of a designation (in the user's scope) and whether the user may record one; None
    (no panel) for a designation that is not, or no longer, on a confirmed list and has no case."""
    from ..models import DisciplineCase
    from .counting import NOT_COUNTED

    cases = list(DisciplineCase.objects.visible_to(user).filter(designation=designation))
    may_add = designation.status not in NOT_COUNTED and can(user, "discipline_case", "create", designation)
    if not cases and designation.status in NOT_COUNTED:
        return None
    return {"designation": designation, "cases": cases, "may_add_case": may_add}

"""Contact leaders' visits to the organizations assigned to them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.services.common import by, require

from ..models import ContactVisit, DesignationStatus, Plan

#: A visit is logged once the organization is designated, and not after it was withdrawn.
NO_VISIT_STATUSES = (DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN)
MAX_PROBLEMS_PER_VISIT = 50


@transaction.atomic
def visit_log(*, user, plan: Plan, visited_on: dt.date, discussed: str, problems_solved: str = "",
              problems_solved_count: int = 0, today: dt.date | None = None) -> ContactVisit:
    """A contact leader records a visit: only to an organization assigned to them (role table "visit")."""
    today = today or timezone.localdate()
    require(user, "visit", "create", plan)
    errors: dict[str, list] = {}
    if plan.designation.status in NO_VISIT_STATUSES:
        raise ValidationError(_("Visits are logged once the organization has been designated."))
    if visited_on is None:
        errors.setdefault("visited_on", []).append(_("Enter the date."))
    elif visited_on > today:
        errors.setdefault("visited_on", []).append(_("The date cannot be in the future."))
    discussed = (discussed or "").strip()
    if not discussed:
        errors.setdefault("discussed", []).append(_("Say what was discussed."))
    try:
        count = int(problems_solved_count or 0)
    except (TypeError, ValueError):
        count = -1
    if not 0 <= count <= MAX_PROBLEMS_PER_VISIT:
        errors.setdefault("problems_solved_count", []).append(
            _("Enter a whole number between 0 and %(max)s.") % {"max": MAX_PROBLEMS_PER_VISIT})
    problems_solved = (problems_solved or "").strip()
    if count > 0 and not problems_solved:
        errors.setdefault("problems_solved", []).append(_("Name the problems solved."))
    if errors:
        raise ValidationError(errors)
    visit = ContactVisit(plan=plan, leader=user, visited_on=visited_on, discussed=discussed,
                         problems_solved=problems_solved, problems_solved_count=count)
    visit.copy_scope_from(plan)
    by(visit, user).save()
    return visit

"""Contact leaders' visits to the organizations assigned to them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.leaders import LeaderRef, leader_directory
from organizations.services.common import by, require

from ..models import ContactVisit, DesignationStatus, Plan

#: A visit is logged once the organization is designated, and not after it was withdrawn.
NO_VISIT_STATUSES = (DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN)
MAX_PROBLEMS_PER_VISIT = 50


def visit_leader_choices(plan: Plan, *, today: dt.date | None = None) -> list[LeaderRef]:
    """The contact leaders a visit to ``plan``'s organization may be entered for: those paired with it today."""
    return leader_directory().paired_with(plan.organization_id, today or timezone.localdate())


@transaction.atomic
def visit_log(*, user, plan: Plan, visited_on: dt.date, discussed: str, problems_solved: str = "",
              problems_solved_count: int = 0, leader_key: int | str | None = None,
              today: dt.date | None = None) -> ContactVisit:
    """A contact leader records their own visit to an organization assigned to them (role table "visit"/
    "create"); or, with ``leader_key``, a township organizer or the county admin enters it for a leader paired
    with the village ("visit"/"record"), most leaders having no account. Who entered it is kept
    (``entered_by`` and the history)."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    if leader_key in (None, ""):
        require(user, "visit", "create", plan)
        own = leader_directory().of_user(user.pk)
        paired = {ref.key for ref in visit_leader_choices(plan, today=today)}
        ref = next((r for r in own if r.key in paired), own[0] if own else None)
        leader_id = user.pk
    else:
        require(user, "visit", "record", plan)
        choices = {r.key: r for r in visit_leader_choices(plan, today=today)}
        try:
            ref = choices.get(int(leader_key))
        except (TypeError, ValueError):
            ref = None
        if ref is None:
            errors.setdefault("leader_key", []).append(
                _("Choose a contact leader paired with this organization."))
        leader_id = ref.user_id if ref is not None else None
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
    visit = ContactVisit(plan=plan, leader_id=leader_id, leader_key=ref.key if ref else None,
                         leader_name=ref.label if ref else user.display_name, entered_by=user,
                         visited_on=visited_on, discussed=discussed, problems_solved=problems_solved,
                         problems_solved_count=count)
    visit.copy_scope_from(plan)
    by(visit, user).save()
    return visit

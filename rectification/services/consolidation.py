"""The end of the consolidation period (巩固期): a daily job completes the consolidation of every closed-out
organization whose ``consolidation_until`` has passed (巩固期 → 巩固完成), through the lifecycle table's
``complete_consolidation``, recorded in ``StatusChange`` under the ledger's system account.

Idempotent: a designation already completed is not in the job's query; a designation is locked and its
status read again before it moves, so two runs at once move it once.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.dates import official_date
from organizations.models import User
from organizations.services.common import by

from ..lifecycle import transition_for
from ..models import Designation, DesignationStatus, StatusChange

SYSTEM_USERNAME = "system-ledger"
ACTION = "complete_consolidation"


def ledger_system_actor() -> User:
    """The account the ledger's jobs record their lifecycle changes under (inactive: it cannot log in)."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=SYSTEM_USERNAME, full_name="系统（台账定时任务）", is_active=False)
                user.set_unusable_password()
                user.save()
        except IntegrityError:
            user = User.objects.get(username=SYSTEM_USERNAME)
    return user


def _day(today) -> dt.date:
    if isinstance(today, dt.date):
        return today
    return dt.date.fromisoformat(today) if today else timezone.localdate()


def consolidation_due(county_id: int, today: dt.date):
    """Designations of the county whose consolidation period ended before ``today``."""
    return Designation.objects.filter(county_id=county_id, status=DesignationStatus.CONSOLIDATING,
                                      consolidation_until__lt=today)


@transaction.atomic
def consolidation_complete(*, designation_id: int, today: dt.date, actor: User) -> bool:
    """Complete one designation's consolidation if it is still due; True when it moved."""
    designation = Designation.objects.select_for_update().filter(pk=designation_id).first()
    if designation is None or designation.status != DesignationStatus.CONSOLIDATING or \
            designation.consolidation_until is None or designation.consolidation_until >= today:
        return False
    transition = transition_for(designation.status, ACTION)
    previous = designation.status
    designation.status = transition.next_state
    by(designation, actor).save()
    change = StatusChange(designation=designation, action=ACTION, from_status=previous,
                          to_status=designation.status, user=actor,
                          comment=_("The consolidation period ended on %(day)s (daily job).") % {
                              "day": official_date(designation.consolidation_until)})
    change.copy_scope_from(designation)
    change.save()
    return True


def complete_county_consolidations(county_id: int, today: str | dt.date | None = None) -> dict:
    """The job: complete the consolidation periods of one county that ended before ``today``."""
    day = _day(today)
    ids = list(consolidation_due(county_id, day).order_by("pk").values_list("pk", flat=True))
    actor = ledger_system_actor() if ids else None
    completed = sum(consolidation_complete(designation_id=pk, today=day, actor=actor) for pk in ids)
    return {"completed": completed}

"""Recording a violation of discipline or law investigated in a designated organization (查处违纪违法行为)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.services.common import by, require

from ..models import DisciplineCase
from ..selectors.counting import NOT_COUNTED
from .checks import _locked, _not_in_future, _text


@transaction.atomic
def discipline_case_record(*, user, designation, decided_on: dt.date, summary: str, handled_by: str,
                           today: dt.date | None = None) -> DisciplineCase:
    """Record a case investigated in a designated organization (confirmed, not withdrawn)."""
    require(user, "discipline_case", "create", designation)
    designation = _locked(designation)
    if designation.status in NOT_COUNTED:
        raise ValidationError(_("Cases are recorded for organizations on a confirmed list."))
    _not_in_future("decided_on", decided_on, today or timezone.localdate())
    case = DisciplineCase(designation=designation, decided_on=decided_on,
                          summary=_text("summary", summary, _("Describe the case.")),
                          handled_by=_text("handled_by", handled_by, _("Name who handled the case.")),
                          entered_by=user)
    case.copy_scope_from(designation)
    case.full_clean(exclude=["designation", "organization", "county", "township"])
    by(case, user).save()
    return case

"""The county Standing Committee's decision behind a round's list (县委常委会研究确定整顿对象名单).

Domain practice §2a step 2 (S13, S14): the county Organization Department proposes the targets and the
county Standing Committee studies the list and fixes it. The round records that meeting's date and the
document number (文号) it was issued under; the round page and the ledger export show it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.services.common import by, require

from ..models import Round


@transaction.atomic
def round_decision_record(*, user, round: Round, meeting_on: dt.date | None, document: str) -> Round:
    """Record (or correct) the Standing Committee meeting date and document number of ``round``'s list.

    Allowed to those who create rounds (the county Organization Department). Both values are needed;
    the meeting cannot be in the future nor before the round's year.
    """
    require(user, "round", "create", round.county)
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    document = (document or "").strip()
    errors = {}
    if meeting_on is None:
        errors["meeting_on"] = _("Enter the date of the Standing Committee meeting.")
    elif meeting_on > timezone.localdate():
        errors["meeting_on"] = _("The meeting date is in the future.")
    elif meeting_on.year < round_.year - 1:
        errors["meeting_on"] = _("The meeting date is long before the round's year.")
    if not document:
        errors["document"] = _("Enter the document number, e.g. 仙委〔2026〕12号.")
    if errors:
        raise ValidationError(errors)
    round_.standing_committee_on, round_.standing_committee_document = meeting_on, document[:60]
    round_.full_clean()
    by(round_, user).save()
    return round_

"""Workbooks of the escalation ladder: the escalations list (the page's scoped, filtered rows) and a circular
(通报): the organizations it lists with their townships and reasons. The kernel's writer: letterhead, print set-up."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.exports.excel import Letterhead, issuing_unit, letterhead_for, xlsx_response

from ..selectors.escalations import circular_rows


def escalation_headers() -> list[str]:
    return [_("Party organization"), _("Township"), _("Cause"), _("Reason"), _("Rung"), _("Listed for supervision"),
            _("Responsible"), _("Opened on"), _("Deadline"), _("Days open"), _("Resolved on"), _("Resolution")]


def escalation_rows(queryset):
    today = timezone.localdate()
    for e in queryset.iterator(chunk_size=500):
        yield [e.organization.name, e.township.name if e.township else "", e.get_cause_display(), e.reason,
               e.get_rung_display(), _("Yes") if e.is_listed else _("No"), e.owner_name, e.opened_on, e.deadline,
               e.days_open(today), e.resolved_on, e.resolution]


def escalations_workbook(user, queryset):
    letterhead = letterhead_for(user, _("Escalations of rectification work"))
    return xlsx_response(f"escalations-{timezone.localdate():%Y%m%d}.xlsx", _("Escalations"), escalation_headers(),
                         escalation_rows(queryset.order_by("township__code", "organization__division__code", "pk")),
                         letterhead=letterhead, key_columns=2)


def circular_headers() -> list[str]:
    return [_("No."), _("Township"), _("Party organization"), _("Cause"), _("Reason circulated"),
            _("Responsible"), _("Rectify by")]


def circular_workbook(user, circular):
    rows = [[n, step.township.name if step.township else "", step.organization.name,
             step.escalation.get_cause_display(), step.content, step.owner_name, step.deadline]
            for n, step in enumerate(circular_rows(circular), start=1)]
    letterhead = Letterhead(subject=circular.title, unit=issuing_unit(circular.division),
                            notes=(_("Document number: %(number)s") % {"number": circular.number},))
    return xlsx_response(f"circular-{circular.pk}.xlsx", _("Circular"), circular_headers(), rows,
                         letterhead=letterhead, key_columns=3)

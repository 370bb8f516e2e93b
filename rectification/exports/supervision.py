"""The supervision teams' findings as a workbook (the kernel's writer: letterhead, print set-up)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.exports.excel import letterhead_for, xlsx_response


def finding_headers() -> list[str]:
    return [_("Inspected on"), _("Supervision team"), _("Township"), _("Party organization"), _("Inspection finding"), _("Score"),
            _("Follow-up"), _("Escalation"), _("Rectification task")]


def finding_rows(queryset):
    for f in queryset.order_by("-inspection__inspected_on", "inspection_id", "organization__division__code"):
        yield [f.inspection.inspected_on, f.inspection.team.name, f.inspection.division.name, f.organization.name,
               f.finding, f.score, f.get_action_display(),
               f.escalation.get_rung_display() if f.escalation else "", f.task.title if f.task else ""]


def findings_workbook(user, queryset):
    return xlsx_response(f"inspections-{timezone.localdate():%Y%m%d}.xlsx", _("Inspections"), finding_headers(),
                         finding_rows(queryset), letterhead=letterhead_for(user, _("Findings of the supervision "
                                                                                  "teams")), key_columns=4)

"""The planning ledger's workbook for the city (规划台账): the plan against the ledger year by year, then every
planned organization with its outcome. The kernel's writer: letterhead, A4 print set-up, header repeated."""

from __future__ import annotations

from django.utils.translation import gettext as _

from organizations.exports.excel import SheetWriter, file_response, letterhead_for, new_workbook, year_period

from ..selectors.planning import plan_comparison


def state_label(state: str) -> str:
    return {"relapsed": _("Relapsed"), "rectified": _("Transformed (closed out)"),
            "in_progress": _("In rectification"), "not_designated": _("Not designated")}[state]


def year_columns() -> list[tuple[str, int]]:
    return [(_("Year"), 8), (_("Goal of the year"), 40), (_("Organizations to transform"), 10),
            (_("Planned organizations"), 10), (_("of which designated"), 10), (_("of which transformed"), 10),
            (_("of which relapsed"), 10), (_("Weak organizations of the year's round"), 12),
            (_("of which closed out"), 10), (_("Designated outside the plan"), 12),
            (_("Carried into the next year"), 10)]


def year_values(row) -> tuple:
    return (row.year, row.goal.goal if row.goal else "", row.target, row.planned, row.planned_designated,
            row.planned_rectified, row.planned_relapsed, row.designated, row.rectified, len(row.unplanned),
            row.carried_forward)


def entry_columns() -> list[tuple[str, int]]:
    return [(_("Planned year"), 8), (_("Township"), 12), (_("Party organization"), 26),
            (_("Goal for the organization"), 30), (_("Why it is planned"), 30), (_("Carried forward from"), 10),
            (_("Designation status"), 16), (_("Outcome"), 14)]


def entry_values(entry, outcome) -> tuple:
    return (entry.year, entry.township.name if entry.township else "", entry.organization.name, entry.goal,
            entry.reason, entry.carried_from.year if entry.carried_from else "",
            outcome.designation.get_status_display() if outcome.designation else "", state_label(outcome.state))


def write_plan_workbook(handle, user, plan) -> None:
    comparison = plan_comparison(user, plan)
    workbook = new_workbook(handle)
    period = year_period(plan.first_year, plan.last_year)
    notes = [plan.title] + ([_("Document number: %(number)s") % {"number": plan.document_number}]
                            if plan.document_number else [])
    head = letterhead_for(user, _("implementation of the multi-year rectification plan"), whose=plan.division.name,
                          period=period, notes=notes)
    years = SheetWriter(workbook, _("Plan and outcome by year"), year_columns(), letterhead=head, wrap=True)
    for row in comparison.years:
        years.write(year_values(row))
    head = letterhead_for(user, _("organizations of the multi-year rectification plan"),
                          whose=plan.division.name, period=period, notes=notes)
    entries = SheetWriter(workbook, _("Planned organizations"), entry_columns(), letterhead=head, wrap=True,
                          key_columns=3)
    for entry, outcome in comparison.entries:
        entries.write(entry_values(entry, outcome))
    workbook.close()


def plan_workbook_response(user, plan):
    name = _("%(county)s multi-year rectification plan %(first)s-%(last)s") % {
        "county": plan.division.name, "first": plan.first_year, "last": plan.last_year}
    return file_response(name, lambda handle: write_plan_workbook(handle, user, plan))

"""The ledger export: one row per designation in the consolidated layout (domain practice §3d).

Written with the kernel's streaming writer (organizations.exports.excel): user text is never a
formula, multi-line cells (measures, progress) are wrapped, the sheet prints A4 landscape.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.exports.excel import (
    Letterhead,
    SheetWriter,
    file_response,
    letterhead_for,
    new_workbook,
    year_period,
)
from organizations.models import OrganizationType
from organizations.registry import export_columns

from ..models import AcceptanceResult, CheckGrade, DesignationStatus, FollowUpFinding, TaskStatus
from ..selectors.ledger_export import ExportRow, LedgerFacts, TextFormats, export_facts, plan_of

#: (header, column width in Excel character units)
LEDGER_COLUMNS = (
    (gettext_lazy("No."), 6),
    (gettext_lazy("County (city, district)"), 10),
    (gettext_lazy("Township (subdistrict)"), 10),
    (gettext_lazy("Village (community)"), 12),
    (gettext_lazy("Organization name"), 28),
    (gettext_lazy("Organization type"), 10),
    (gettext_lazy("Party members"), 8),
    (gettext_lazy("Village Party secretary"), 10),
    (gettext_lazy("Year designated"), 8),
    (gettext_lazy("Times designated"), 8),
    (gettext_lazy("Weak-and-lax categories"), 30),
    (gettext_lazy("Main problems"), 40),
    (gettext_lazy("Problem list"), 40),
    (gettext_lazy("Cause analysis"), 30),
    (gettext_lazy("Rectification objectives"), 30),
    (gettext_lazy("Rectification measures (item by item)"), 60),
    (gettext_lazy("Responsible unit / person"), 18),
    (gettext_lazy("Completion deadline"), 14),
    (gettext_lazy("County contact leader"), 16),
    (gettext_lazy("Township leader assigned"), 14),
    (gettext_lazy("First secretary (dispatching unit)"), 20),
    (gettext_lazy("Paired helping unit"), 18),
    (gettext_lazy("Secretary adjusted / trained"), 14),
    (gettext_lazy("Progress this period"), 50),
    (gettext_lazy("Report submitted on"), 14),
    (gettext_lazy("Closed out on"), 14),
    (gettext_lazy("Consolidation until"), 14),
    (gettext_lazy("Status"), 14),
    (gettext_lazy("Remarks"), 24),
    (gettext_lazy("Six-monthly check (date / grade)"), 16),
    (gettext_lazy("Acceptance meeting (date / result)"), 16),
    (gettext_lazy("Follow-up review (date / finding)"), 16),
)
LEDGER_HEADERS = tuple(header for header, _width in LEDGER_COLUMNS)


def ledger_columns() -> tuple:
    """The ledger's own columns, then those the upper apps register (slot "ledger"): (header, width)."""
    return (*LEDGER_COLUMNS, *((header, width) for columns in export_columns("ledger")
                               for _key, header, width in columns.columns))


def ledger_headers() -> tuple:
    return tuple(header for header, _width in ledger_columns())


# --- the ledger rows -------------------------------------------------------------------------------------------

def measures_text(measures, task_line: str | None = None, task_statuses: dict | None = None) -> str:
    """"1. measure\n   · task — owner, deadline (status)" for every measure, its tasks below it."""
    task_line = task_line or _("   · %(task)s — %(owner)s, by %(deadline)s (%(status)s)")
    task_statuses = task_statuses or {value: str(label) for value, label in TaskStatus.choices}
    lines = []
    for number, measure in enumerate(measures, start=1):
        lines.append(f"{number}. {measure.title}")
        for task in measure.tasks:
            lines.append(task_line % {"task": task.title, "owner": task.owner_name, "deadline": _date(task.deadline),
                                      "status": task_statuses.get(task.status, task.status)})
    return "\n".join(lines)


def problems_text(problems) -> str:
    """"1. 组织涣散 · RSHS02 …：how it shows" for every problem of the plan's problem list."""
    return "\n".join(f"{number}. {p.label}：{p.description}" if p.description else f"{number}. {p.label}"
                     for number, p in enumerate(problems, start=1))


def causes_text(problems, overall: str) -> str:
    """The cause analysis of each problem (numbered as in the problem list), then the plan's overall one."""
    lines = [f"{number}. {p.cause_analysis}" for number, p in enumerate(problems, start=1) if p.cause_analysis]
    return "\n".join([*lines, overall] if overall else lines)


def progress_text(entries) -> str:
    return "\n".join(f"{_date(entry.happened_on)} {entry.content}" for entry in entries)


def _date(value) -> str:
    return f"{value.year}-{value.month:02d}-{value.day:02d}" if value else ""


def ledger_row(number: int, row: ExportRow, labels: dict) -> tuple:
    """A ledger row from model instances (the API's JSON ledger). The export writes ``ledger_values`` from plain
    values; rectification/tests/test_export_ledger_rows.py holds the two equal, cell for cell."""
    d = row.designation
    organization = d.organization
    plan = plan_of(d)
    deadline = (row.cycle.deadline if row.cycle is not None and row.cycle.deadline else None) or \
        (plan.deadline if plan is not None else None)
    last_report = timezone.localtime(row.last_report_on).date() if row.last_report_on else None
    responsible = ""
    adjusted_trained = ""
    if plan is not None:
        responsible = " / ".join(p for p in (plan.responsible_unit, plan.responsible_person) if p)
        adjusted_trained = "；".join((labels["adjusted"][plan.secretary_adjusted],
                                     labels["trained"][plan.secretary_trained]))
    return (
        number,
        d.county.name if d.county_id else "",
        d.township.name if d.township_id else "",
        organization.village.name if organization.village_id else "",
        organization.name,
        labels["types"].get(organization.org_type, organization.org_type),
        organization.member_count,
        organization.secretary_name,
        d.round.year,
        row.times_designated,
        "\n".join(f"{c.code} {c.name}" for c in sorted(d.categories.all(), key=lambda c: (c.sort_order, c.code))),
        d.problems,
        problems_text(row.problems),
        causes_text(row.problems, plan.cause_analysis if plan else ""),
        plan.objectives if plan else "",
        measures_text(row.measures, labels["task_line"], labels["task_statuses"]),
        responsible,
        deadline,
        row.four_ones.text("contact_leader"),
        plan.township_leader if plan else "",
        row.four_ones.text("first_secretary"),
        row.four_ones.text("helping_unit"),
        adjusted_trained,
        progress_text(row.entries),
        last_report,
        d.closed_out_on,
        d.consolidation_until,
        labels["statuses"].get(d.status, d.status),
        d.follow_up_result,
        _record_text(row.last_check, labels["grades"]),
        _record_text(row.last_acceptance, labels["acceptance_results"]),
        _record_text(row.last_follow_up, labels["follow_up_findings"]),
        *row.extra,
    )


def _record_text(record, labels: dict) -> str:
    """"2026-06-20 较好" for a check record (date, outcome), empty without one."""
    if record is None:
        return ""
    day, value = record
    return f"{_date(day)} {labels.get(value, value)}"


def row_labels() -> dict:
    """Translated labels, resolved once per export rather than once per cell."""
    return {
        "types": {value: str(label) for value, label in OrganizationType.choices},
        "statuses": {value: str(label) for value, label in DesignationStatus.choices},
        "task_statuses": {value: str(label) for value, label in TaskStatus.choices},
        "task_line": _("   · %(task)s — %(owner)s, by %(deadline)s (%(status)s)"),
        "adjusted": {True: _("Adjusted"), False: _("Not adjusted")},
        "trained": {True: _("Trained"), False: _("Not trained")},
        "grades": {value: str(label) for value, label in CheckGrade.choices},
        "acceptance_results": {value: str(label) for value, label in AcceptanceResult.choices},
        "follow_up_findings": {value: str(label) for value, label in FollowUpFinding.choices},
    }


def ledger_values(number: int, row: LedgerFacts, labels: dict) -> tuple:
    """The export's row from plain values: cell for cell what ``ledger_row`` makes of an ``ExportRow``."""
    has_plan = row.plan_id is not None
    deadline = row.cycle_deadline or (row.plan_deadline if has_plan else None)
    last_report = timezone.localtime(row.last_report_on).date() if row.last_report_on else None
    responsible = ""
    adjusted_trained = ""
    if has_plan:
        responsible = " / ".join(p for p in (row.responsible_unit, row.responsible_person) if p)
        adjusted_trained = "；".join((labels["adjusted"][row.secretary_adjusted],
                                     labels["trained"][row.secretary_trained]))
    return (
        number,
        row.county or "",
        row.township or "",
        row.village or "",
        row.organization,
        labels["types"].get(row.org_type, row.org_type),
        row.member_count,
        row.secretary_name,
        row.year,
        row.times_designated,
        "\n".join(f"{code} {name}" for code, name in row.categories),
        row.problems_found,
        problems_text(row.problems),
        causes_text(row.problems, row.cause_analysis if has_plan else ""),
        row.objectives if has_plan else "",
        row.measures_text if row.measures_text is not None else
        measures_text(row.measures, labels["task_line"], labels["task_statuses"]),
        responsible,
        deadline,
        row.four_ones.text("contact_leader"),
        row.township_leader if has_plan else "",
        row.four_ones.text("first_secretary"),
        row.four_ones.text("helping_unit"),
        adjusted_trained,
        row.progress_text if row.progress_text is not None else progress_text(row.entries),
        last_report,
        row.closed_out_on,
        row.consolidation_until,
        labels["statuses"].get(row.status, row.status),
        row.follow_up_result,
        _record_text(row.last_check, labels["grades"]),
        _record_text(row.last_acceptance, labels["acceptance_results"]),
        _record_text(row.last_follow_up, labels["follow_up_findings"]),
        *row.extra,
    )


def ledger_rows(queryset, chunk_size: int | None = None) -> Iterable[tuple]:
    """The export's rows in the queryset's order, numbered from 1: plain values read set-based, chunk by chunk."""
    labels = row_labels()
    texts = TextFormats(labels["task_line"], labels["task_statuses"])
    rows = export_facts(queryset, chunk_size, texts) if chunk_size else export_facts(queryset, texts=texts)
    for number, row in enumerate(rows, start=1):
        yield ledger_values(number, row, labels)


def decision_lines(queryset) -> list[str]:
    """One title line per round of the export whose Standing Committee decision is recorded."""
    from ..models import Round

    rounds = Round.objects.filter(pk__in=queryset.order_by().values("round_id")).exclude(
        standing_committee_on=None).order_by("-year", "county__code")
    return [f"{r.name}：{r.standing_committee_text}" for r in rounds]


def ledger_letterhead(queryset, user=None) -> Letterhead:
    """The kernel's letterhead: the years of the rounds exported, the Standing Committee decisions as notes."""
    from django.db.models import Max, Min

    years = queryset.order_by().aggregate(first=Min("round__year"), last=Max("round__year"))
    return letterhead_for(user, _("Rectification ledger of weak and lax Party organizations"),
                          period=year_period(years["first"], years["last"]), notes=decision_lines(queryset))


def write_ledger(target, queryset, chunk_size: int | None = None, letterhead: Letterhead | None = None,
                 progress=None) -> int:
    """Write the ledger workbook of ``queryset`` to ``target``; ``progress(rows_written)`` after each row."""
    workbook = new_workbook(target)
    writer = SheetWriter(workbook, _("Rectification ledger"), ledger_columns(), wrap=True, key_columns=5,
                         letterhead=letterhead or ledger_letterhead(queryset))
    count = 0
    for values in ledger_rows(queryset, chunk_size):
        writer.write(values)
        count += 1
        if progress is not None:
            progress(count)
    workbook.close()
    return count


def ledger_filename(*, user=None, params=None) -> str:
    return "{}-{}.xlsx".format(_("Rectification ledger"), timezone.localdate().strftime("%Y%m%d"))


def ledger_export_response(queryset, user=None):
    letterhead = ledger_letterhead(queryset, user)
    return file_response(ledger_filename(), lambda handle: write_ledger(handle, queryset, letterhead=letterhead))


def write_ledger_in_background(*, user, params: dict, target, progress) -> int:
    """The background export "ledger" (registered in RectificationConfig.ready): the ledger page's scope and
    filters of ``user`` as they are when the worker runs."""
    from ..selectors.ledger_export import ledger_export_queryset

    queryset = ledger_export_queryset(user, params)
    return write_ledger(target, queryset, letterhead=ledger_letterhead(queryset, user), progress=progress)

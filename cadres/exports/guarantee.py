"""The guarantee ledger workbook (保障台账), in the layout a county prints for the level above: one sheet of
the organizations (subsidy due, disbursed and balance; venue; secretary's pay against the standard; days in the
village; shortfalls), one of the disbursements (date, source, amount, use) and one of the monthly days in the
village. Each sheet opens with the kernel's letterhead and carries its print set-up (``SheetWriter``).

The rows are the list page's (same scope and filters): the view (``web/guarantee_views.py``, a
ScopedExportView) checks the export permission and writes the security log.
"""

from __future__ import annotations

from organizations.exports.excel import SheetWriter, file_response, letterhead_for, new_workbook, year_period

from ..models import Disbursement, FundSource, PresenceKind, PresenceMonth, Renovation, VenueCondition
from ..selectors.guarantee import LedgerRow, required_days

SUMMARY_COLUMNS = [("序号", 6), ("乡镇（街道）", 12), ("党组织", 22), ("人口", 8), ("应拨运转经费（元）", 12),
                   ("已拨付（元）", 12), ("未拨付余额（元）", 12), ("活动场所面积（㎡）", 10), ("场所状况", 8),
                   ("改造提升", 8), ("村党组织书记", 10), ("书记报酬（元/年）", 12), ("报酬标准（元/年）", 12),
                   ("驻村天数达标要求", 12), ("驻村天数未达标", 24), ("驻村天数未填报", 24), ("存在短板", 40)]
DISBURSEMENT_COLUMNS = [("序号", 6), ("乡镇（街道）", 12), ("党组织", 22), ("拨付日期", 12), ("资金来源", 16),
                        ("金额（元）", 12), ("用途", 40)]
PRESENCE_COLUMNS = [("序号", 6), ("乡镇（街道）", 12), ("党组织", 22), ("月份", 6), ("姓名", 10), ("身份", 12),
                    ("当月工作日", 10), ("在村天数", 10), ("应在村天数", 10), ("是否达标", 8)]


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _summary_row(index: int, row: LedgerRow) -> list:
    organization, ledger = row.organization, row.ledger
    conditions, renovations = _labels(VenueCondition.choices), _labels(Renovation.choices)
    return [
        index, organization.township.name if organization.township else "", organization.name,
        organization.population, row.subsidy_due if row.guaranteed else "", row.disbursed if row.guaranteed else "",
        row.balance if row.guaranteed else "", ledger.venue_area if ledger else "",
        conditions.get(ledger.venue_condition, "") if ledger else "",
        renovations.get(ledger.venue_renovation, "") if ledger else "", row.secretary_name,
        ledger.secretary_pay if ledger else "", row.pay_required if row.guaranteed else "",
        f"不少于工作日的{row.days_share}%",
        "、".join(f"{m.name}{m.month}月（{m.days}/{m.required}天）" for m in row.short_months),
        "、".join(f"{name}{month}月" for month, name in row.missing_months),
        row.shortfall_text(),
    ]


def guarantee_workbook(rows: list[LedgerRow], *, year: int, user):
    """The three sheets for ``rows`` (the list's, already scoped and filtered)."""
    ids = [row.organization.pk for row in rows]
    by_org = {row.organization.pk: row for row in rows}
    period = year_period(year)

    def write(handle):
        workbook = new_workbook(handle)
        summary = SheetWriter(workbook, "保障台账", SUMMARY_COLUMNS, wrap=True, key_columns=3,
                              letterhead=letterhead_for(user, "软弱涣散基层党组织整顿保障台账", period=period))
        for index, row in enumerate(rows, start=1):
            summary.write(_summary_row(index, row))
        sources = _labels(FundSource.choices)
        paid = SheetWriter(workbook, "经费拨付明细", DISBURSEMENT_COLUMNS, wrap=True, key_columns=3,
                           letterhead=letterhead_for(user, "保障台账·村级组织运转经费拨付明细", period=period))
        order = {pk: i for i, pk in enumerate(ids)}
        disbursements = (Disbursement.objects.filter(organization_id__in=ids, ledger__year=year)
                         .order_by("paid_on", "pk")
                         .values_list("organization_id", "paid_on", "source", "amount", "use"))
        for index, (org_id, paid_on, source, amount, use) in enumerate(
                sorted(disbursements, key=lambda d: (order[d[0]], d[1])), start=1):
            organization = by_org[org_id].organization
            paid.write([index, organization.township.name if organization.township else "", organization.name,
                        paid_on, sources.get(source, ""), amount, use])
        kinds = _labels(PresenceKind.choices)
        days = SheetWriter(workbook, "驻村天数", PRESENCE_COLUMNS, wrap=True, key_columns=3,
                           letterhead=letterhead_for(user, "保障台账·第一书记和驻村工作队在村天数", period=period))
        presence = (PresenceMonth.objects.filter(organization_id__in=ids, ledger__year=year).order_by()
                    .values_list("organization_id", "month", "kind", "name", "working_days", "days_in_village"))
        for index, (org_id, month, kind, name, working, present) in enumerate(
                sorted(presence, key=lambda p: (order[p[0]], p[1], p[2] != PresenceKind.FIRST_SECRETARY, p[3])),
                start=1):
            row = by_org[org_id]
            organization = row.organization
            required = required_days(working, row.days_share)
            days.write([index, organization.township.name if organization.township else "", organization.name,
                        f"{month}月", name, kinds.get(kind, ""), working, present, required,
                        "是" if present >= required else "否"])
        workbook.close()

    return file_response(f"保障台账{year}", write)

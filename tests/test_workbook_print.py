"""Workbooks that print (issue 12, item 9): every Excel export of the portal, downloaded as the county admin of
the demo, opens with its letterhead (title: whose, what, period; 制表单位, 制表日期, 数据截至), prints on A4
landscape one page wide (or a few pages wide with the identifying columns repeated, when one page would be
unreadably small), repeats its header row on every page and numbers the pages in the footer; every cell's
Chinese text fits its column (wide characters count double) or its row is high enough for the wrapped lines.

Then LibreOffice converts every workbook to PDF (one soffice call for all of them) and pdftotext reads each page:
the header row and "第 i 页 共 n 页" are on every page; the ledger's rows print across its pages with their
village on each. Skipped when soffice is missing locally, a failure under CI=true (as the browser tests).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from organizations.dates import official_date
from organizations.exports.excel import LINE_HEIGHT, display_width, official_moment, text_lines

COUNTY_UNIT = "制表单位：仙游县委组织部"
FOOTER = "第 &P 页 共 &N 页"
#: Export routes that are not workbooks for people: the import templates (their header is row 1).
NOT_PRINTED = {"cadres:roster-template", "cadres:reserve-import-template",
               # The background exports' API (a run's state; its file is the ledger's workbook, printed above).
               "export-run-list", "export-run-detail", "export-run-file"}
#: What each export's title names (besides 仙游县 or the organization), and the sheets printed portrait.
SUBJECTS = {
    "organizations:export": "基层党组织名册",
    "rectification:ledger-export": "软弱涣散基层党组织整顿台账",
    "ledger-export-list": "软弱涣散基层党组织整顿台账",
    "rectification:summary-export": "整顿工作统计表",
    "rectification:annual-report-workbook": "整顿工作统计表",
    "annual-report-workbook": "整顿工作统计表",
    "rectification:summary-workbook": "双月进展报告",
    "evaluations:evaluation-export": "群众满意度测评结果统计表",
    "evaluations:rating-export": "党组织星级评定情况表",
    "evaluations:screening-export": "排查候选党组织名单",
    "evaluations:assessment-sheet-export": "党员星级评定表",
    "member-sheet-export": "党员星级评定表",
    "summary-report-workbook": "双月进展报告",
    "cadres:roster-export": "干部名册",
    "cadres:reserve-export": "村级后备干部名册",
    "cadres:training-untrained-export": "未参训村党组织书记名单",
    "cadres:first-secretaries-export": "驻村第一书记名册",
    "cadres:pairings-export": "结对帮扶一览表",
    "rectification:escalations-export": "督办问责台账",
    "cadres:guarantee-export": "保障台账",
    "rectification:circular-export": "通报",
    "evaluations:exemplar-export": "先进典型和经验做法",
    "evaluations:commendation-export": "表彰",
    "commendation-list-export": "表彰",
    "evaluations:plaque-export": "共产党员户挂牌",
    # The planning ledger's workbook for the city and the Party committee study (issue 14 items 4 and 5).
    "rectification:planning-export": "整顿转化规划",
    "multi-year-plan-export": "整顿转化规划",
    "rectification:committee-export": "研究整顿工作",
    "rectification:inspection-findings-export": "督导组督导检查情况表",
}
PORTRAIT = {"rectification:summary-workbook", "summary-report-workbook"}  # four narrow columns a sheet

pytestmark = pytest.mark.django_db  # the session's downloads need the test database set up


def _export_routes() -> list[str]:
    """Every route named *export* or ending in .xlsx / workbook (namespaced names), found in the URLconf."""
    found = []

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                path = prefix + str(pattern.pattern)
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if ("export" in pattern.name or ".xlsx" in path or "workbook" in path) and "(?P<format>" not in path:
                    found.append(name)

    walk(get_resolver().url_patterns, "", "")
    return sorted(set(found))


def _annual_report(demo):
    """The county's annual report of this year, submitted (its statistical form frozen as a workbook)."""
    from rectification.models import AnnualReport
    from rectification.services.annual_reports import annual_report_save, annual_report_submit

    texts = {"work_summary": "全年整顿。", "achievements": "转化提升。", "problems": "集体经济薄弱。",
             "next_year_plan": "巩固提升。"}
    user = demo.users["county_admin"]
    year = timezone.localdate().year
    existing = AnnualReport.objects.filter(division=demo.county1, year=year).exclude(workbook="").first()
    if existing is not None:  # the demo's county report (rectification/demo/annual.py), already submitted
        return existing
    report = annual_report_save(user=user, division=demo.county1, year=year, **texts)
    return annual_report_submit(user=user, report=report)


def _urls(demo) -> dict[str, str]:
    from evaluations.models import PartyMember
    from rectification.models import Circular, SummaryReport

    county = demo.county1
    annual = _annual_report(demo)
    report = SummaryReport.objects.filter(division=county).order_by("-period_start").first()
    members_org = PartyMember.objects.filter(organization__county=county).values_list("organization", flat=True)[0]
    args = {"rectification:summary-export": [county.pk], "rectification:summary-workbook": [report.pk],
            "evaluations:assessment-sheet-export": [members_org], "summary-report-workbook": [report.pk],
            "member-sheet-export": [members_org], "rectification:annual-report-workbook": [annual.pk],
            "annual-report-workbook": [annual.pk],
            "rectification:circular-export": [Circular.objects.filter(division=county).values_list("pk", flat=True)[0]]}
    from rectification.models import MultiYearPlan

    plan = MultiYearPlan.objects.filter(division=county).first()
    args.update({"rectification:planning-export": [plan.pk], "multi-year-plan-export": [plan.pk]})
    from evaluations.models import CommendationList

    commendations = CommendationList.objects.filter(division=county).first()
    args.update({"evaluations:commendation-export": [commendations.pk],
                 "commendation-list-export": [commendations.pk]})
    urls = {}
    for name in _export_routes():
        if name in NOT_PRINTED:
            continue
        urls[name] = reverse(name, args=args.get(name, []))
    urls["ledger-export-list"] = reverse("ledger-export-list", kwargs={"format": "xlsx"})  # the API's workbook
    return urls


@pytest.fixture(scope="session")
def workbooks(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Path]:
    """Every export downloaded once as the county admin (in Chinese); the security log and the annual report
    submitted for its workbook rolled back."""
    from organizations.demo.testing import DemoHandles

    folder = tmp_path_factory.mktemp("workbooks")
    files = {}
    with django_db_blocker.unblock(), transaction.atomic():
        demo = DemoHandles.load()
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(demo.users["county_admin"])
        for name, url in _urls(demo).items():
            response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            path = folder / (name.replace(":", "_") + ".xlsx")
            path.write_bytes(body)
            files[name] = path
        transaction.set_rollback(True)
    return files


def test_every_export_route_is_checked(workbooks):
    """A new export cannot slip past: every discovered route is downloaded here (or named as not printed)."""
    assert set(_export_routes()) - NOT_PRINTED <= set(workbooks)
    assert set(workbooks) <= set(SUBJECTS), set(workbooks) - set(SUBJECTS)


def _header_row(sheet) -> int:
    match = re.fullmatch(r"\$(\d+):\$(\d+)", sheet.print_title_rows or "")
    assert match and match[1] == match[2], sheet.print_title_rows
    return int(match[1])


def test_letterhead_and_page_setup_of_every_workbook(workbooks):
    today = official_date(timezone.localdate())
    for name, path in workbooks.items():
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            where = f"{name} / {sheet.title}"
            header = _header_row(sheet)
            # centred over the table (after the key columns of a table a few pages wide: they repeat on each page)
            merged = next(r for r in sheet.merged_cells.ranges if r.min_row == r.max_row == 1)
            first = sheet.cell(1, merged.min_col)
            title = str(first.value)
            assert merged.min_col == 1 or sheet.print_title_cols, where
            assert SUBJECTS[name] in title and ("仙游县" in title or "党" in title), where
            assert first.font.b and first.alignment.horizontal == "center", where
            lines = " ".join(str(c.value) for row in sheet.iter_rows(min_row=2, max_row=header - 1) for c in row
                             if c.value)
            assert COUNTY_UNIT in lines, (where, lines)
            assert f"制表日期：{today}" in lines and "数据截至：" in lines, (where, lines)
            headers = [c.value for c in sheet[header]]
            assert headers[0] and all(c.font.b for c in sheet[header] if c.value), where
            setup = sheet.page_setup
            assert setup.paperSize in (9, "9"), where
            assert setup.orientation == ("portrait" if name in PORTRAIT else "landscape"), where
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert setup.fitToHeight in (0, "0"), where
            wide = int(setup.fitToWidth or 1)
            assert wide == 1 or sheet.print_title_cols, where  # a table a few pages wide repeats its key columns
            assert sheet.oddFooter.center.text == FOOTER, where


def test_ledger_prints_a_few_pages_wide_with_the_organization_on_each(workbooks):
    """Thirty-odd columns on one A4 page would print at a quarter size: a few pages across, at 55 % or more,
    with 序号, county, township, village and organization repeated on each."""
    from organizations.exports.excel import MIN_PRINT_SCALE, PAGE_WIDTH_UNITS

    sheet = openpyxl.load_workbook(workbooks["rectification:ledger-export"]).active
    wide = int(sheet.page_setup.fitToWidth)
    widths = [_width(sheet, cell.column_letter) for cell in sheet[_header_row(sheet)]]
    assert 2 <= wide <= 5 and sheet.print_title_cols == "$A:$E"
    per_page = (sum(widths) + (wide - 1) * sum(widths[:5])) / wide
    assert per_page <= PAGE_WIDTH_UNITS[True] * 100 / MIN_PRINT_SCALE  # readable: not shrunk below 55 %
    assert sum(widths) > PAGE_WIDTH_UNITS[True] * 100 / MIN_PRINT_SCALE  # one page would be
    assert "（2025—2026年度）" in sheet["F1"].value and not sheet["A1"].value  # A:E repeat on every page


def test_chinese_text_fits_its_column_or_the_row_is_high_enough(workbooks):
    """Wide characters count double: a cell's text fits its column, or wraps onto the lines its row has room for."""
    for name, path in workbooks.items():
        sheet = openpyxl.load_workbook(path).worksheets[0]
        header = _header_row(sheet)
        widths = {}
        for row in sheet.iter_rows(min_row=header, max_row=header + 200):
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value:
                    continue
                letter = cell.column_letter
                width = widths.setdefault(letter, _width(sheet, letter))
                height = sheet.row_dimensions[cell.row].height
                if cell.alignment.wrap_text:
                    lines = text_lines(cell.value, int(width))
                    assert lines == 1 or (height or 0) >= lines * LINE_HEIGHT, (name, cell.coordinate, cell.value)
                else:
                    assert display_width(cell.value) <= width, (name, cell.coordinate, cell.value, width)


def _width(sheet, letter: str) -> float:
    """The column's width; xlsxwriter writes runs of equal widths as one <col min max> that openpyxl keys by
    its first letter."""
    from openpyxl.utils import column_index_from_string

    index = column_index_from_string(letter)
    for dimension in sheet.column_dimensions.values():
        if dimension.min and dimension.max and dimension.min <= index <= dimension.max and dimension.width:
            return dimension.width
    raise AssertionError(f"{sheet.title}: no width for column {letter}")


def test_frozen_report_says_when_its_figures_were_read(demo, login):
    """数据截至 of a bimonthly report's workbook is when its figures were computed, not the download day."""
    import datetime as dt

    from rectification.models import SummaryReport

    report = SummaryReport.objects.filter(county=demo.county1).exclude(division=demo.county1).first()
    frozen = timezone.now() - dt.timedelta(days=26, hours=3)
    SummaryReport.objects.filter(pk=report.pk).update(generated_at=frozen)
    response = login("county_admin").get(reverse("rectification:summary-workbook", args=[report.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    lines = " ".join(str(c.value) for row in sheet.iter_rows(max_row=_header_row(sheet) - 1) for c in row if c.value)
    assert f"数据截至：{official_moment(frozen)}" in lines and f"制表日期：{official_date(timezone.localtime(frozen).date())}" in lines
    assert official_moment(timezone.now()) not in lines


# ------------------------------------------------------------------------------------------- LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _pages(pdf: Path, mode: str) -> list[str]:
    text = subprocess.run(["pdftotext", mode, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.fixture(scope="session")
def pdfs(workbooks, tmp_path_factory) -> dict[str, tuple[list[str], list[str]]]:
    """Every workbook converted to PDF by one LibreOffice run; the text of each page, as laid out (pdftotext
    -layout: a printed row on one line) and as written (-raw, whitespace removed: a wrapped cell's text whole)."""
    if not SOFFICE or not shutil.which("pdftotext"):
        reason = "LibreOffice (soffice) or pdftotext is missing: apt-get install libreoffice-calc-nogui poppler-utils"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    started = time.monotonic()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *[str(p) for p in workbooks.values()]],
                   check=True, capture_output=True, timeout=600)
    print(f"\nLibreOffice converted {len(workbooks)} workbooks in {time.monotonic() - started:.1f} s")
    pages = {}
    for name, path in workbooks.items():
        pdf = out / (path.stem + ".pdf")
        pages[name] = (_pages(pdf, "-layout"), [re.sub(r"\s+", "", page) for page in _pages(pdf, "-raw")])
    return pages


def test_every_printed_page_has_the_header_row_and_its_number(workbooks, pdfs):
    for name, (_layout, pages) in pdfs.items():
        sheets = openpyxl.load_workbook(workbooks[name]).worksheets
        headers = {re.sub(r"\s+", "", str(sheet.cell(_header_row(sheet), 1).value)) for sheet in sheets}
        assert pages, name
        for number, page in enumerate(pages, start=1):
            assert f"第{number}页共{len(pages)}页" in page, (name, number)
            assert any(header in page for header in headers), (name, number, page[:300])
        if name in PORTRAIT:  # one page a sheet: the bimonthly report's townships
            assert len(pages) == len(sheets), name


def test_ledger_pages_keep_rows_together_across_the_page_width(workbooks, pdfs):
    """The demo's ledger prints a few pages across: each group of pages across shows the same rows (序号 and
    county, township, village, organization repeat on each), every row is printed once, and each page-row holds
    at least a row and at most what fits."""
    sheet = openpyxl.load_workbook(workbooks["rectification:ledger-export"]).active
    rows = [row for row in sheet.iter_rows(min_row=_header_row(sheet) + 1, values_only=True) if row[0]]
    pages = pdfs["rectification:ledger-export"][0]
    wide = int(sheet.page_setup.fitToWidth)
    assert len(pages) % wide == 0 and len(rows) / 20 <= len(pages) / wide <= len(rows)
    printed = []
    for start in range(0, len(pages), wide):
        group = [set(re.findall(r"^\s*(\d+)\s+仙游县", page, re.M)) for page in pages[start:start + wide]]
        assert group[0] and all(g == group[0] for g in group), (start, group)
        printed += sorted(group[0], key=int)
    assert [int(n) for n in printed] == [row[0] for row in rows]  # each once, in order

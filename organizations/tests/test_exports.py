"""The shared Excel writer and the organization list export: scoped, filtered, formula-safe, streamed."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from organizations.exports.excel import LiteralText, safe_cell, xlsx_response
from organizations.exports.organizations import ORGANIZATION_HEADERS
from organizations.models import Organization
from tests.workbooks import first_data_row, table

EXPORT = reverse("organizations:export")


def workbook_of(response):
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    return data, openpyxl.load_workbook(io.BytesIO(data))


def data_rows(sheet):
    return table(sheet)  # the rows under the letterhead


def english(client):
    """The user chose English with the language switch (its cookie)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def english_headers():
    with translation.override("en"):
        return [str(h) for h in ORGANIZATION_HEADERS]


def test_town_organizer_exports_only_its_township(demo, login):
    response = english(login("town_organizer")).get(EXPORT)
    data, workbook = workbook_of(response)
    header, rows = data_rows(workbook.active)
    assert list(header) == english_headers()
    expected = list(Organization.objects.filter(township=demo.township_a).order_by("division__code", "name")
                    .values_list("division__code", "name", "secretary_name", "member_count"))
    assert len(expected) > 1
    assert [(r[3], r[5], r[8] or "", r[9]) for r in rows] == expected
    assert [r[0] for r in rows] == list(range(1, len(expected) + 1))
    assert {r[2] for r in rows} == {demo.township_a.name}
    assert {r[1] for r in rows} == {demo.county1.name}
    other = Organization.objects.filter(county=demo.county1).exclude(township=demo.township_a).first()
    assert other.name.encode() not in data  # shared strings are stored as UTF-8 in the XML


def test_export_respects_the_search_filter(demo, login):
    term = demo.village_a.name
    response = login("town_organizer").get(EXPORT, {"q": term})
    _data, workbook = workbook_of(response)
    _header, rows = data_rows(workbook.active)
    expected = set(Organization.objects.filter(township=demo.township_a).filter(
        Q(name__icontains=term) | Q(secretary_name__icontains=term) | Q(division__name__icontains=term)
    ).values_list("name", flat=True))
    assert expected
    assert {r[5] for r in rows} == expected
    assert len(rows) < Organization.objects.filter(township=demo.township_a).count()


def test_category_and_type_are_labels(demo, login):
    organization = demo.org_in(demo.village_a)
    response = english(login("county_admin")).get(EXPORT, {"q": organization.name})
    _data, workbook = workbook_of(response)
    _header, rows = data_rows(workbook.active)
    with translation.override("en"):
        assert rows[0][6] == str(organization.get_org_type_display())
        assert rows[0][7] == str(organization.get_category_display())
    assert rows[0][4] == demo.village_a.name


@pytest.mark.parametrize("text", ["=1+2", "@SUM(A1)", "+86 1", "-2+3", "=HYPERLINK(\"http://x\",\"y\")"])
def test_formula_like_text_is_a_string_cell(demo, login, text):
    organization = demo.org_in(demo.village_a)
    Organization.objects.filter(pk=organization.pk).update(secretary_name=text)
    response = login("county_admin").get(EXPORT, {"q": organization.name})
    _data, workbook = workbook_of(response)
    sheet = workbook.active
    cell = sheet.cell(row=first_data_row(sheet), column=9)
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix  # editing the cell in Excel keeps it text


def test_export_opens_in_libreoffice(demo, login, tmp_path):
    if not shutil.which("libreoffice") and not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    organization = demo.org_in(demo.township_a)
    Organization.objects.filter(pk=organization.pk).update(secretary_name="=1+2")
    data, _workbook = workbook_of(login("town_organizer").get(EXPORT))
    source = tmp_path / "export.xlsx"
    source.write_bytes(data)
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run([binary, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    with (tmp_path / "export.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    expected = Organization.objects.filter(township=demo.township_a).count()
    rows = rows[[row[0] if row else "" for row in rows].index("序号"):]  # under the letterhead
    assert len(rows) == expected + 1
    secretaries = {row[8] for row in rows[1:]}
    assert "=1+2" in secretaries and "3" not in secretaries


def test_anonymous_is_redirected_to_login(client):
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_export_query_count_does_not_grow_with_rows(demo, login, django_assert_max_num_queries):
    client = login("county_admin")
    total = Organization.objects.filter(county=demo.county1).count()
    assert total > 300
    with django_assert_max_num_queries(12):
        response = client.get(EXPORT)
        data = b"".join(response.streaming_content)
    _header, rows = data_rows(openpyxl.load_workbook(io.BytesIO(data)).active)
    assert len(rows) == total


def test_chinese_filename_in_content_disposition(demo, login):
    response = login("county_admin").get(EXPORT)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert ".xlsx" in disposition
    assert response["Cache-Control"] == "no-store"
    b"".join(response.streaming_content)


# --- the shared writer ---------------------------------------------------------------------------------------


def test_safe_cell():
    assert isinstance(safe_cell("=1+2"), LiteralText)
    assert isinstance(safe_cell("\tx"), LiteralText) and isinstance(safe_cell("\rx"), LiteralText)
    assert not isinstance(safe_cell("中共东山村支部委员会"), LiteralText)
    assert safe_cell(None) is None and safe_cell(5) == 5 and safe_cell(Decimal("1.5")) == 1.5
    with translation.override("en"):
        value = safe_cell(translation.gettext_lazy("Secretary"))
    assert value == "Secretary" and type(value) is str


@pytest.mark.django_db  # closing a response sends request_finished, which touches the connection
def test_writer_formats_dates_and_streams(tmp_path):
    rows = [(1, "甲", date(2026, 3, 5), datetime(2026, 3, 5, 9, 30), None, "=A1"), (2, "乙", None, None, 3.5, "x")]
    response = xlsx_response("报表", "表/一[1]", ["序号", "名称", "日期", "时间", "数", "文本"], iter(rows))
    assert response.streaming
    assert "filename*=utf-8''%E6%8A%A5%E8%A1%A8.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.title == "表 一 1"
    assert sheet["A1"].font.bold
    assert sheet["C2"].value == datetime(2026, 3, 5) and "年" in sheet["C2"].number_format
    assert sheet["D2"].value == datetime(2026, 3, 5, 9, 30)
    assert sheet["F2"].value == "=A1" and sheet["F2"].data_type == "s"
    assert sheet["E3"].value == 3.5 and sheet["E3"].data_type == "n"
    assert sheet.column_dimensions["B"].width >= 6
    path = response.file_to_stream.name
    assert os.path.exists(path)
    response.close()
    assert not os.path.exists(path)  # the temporary file goes with the response


def test_writer_handles_many_rows_in_row_order():
    rows = ((i, f"组织{i}") for i in range(5000))
    response = xlsx_response("big.xlsx", "s", ["n", "name"], rows)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 5001 and values[-1] == (4999, "组织4999")


def test_display_width_counts_every_wide_character_twice():
    """The regular-expression width (a 10,000-row export measures millions of characters) is the per-character
    rule of ``unicodedata`` for every code point, alone and amid other text."""
    import unicodedata

    from organizations.exports.excel import display_width

    def per_character(text):
        return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)

    differ = [code for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF
              and display_width(f"村{chr(code)}a") != per_character(f"村{chr(code)}a")]
    assert differ == []
    text = "1. 加强班子建设，选优配强书记 — ＡＢ 𠀀𝐀 abc\n   · 召开组织生活会（已完成）"
    assert display_width(text) == per_character(text)
    assert display_width("plain ascii") == 11

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


def _sheet_parts(write_rows, *, direct: bool, wrap: bool = True) -> dict[str, bytes]:
    """Every part of a workbook a ``SheetWriter`` wrote (the rows at once, or cell by cell), but its creation time."""
    import zipfile

    from organizations.exports.excel import Letterhead, SheetWriter, new_workbook

    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    writer = SheetWriter(workbook, "表", [("甲", 10), ("乙", 30), ("丙", 12), ("丁", 8), ("戊", 40)], wrap=wrap,
                         letterhead=Letterhead("台账", whose="仙游县", made_on=date(2026, 3, 1),
                                               as_of=date(2026, 3, 1)), key_columns=2)
    if not direct:
        writer._rows = None
    write_rows(writer)
    workbook.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
        return {name: package.read(name) for name in package.namelist() if name != "docProps/core.xml"}


def test_rows_written_at_once_are_the_xml_xlsxwriter_writes_cell_by_cell():
    """``RowXml`` writes the XML XlsxWriter writes for the same cells, byte for byte: every kind of value (texts
    that are formula-like, spaced, multi-line, with XML specials or control characters, which it leaves to
    XlsxWriter; numbers, booleans, dates, times, blanks, Decimals, lazy texts) and rows tall with wrapped text."""
    import unicodedata

    from django.utils.translation import gettext_lazy

    spaces = [chr(code) for code in range(0x3000 + 1) if chr(code).isspace()]
    rows = [
        (1, "中共东山村支部委员会", date(2026, 3, 5), 12, "1. 调整班子\n   · 选优配强书记 — 王书记, 2026-05-01 (已完成)\n" * 4),
        (2, None, None, "", 3.5),
        (3, "=SUM(A1)", datetime(2026, 3, 5, 9, 30), True, "+86 123"),
        (4, " leading", "trailing ", False, "-1"),
        (5, "a & b", "<r>x</r>", "x\x01y", "_x0041_ stays"),
        (6, Decimal("2.50"), gettext_lazy("Secretary"), 10**17, -0.1),
        (7, 1e-20, "\ufffe", "x" * 20000, "@home"),
        (8,),
        (9, "末尾换行\n", "\t制表", "甲" * 300, 2**31),
        *[(10 + i, f"{space}甲", f"乙{space}", "丙", "") for i, space in enumerate(spaces)],
        (100, "𠀀" * 50, "ＡＢＣ" * 30, date(1900, 1, 1), datetime(2026, 12, 31, 23, 59, 59)),
    ]
    assert len(spaces) > 10 and any(unicodedata.category(s) == "Zs" for s in spaces)

    def write_rows(writer):
        for row in rows:
            writer.write(row)

    for wrap in (True, False):
        with translation.override("zh-hans"):
            direct, cell_by_cell = (_sheet_parts(write_rows, direct=flag, wrap=wrap) for flag in (True, False))
        assert direct.keys() == cell_by_cell.keys()
        for name in cell_by_cell:
            assert direct[name] == cell_by_cell[name], name
    assert b'ht="' in cell_by_cell["xl/worksheets/sheet1.xml"]  # tall rows were tested


def test_most_rows_are_written_at_once():
    from organizations.exports.excel import RowXml, SheetWriter, new_workbook

    workbook = new_workbook(io.BytesIO())
    writer = SheetWriter(workbook, "表", [("甲", 10), ("乙", 30)], wrap=True)
    assert isinstance(writer._rows, RowXml)
    assert writer._rows.write(5, (1, "中共东山村支部委员会\n第二行"))
    assert not writer._rows.write(6, (1, "a & b"))  # left to XlsxWriter
    workbook.close()


def test_text_lines_counts_each_line_by_its_width():
    """The one-pass count of wrapped lines is the per-line rule (``display_width`` of each line) for texts of
    narrow, wide and astral characters, short and long lines, in narrow and wide columns."""
    import math
    import random

    from organizations.exports.excel import display_width, text_lines

    def per_line(text, width):
        usable = max(width - 1, 1)
        return sum(max(1, math.ceil(display_width(part) / usable)) for part in str(text).split("\n"))

    pick = random.Random(13)
    alphabet = ["a", " ", "甲", "乙", "，", "Ａ", "𠀀", "\n", "·", "—", "1"]
    for _ in range(3000):
        text = "".join(pick.choice(alphabet) for _ in range(pick.randrange(0, 200)))
        width = pick.choice([1, 2, 6, 10, 14, 30, 40, 60])
        assert text_lines(text, width) == per_line(text, width), (text, width)


def test_a_row_is_as_tall_as_its_tallest_cell():
    """The writer measures the cells likeliest to be tallest first and stops early: the height is still that of
    the tallest cell, whichever column holds it, on rows written at once and cell by cell."""
    import random

    from organizations.exports.excel import LINE_HEIGHT, SheetWriter, new_workbook, text_lines

    pick = random.Random(7)
    widths = [6, 10, 30, 60, 14]
    rows = []
    for _ in range(400):
        row = ["".join(pick.choice(["甲", "a", "a", "a", "\n", " ", "乙乙乙"]) for _ in range(pick.randrange(0, 90)))
               for _width in widths] if pick.random() < 0.8 else ["甲", "", "a b", "乙" * 10, "x"]
        if pick.random() < 0.1:
            row[1] += " & <b>"  # written cell by cell by XlsxWriter
        rows.append(row)
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    writer = SheetWriter(workbook, "表", [(str(i), w) for i, w in enumerate(widths)], wrap=True)
    for row in rows:
        writer.write(row)
    workbook.close()
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    first = writer.header_row + 2
    found, expected = [], []
    for index, row in enumerate(rows):
        lines = max([text_lines(v, w) for v, w in zip(row, widths, strict=True) if v] or [1])
        expected.append(round(LINE_HEIGHT * lines + 2, 1) if lines > 1 else None)
        height = sheet.row_dimensions[first + index].height
        found.append(round(int(height * 4 / 3 + 0.5) * 0.75, 1) if height else None)
    expected = [None if e is None else round(int(e * 4 / 3 + 0.5) * 0.75, 1) for e in expected]
    assert found == expected
    assert any(h is None for h in found) and len(set(found)) > 5

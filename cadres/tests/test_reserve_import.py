"""Excel import and export of the reserve pool (§3e layout): row-level validation, all rows or none, masking."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cadres.imports.reserve import TEMPLATE_HEADERS, reserve_import
from cadres.models import ReserveCadre, ReserveReview
from cadres.tests.test_shortfall import new_id, villages_of
from organizations.models import SecurityEvent


def workbook(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(TEMPLATE_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("后备干部.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def row(village, name: str, id_number: str, *, kind="大学生村官", track="村党组织书记", reviews="2025：优秀",
        status="在库", township=None) -> list:
    division = village.division
    return [1, township if township is not None else village.township.name, division.name, division.code, name, "女",
            "汉族", f"{id_number[6:10]}.{id_number[10:12]}", id_number, "中共党员", "2019.07", "本科", "13800138000",
            kind, "村委会委员", track, "林书记", "2024.05.01", "挂职锻炼", reviews, status, ""]


def bad_checksum(id_number: str) -> str:
    last = "0" if id_number[-1] != "0" else "1"
    return id_number[:-1] + last


def test_mixed_good_and_bad_rows_write_nothing(demo):
    user = demo.users["town_organizer"]
    villages = villages_of(demo.township_a)
    duplicate = new_id()
    foreign = villages_of(demo.township_b)[0]
    unknown_code = row(villages[1], "无此村", new_id())
    unknown_code[3] = "350322999999"
    rows = [
        row(villages[0], "好人甲", new_id()),                                  # 2 good
        row(villages[0], "坏校验", bad_checksum(new_id())),                    # 3 bad ID checksum
        unknown_code,                                                          # 4 unknown village code
        row(villages[1], "重复甲", duplicate),                                 # 5 good alone
        row(villages[2], "重复乙", duplicate),                                 # 6 duplicate in file
        row(villages[2], "怪类型", new_id(), kind="宇航员"),                    # 7 unknown type
        row(villages[2], "怪方向", new_id(), track="省长"),                     # 8 unknown track
        row(foreign, "越权者", new_id(), township=""),                         # 9 outside the scope
    ]
    before = ReserveCadre.objects.count()
    result = reserve_import(user=user, upload=workbook(rows))
    assert not result.ok
    assert ReserveCadre.objects.count() == before
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error["row"], []).append((error["column"], error["message"]))
    assert set(by_row) == {3, 4, 6, 7, 8, 9}, by_row
    assert by_row[3][0][0] == "身份证号"
    assert by_row[4][0][0] == "村级区划代码" and "350322999999" in by_row[4][0][1]
    assert by_row[6][0][0] == "身份证号" and "5" in by_row[6][0][1]
    assert by_row[7][0][0] == "人员类别" and by_row[8][0][0] == "培养方向"
    assert by_row[9][0][0] == "村级区划代码"


def test_person_already_in_the_pool_is_a_row_error(demo):
    user = demo.users["county_admin"]
    existing = ReserveCadre.objects.filter(county=demo.county1, status="in_pool").exclude(id_number="").first()
    result = reserve_import(user=user, upload=workbook([row(existing.organization, existing.name, existing.id_number,
                                                            township="")]))
    assert not result.ok and result.errors[0]["column"] == "身份证号"


def test_good_import_writes_every_row_with_reviews_and_history(demo):
    user = demo.users["town_organizer"]
    villages = villages_of(demo.township_a)
    rows = [row(villages[0], "导入甲", new_id(dt.date(1994, 2, 3))),
            row(villages[1], "导入乙", new_id(dt.date(1992, 8, 9)), kind="退役军人", track="“两委”委员",
                reviews="2025：称职；2024：优秀"),
            row(villages[2], "导入丙", new_id(dt.date(1988, 1, 9)), kind="致富能手", track="主任", reviews="",
                status="已调出")]
    result = reserve_import(user=user, upload=workbook(rows))
    assert result.ok, result.errors
    assert len(result.created) == 3
    second = ReserveCadre.objects.get(name="导入乙")
    assert (second.reserve_type, second.track, second.organization_id) == ("veteran", "committee_member",
                                                                             villages[1].pk)
    assert second.joined_on == dt.date(2024, 5, 1) and second.phone == "13800138000"
    assert dict(ReserveReview.objects.filter(reserve=second).values_list("year", "result")) == {
        2025: "competent", 2024: "excellent"}
    assert ReserveCadre.objects.get(name="导入丙").status == "left"
    assert second.history.count() == 1
    assert SecurityEvent.objects.filter(kind="import", detail__what="reserve pool").exists()


def test_import_page_is_role_gated_and_lists_errors(login, demo):
    village = villages_of(demo.township_a)[0]
    assert login("village_secretary").get(reverse("cadres:reserve-import")).status_code == 404
    assert login("county_leader").post(reverse("cadres:reserve-import")).status_code == 404
    client = login("county_admin")
    before = ReserveCadre.objects.count()
    response = client.post(reverse("cadres:reserve-import"), {
        "file": workbook([row(village, "页面甲", new_id()), row(village, "页面乙", bad_checksum(new_id()))])})
    assert response.status_code == 400
    assert response.context["result"].errors[0]["row"] == 3
    assert ReserveCadre.objects.count() == before
    response = client.post(reverse("cadres:reserve-import"), {"file": workbook([row(village, "页面甲", new_id())])})
    assert response.status_code == 302 and ReserveCadre.objects.count() == before + 1


def _sheet(response):
    from tests.workbooks import header_index

    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return rows[header_index(sheet, rows):]  # from the header row, under an export's letterhead


def test_template_and_export_use_the_same_layout_masked_by_default(login, demo):
    client = login("county_admin")
    template = _sheet(client.get(reverse("cadres:reserve-import-template")))
    assert list(template[0]) == TEMPLATE_HEADERS
    response = client.get(reverse("cadres:reserve-export"), {"township": demo.township_a.pk})
    rows = _sheet(response)
    assert list(rows[0]) == TEMPLATE_HEADERS
    expected = ReserveCadre.objects.filter(township=demo.township_a).count()
    assert len(rows) - 1 == expected
    ids = [r[8] for r in rows[1:] if r[8]]
    assert ids and all("********" in i for i in ids)
    # The export re-imports cleanly in layout: the template's example row parses.
    assert template[1][3] and template[1][8]


def test_unmasked_export_only_for_roles_that_may_and_logged(login, demo):
    reserve = ReserveCadre.objects.filter(township=demo.township_a).exclude(id_number="").first()
    refused = login("county_leader").get(reverse("cadres:reserve-export"),
                                         {"township": demo.township_a.pk, "unmasked": "1"})
    assert refused.status_code == 403  # a reader may not ask for the full numbers (as for the roster)
    rows = _sheet(login("county_leader").get(reverse("cadres:reserve-export"), {"township": demo.township_a.pk}))
    assert reserve.id_number not in [r[8] for r in rows]
    before = SecurityEvent.objects.filter(kind="personal_data_view").count()
    rows = _sheet(login("town_organizer").get(reverse("cadres:reserve-export"), {"unmasked": "1"}))
    assert reserve.id_number in [r[8] for r in rows]
    assert SecurityEvent.objects.filter(kind="personal_data_view").count() == before + 1

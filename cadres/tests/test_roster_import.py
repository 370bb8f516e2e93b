"""The roster import: every row checked, row-level reasons, nothing written unless all rows are good."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from cadres.imports.roster import TEMPLATE_HEADERS, roster_import
from cadres.models import Cadre, Post
from organizations.models import Division, Organization, SecurityEvent

from .helpers import bad_checksum, make_id, workbook, xlsx_rows

pytestmark = pytest.mark.django_db


def _row(serial, code, name, id_number, post="“两委”委员", born="", phone="13800001111", village="", township=""):
    return [serial, township, village, code, name, "男", "汉族", born, id_number, "中共党员", "2005.07", "大专", phone,
            post, "2021.04", ""]


@pytest.fixture
def codes(demo):
    villages = list(Division.objects.filter(township=demo.township_a, level="village").order_by("code")[:3])
    outside = Division.objects.filter(township=demo.township_b, level="village").order_by("code").first()
    return {"a": villages[0], "b": villages[1], "c": villages[2], "outside": outside}


def test_mixed_good_and_bad_rows_write_nothing_and_report_each_row(demo, codes):
    existing = Cadre.objects.filter(organization__division=codes["a"], post=Post.COMMITTEE_MEMBER,
                                    post_ended_on__isnull=True).first()
    good_id = make_id("19850506")
    rows = [
        _row(1, codes["a"].code, "好人甲", make_id("19800101"), village=codes["a"].name),
        _row(2, codes["b"].code, "错号乙", bad_checksum(make_id("19810101"))),
        _row(3, "350322100999", "无村丙", make_id("19820101")),
        _row(4, codes["c"].code, "重复丁", good_id),
        _row(5, codes["c"].code, "重复丁", good_id),
        _row(6, codes["a"].code, existing.name, existing.id_number),
        _row(7, codes["b"].code, "生日戊", make_id("19830101"), born="1983.02"),
        _row(8, codes["b"].code, "职务己", make_id("19840101"), post="村长助理"),
        _row(9, codes["b"].code, "好人庚", make_id("19860101")),
    ]
    before = Cadre.objects.count()
    result = roster_import(user=demo.users["county_admin"], upload=workbook(TEMPLATE_HEADERS, rows))
    assert Cadre.objects.count() == before and not result.created
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error["row"], []).append(error)
    assert set(by_row) == {3, 4, 6, 7, 8, 9}  # header is row 1: data rows 2..10
    assert by_row[3][0]["column"] == "身份证号" and "check digit" in by_row[3][0]["message"]
    assert by_row[4][0]["column"] == "村级区划代码" and "Unknown village code" in by_row[4][0]["message"]
    assert by_row[6][0]["column"] == "身份证号" and "Duplicate person: row 5" in by_row[6][0]["message"]
    assert "already on the roster" in by_row[7][0]["message"]
    assert by_row[8][0]["column"] == "出生年月" and "does not match" in by_row[8][0]["message"]
    assert by_row[9][0]["column"] == "职务" and "Unknown post" in by_row[9][0]["message"]


def test_rows_outside_the_writable_scope_are_refused(demo, codes):
    rows = [_row(1, codes["outside"].code, "越权", make_id())]
    result = roster_import(user=demo.users["town_organizer"], upload=workbook(TEMPLATE_HEADERS, rows))
    assert not result.ok and "outside your scope" in result.errors[0]["message"]


def test_a_good_file_writes_all_rows_with_history(demo, codes):
    rows = [_row(i + 1, codes[k].code, f"新人{i}", make_id(f"1990010{i + 1}"), born="1990.01")
            for i, k in enumerate(["a", "b", "c"])]
    org_a = Organization.objects.get(division=codes["a"])
    secretary = Cadre.objects.filter(organization=org_a, post__in=["secretary", "secretary_director"],
                                     post_ended_on__isnull=True).first()
    from cadres.services.roster import cadre_end_post

    cadre_end_post(user=demo.users["county_admin"], cadre=secretary, ended_on=secretary.post_started_on)
    rows.append(_row(4, codes["a"].code, "新书记", make_id("19750505"), post="书记"))
    rows.append(_row(5, demo.township_a.code, "新组织委员", make_id("19880808"), post="组织委员"))
    result = roster_import(user=demo.users["town_organizer"], upload=workbook(TEMPLATE_HEADERS, rows))
    assert result.ok, result.errors
    assert len(result.created) == 5
    created = Cadre.objects.filter(name__startswith="新").order_by("name")
    assert created.count() == 5
    assert all(c.history.count() == 1 and c.township_id == demo.township_a.pk for c in created)
    assert created.get(name="新书记").post == Post.SECRETARY and created.get(name="新书记").organization == org_a
    assert created.get(name="新组织委员").post == Post.TOWNSHIP_ORGANIZER
    assert SecurityEvent.objects.filter(kind="import", detail__rows=5).exists()


def test_missing_columns_and_empty_file(demo):
    result = roster_import(user=demo.users["county_admin"], upload=workbook(["姓名", "职务"], [["张三", "书记"]]))
    assert not result.ok and "村级区划代码" in result.errors[0]["message"]


def test_import_page_template_and_roles(login, demo, codes):
    client = login("county_admin")
    assert client.get(reverse("cadres:roster-import")).status_code == 200
    template = client.get(reverse("cadres:roster-template"))
    rows = xlsx_rows(template)
    assert rows[0] == TEMPLATE_HEADERS and len(rows) == 2
    bad = workbook(TEMPLATE_HEADERS, [_row(1, codes["a"].code, "错号", bad_checksum(make_id()))])
    response = client.post(reverse("cadres:roster-import"), {"file": bad})
    assert response.status_code == 400
    assert response.context["result"].errors[0]["row"] == 2
    good = workbook(TEMPLATE_HEADERS, [_row(1, codes["a"].code, "页面导入", make_id())])
    response = client.post(reverse("cadres:roster-import"), {"file": good})
    assert response.status_code == 302 and Cadre.objects.filter(name="页面导入").exists()
    for username in ("county_leader", "village_secretary", "city_reviewer"):
        assert login(username).get(reverse("cadres:roster-import")).status_code == 404


def test_import_command(demo, codes, tmp_path):
    upload = workbook(TEMPLATE_HEADERS, [_row(1, codes["b"].code, "命令导入", make_id())])
    path = tmp_path / "roster.xlsx"
    path.write_bytes(upload.read())
    call_command("import_cadres", str(path), "--user", "county_admin")
    assert Cadre.objects.filter(name="命令导入").exists()
    bad = workbook(TEMPLATE_HEADERS, [_row(1, "350322100999", "命令坏", make_id())])
    path.write_bytes(bad.read())
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="row 2"):
        call_command("import_cadres", str(path), "--user", "county_admin")
    assert not Cadre.objects.filter(name="命令坏").exists()


def test_unmasked_export_reads_back_as_duplicates(login, demo, codes):
    """The export has the import layout: re-importing an organization's roster finds every person already there."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    org = Organization.objects.get(division=codes["a"])
    response = login("county_admin").get(reverse("cadres:roster-export"), {"organization": org.pk, "unmasked": "1"})
    body = b"".join(response.streaming_content)
    result = roster_import(user=demo.users["county_admin"], upload=SimpleUploadedFile("back.xlsx", body))
    current = Cadre.objects.filter(organization=org, post_ended_on__isnull=True).count()
    assert len(result.errors) == current and all("Duplicate person" in e["message"] for e in result.errors)


def test_csv_in_gbk_with_fullwidth_post_names(demo, codes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = ",".join(TEMPLATE_HEADERS)
    line = ",".join(str(c) for c in _row(1, codes["b"].code, "全角", make_id("19790303"), post="书记、主任(一肩挑)",
                                         born="1979年3月"))
    org = Organization.objects.get(division=codes["b"])
    from cadres.services.roster import cadre_end_post

    for holder in Cadre.objects.filter(organization=org, post__in=["secretary", "secretary_director", "director"],
                                       post_ended_on__isnull=True):
        cadre_end_post(user=demo.users["county_admin"], cadre=holder, ended_on=holder.post_started_on)
    upload = SimpleUploadedFile("roster.csv", f"{header}\n{line}\n".encode("gb18030"), content_type="text/csv")
    result = roster_import(user=demo.users["county_admin"], upload=upload)
    assert result.ok, result.errors
    assert result.created[0].post == Post.SECRETARY_DIRECTOR

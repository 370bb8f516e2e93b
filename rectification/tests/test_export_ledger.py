"""The ledger export: consolidated layout, scope and the ledger page's filters, formula-safe, streamed with a
bounded number of queries per chunk, opens in LibreOffice; also through the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations.models import SecurityEvent
from rectification.exports.ledger import ledger_headers, write_ledger
from rectification.models import Designation, DesignationStatus, TaskStatus
from tests.workbooks import first_data_row, table

from .publishing_support import (
    add_entry,
    add_measure,
    add_report,
    add_visit,
    make_designation,
    make_round,
    organizations_of,
)

EXPORT = reverse("rectification:ledger-export")
API = "/api/v1/ledger/export/"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def rows_of(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.streaming  # a file streamed from disk, not a page built in memory
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header, rows = table(sheet)  # under the letterhead
    return header, rows, sheet, data


@pytest.fixture
def ledger(demo):
    """A 2019 round and a 2020 round in county 1; one organization designated in both (a repeat listing)."""
    old = make_round(demo.county1, 2019)
    round_ = make_round(demo.county1, 2020)
    orgs_a = organizations_of(demo, demo.township_a, 3, category="village")
    orgs_b = organizations_of(demo, demo.township_b, 2, category="village")
    make_designation(old, orgs_a[0], status=DesignationStatus.CONSOLIDATED)
    main = make_designation(
        round_, orgs_a[0], codes=("RSHS02", "RSHS04"), problems="书记不胜任现职。\n组织生活不正常。",
        objectives="一年内转化升级", cause_analysis="班子老化", responsible_unit="林安镇党委",
        responsible_person="王书记", contact_leader=("张三", "县委常委"), township_leader="李四",
        first_secretary=("赵五", "县财政局"), helping_unit="县财政局党支部",
        secretary_adjusted=True, secretary_trained=False)
    plan = main.plan
    add_measure(plan, "调整充实班子", [("选优配强书记", "王书记", dt.date(2026, 5, 1), TaskStatus.DONE),
                                 ("培养后备干部", "李四", dt.date(2026, 8, 1), TaskStatus.PENDING)])
    add_measure(plan, "规范组织生活", [("每月召开支委会", "赵五", dt.date(2026, 9, 1), TaskStatus.IN_PROGRESS)])
    for day in range(1, 6):
        add_entry(plan, dt.date(2026, 4, day), f"第{day}次进展")
    add_report(plan, dt.date(2026, 3, 1), dt.date(2026, 4, 30), due=dt.date(2026, 5, 10),
               submitted_on=dt.date(2026, 5, 8))
    add_report(plan, dt.date(2026, 5, 1), dt.date(2026, 6, 30), due=dt.date(2026, 7, 10),
               submitted_on=dt.date(2026, 7, 12))
    add_visit(plan, demo.users["contact_leader"], dt.date(2026, 4, 2), solved=2)
    others = [make_designation(round_, org) for org in orgs_a[1:] + orgs_b]
    return {"round": round_, "main": main, "others": others}


def test_layout_one_row_per_designation_with_measures_and_progress(demo, login, ledger):
    header, rows, _sheet, _data = rows_of(english(login("county_admin")).get(EXPORT, {"round": ledger["round"].pk}))
    with translation.override("en"):
        assert list(header) == [str(h) for h in ledger_headers()]
    expected = Designation.objects.filter(round=ledger["round"])
    assert len(rows) == expected.count() == 5
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    main = ledger["main"]
    row = next(r for r in rows if r[4] == main.organization.name)
    columns = dict(zip([str(h) for h in header], row, strict=True))
    assert columns["Township (subdistrict)"] == demo.township_a.name
    assert columns["Year designated"] == 2020
    assert columns["Times designated"] == 2  # 2019 and 2020
    assert columns["Weak-and-lax categories"].splitlines()[0].startswith("RSHS02")
    assert columns["Main problems"] == "书记不胜任现职。\n组织生活不正常。"
    measures = columns["Rectification measures (item by item)"].splitlines()
    assert measures[0] == "1. 调整充实班子" and measures[3] == "2. 规范组织生活"
    assert "选优配强书记" in measures[1] and "王书记" in measures[1] and "2026-05-01" in measures[1]
    progress = columns["Progress this period"].splitlines()
    assert progress == ["2026-04-05 第5次进展", "2026-04-04 第4次进展", "2026-04-03 第3次进展"]
    assert columns["Report submitted on"].date() == dt.date(2026, 7, 12)
    # The "four ones" are the cadres records (rectification.tests.publishing_support.add_four_ones; the demo
    # may have paired others with this village too), several joined by "；".
    assert "赵五（县财政局）" in columns["First secretary (dispatching unit)"].split("；")
    assert "张三（县委常委）" in columns["County contact leader"].split("；")
    assert "县财政局党支部" in columns["Paired helping unit"].split("；")
    assert columns["Township leader assigned"] == "李四"
    assert columns["Secretary adjusted / trained"] == "Adjusted；Not trained"
    assert columns["Status"] == "In rectification"
    assert columns["Completion deadline"].date() == dt.date(2026, 12, 31)


def test_scope_and_the_ledger_page_filters(demo, login, ledger):
    client = login("town_organizer")
    _h, rows, _s, data = rows_of(client.get(EXPORT, {"round": ledger["round"].pk}))
    mine = Designation.objects.filter(round=ledger["round"], township=demo.township_a)
    assert sorted(r[4] for r in rows) == sorted(mine.values_list("organization__name", flat=True))
    for other in Designation.objects.filter(round=ledger["round"]).exclude(township=demo.township_a):
        assert other.organization.name.encode() not in data
    # The same filters as the ledger page, and the same rows.
    admin = login("county_admin")
    for params in ({"township": demo.township_b.pk}, {"status": DesignationStatus.RECTIFYING},
                   {"q": ledger["main"].organization.name}, {"category": "RSHS04"}):
        params = {"round": ledger["round"].pk, **params}
        page = admin.get(reverse("rectification:ledger"), params)
        _h, rows, _s, _d = rows_of(admin.get(EXPORT, params))
        assert len(rows) == page.context["page_obj"].paginator.count, params
        assert sorted(r[4] for r in rows) == sorted(d.organization.name for d in page.context["object_list"])


def test_invalid_filter_exports_nothing(demo, login, ledger):
    _h, rows, _s, _d = rows_of(login("town_organizer").get(EXPORT, {"township": demo.township_b.pk}))
    assert rows == []


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","x")', "+1", "-1", "@x", "=1+2"])
def test_formula_like_text_is_a_text_cell(demo, login, ledger, text):
    main = ledger["main"]
    Designation.objects.filter(pk=main.pk).update(problems=text)
    _h, rows, sheet, _d = rows_of(login("county_admin").get(EXPORT, {"q": main.organization.name,
                                                                      "round": ledger["round"].pk}))
    assert len(rows) == 1
    cell = sheet.cell(row=first_data_row(sheet), column=12)
    assert cell.value == text and cell.data_type == "s" and cell.quotePrefix


def test_multiline_cells_are_wrapped(demo, login, ledger):
    _h, _rows, sheet, _d = rows_of(login("county_admin").get(EXPORT, {"round": ledger["round"].pk}))
    assert sheet.cell(row=first_data_row(sheet), column=15).alignment.wrap_text


def test_export_opens_in_libreoffice(demo, login, ledger, tmp_path):
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if not binary:
        pytest.skip("LibreOffice is not installed")
    Designation.objects.filter(pk=ledger["main"].pk).update(problems="=1+2")
    _h, rows, _s, data = rows_of(login("county_admin").get(EXPORT, {"round": ledger["round"].pk}))
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(data)
    subprocess.run([binary, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    with (tmp_path / "ledger.csv").open(encoding="utf-8") as handle:
        converted = list(csv.reader(handle))
    converted = converted[[row[0] if row else "" for row in converted].index("序号"):]  # under the letterhead
    assert len(converted) == len(rows) + 1
    assert "=1+2" in {row[11] for row in converted[1:]} and "3" not in {row[11] for row in converted[1:]}


def test_export_is_a_security_event(demo, login, ledger):
    before = SecurityEvent.objects.filter(kind="export").count()
    rows_of(login("county_leader").get(EXPORT, {"round": ledger["round"].pk}))
    event = SecurityEvent.objects.filter(kind="export").order_by("-pk").first()
    assert SecurityEvent.objects.filter(kind="export").count() == before + 1
    assert event.user == demo.users["county_leader"] and event.detail["what"] == "ledger"


def test_queries_per_chunk_do_not_grow_with_rows(demo, ledger):
    """Chunks of 2 rows cost as many queries as chunks of 4: the count follows the chunks, not the rows."""
    queryset = Designation.objects.filter(round=ledger["round"]).order_by("pk")
    ids = list(queryset.values_list("pk", flat=True))

    def queries(pks, chunk):
        with CaptureQueriesContext(connection) as ctx:
            assert write_ledger(io.BytesIO(), Designation.objects.filter(pk__in=pks).order_by("pk"), chunk) == len(pks)
        return len(ctx.captured_queries)

    assert queries(ids[:2], 2) == queries(ids[:4], 4)  # one chunk each, twice the rows
    one_chunk = queries(ids[:2], 2)
    assert queries(ids[:4], 2) <= 2 * one_chunk  # two chunks


def test_anonymous_is_sent_to_login(client):
    response = client.get(EXPORT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_api_rows_and_workbook(demo, login, ledger):
    client = login("county_admin")
    payload = client.get(API, {"round": ledger["round"].pk}).json()
    assert payload["count"] == 5
    assert {r["id"] for r in payload["results"]} == set(
        Designation.objects.filter(round=ledger["round"]).values_list("pk", flat=True))
    main = next(r for r in payload["results"] if r["id"] == ledger["main"].pk)
    assert main["times_designated"] == 2 and main["status"] == "rectifying"
    assert main["measures"].startswith("1. 调整充实班子")
    response = client.get(API, {"round": ledger["round"].pk, "format": "xlsx"})
    _h, rows, _s, _d = rows_of(response)
    assert len(rows) == 5
    bad = client.get(API, {"township": "nonsense", "format": "xlsx"})
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/json")


def test_api_is_scoped(demo, login, ledger):
    payload = login("town_organizer").get(API, {"round": ledger["round"].pk}).json()
    assert {r["township"] for r in payload["results"]} == {demo.township_a.name}
    assert payload["count"] == Designation.objects.filter(round=ledger["round"], township=demo.township_a).count()


def test_api_is_in_the_openapi_schema(demo, login):
    schema = login("county_admin").get(reverse("api-schema"), {"format": "json"}).json()
    assert "/api/v1/ledger/export/" in schema["paths"] and "/api/v1/ledger/dashboard/" in schema["paths"]


def test_the_api_export_is_checked_and_logged_like_the_page(demo, login, ledger):
    """The API's rows and its workbook are exports too: export/run, one security event per answer."""
    from organizations.models import User

    def events():
        return list(SecurityEvent.objects.filter(kind="export").order_by("pk").values_list("user_id", "detail"))

    before = events()
    client = login("county_leader")
    assert client.get(API, {"round": ledger["round"].pk}).status_code == 200
    rows_of(client.get(API, {"round": ledger["round"].pk, "format": "xlsx"}))
    new = events()[len(before):]
    leader = demo.users["county_leader"].pk
    assert [(user, detail["what"], detail["via"], detail["format"]) for user, detail in new] == [
        (leader, "ledger", "api", "json"), (leader, "ledger", "api", "xlsx")]
    assert new[0][1]["filters"] == {"round": str(ledger["round"].pk)}
    # A bad filter is a 400 and nothing is logged.
    assert client.get(API, {"township": "nonsense"}).status_code == 400
    # An account without any role: 404 in both formats, nothing logged.
    nobody, _created = User.objects.get_or_create(username="no_role_at_all")
    client.force_login(nobody)
    count = SecurityEvent.objects.count()
    assert client.get(API).status_code == 404
    assert client.get(API, {"format": "xlsx"}).status_code == 404
    assert SecurityEvent.objects.count() == count

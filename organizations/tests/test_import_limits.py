"""Import limits (issue 10): cell length, uncompressed size and ratio from IMPORT_LIMITS, short quotes of
bad values, stored errors bounded, and a workbook's long cell refused by a streamed pre-scan (memory bounded)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cadres.models import Cadre
from organizations.imports.pipeline import ImportResult, import_limits
from organizations.imports.services import import_job_run
from organizations.imports.uploads import import_job_create
from organizations.models import Division, ImportJob, Organization

HEADERS = ["区划代码", "区划名称", "区划类型", "上级区划代码", "党组织名称", "组织类型", "党组织类别", "上级党组织",
           "书记", "党员数", "人口"]
ROW = ["350322130000", "新桥镇", "镇", "", "中共新桥镇委员会", "党委", "乡镇", "", "林志强", "820", "28600"]
MAX = 5_000  # the default max_cell_chars


def _bench():
    """bench/import_memory.py, whose builder writes the hostile workbook (a long shared string, ~93:1)."""
    path = Path(django_settings.BASE_DIR) / "bench" / "import_memory.py"
    spec = importlib.util.spec_from_file_location("import_memory_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def written():
    return (Division.objects.count(), Organization.objects.count(), Division.history.count(),
            Organization.history.count())


def run_upload(demo, data: bytes, name: str, capture) -> ImportJob:
    """The upload as the view makes it, then the worker's run (eager Celery, or here)."""
    with capture(execute=True):
        job = import_job_create(user=demo.users["county_admin"], county=demo.county1,
                                upload=SimpleUploadedFile(name, data))
    job.refresh_from_db()
    if job.status == "pending":
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def stored_chars(job: ImportJob) -> int:
    return len(json.dumps(job.errors, ensure_ascii=False))


# --- cell length ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where, cell, row", [("header", "L1", 1), ("data", "E2", 2)])
def test_a_workbook_cell_over_the_limit_is_refused_and_the_stored_error_is_short(
        demo, django_capture_on_commit_callbacks, where, cell, row):
    before = written()
    if where == "header":
        data = xlsx_bytes([ROW], headers=[*HEADERS, "备" * (MAX + 1)])
    else:
        data = xlsx_bytes([[*ROW[:4], "组" * (MAX + 1), *ROW[5:]]])
    job = run_upload(demo, data, "long.xlsx", django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert job.errors == [{"row": row, "column": "", "message": (
        f"Cell {cell} holds more than {MAX} characters; a cell may hold at most {MAX} characters. Shorten it "
        "and upload the file again.")}]
    assert written() == before


def test_a_cell_at_the_limit_is_read(demo, django_capture_on_commit_callbacks):
    job = run_upload(demo, xlsx_bytes([ROW], headers=[*HEADERS, "备注"]), "ok.xlsx", django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.errors
    data = xlsx_bytes([[*ROW[:4], "组" * MAX, *ROW[5:]]])
    job = run_upload(demo, data, "long-name.xlsx", django_capture_on_commit_callbacks)
    # read (5,000 characters are not refused by the file checks); the name is then too long for the row check
    assert job.status == "failed" and job.errors[0]["row"] == 2 and "longer than 200" in job.errors[0]["message"]


def test_a_csv_cell_over_the_limit_is_refused_at_its_row(demo, django_capture_on_commit_callbacks):
    before = written()
    data = csv_bytes([ROW, [*ROW[:1], "名" * (MAX + 1), *ROW[2:]]])
    job = run_upload(demo, data, "long.csv", django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert job.errors == [{"row": 3, "column": "", "message": (
        f"Row 3, column 2 holds more than {MAX} characters; a cell may hold at most {MAX} characters. Shorten "
        "it and upload the file again.")}]
    assert written() == before


def test_a_csv_line_too_long_is_refused_before_it_is_read_whole(demo, django_capture_on_commit_callbacks):
    data = csv_bytes([ROW]) + b"," * (2 * 1024 * 1024) + b"\n"
    job = run_upload(demo, data, "commas.csv", django_capture_on_commit_callbacks)
    assert job.status == "failed" and job.errors[0]["message"].startswith("Line 3 is longer than")
    assert stored_chars(job) < 300


def test_the_cell_limit_is_a_setting(demo, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_LIMITS = {**settings.IMPORT_LIMITS, "default": {**settings.IMPORT_LIMITS["default"],
                                                                    "max_cell_chars": 10}}
    assert import_limits("divisions").max_cell_chars == 10
    job = run_upload(demo, xlsx_bytes([ROW]), "a.xlsx", django_capture_on_commit_callbacks)
    assert job.status == "failed" and "Cell A2 holds more than 10 characters" in job.errors[0]["message"]


def test_a_long_cell_is_refused_through_the_roster_page(demo, login):
    """The cadre imports read the file in the request (kernel ``read_upload_table``): the form's error."""
    from cadres.imports.roster import TEMPLATE_HEADERS

    client = login("county_admin")
    data = xlsx_bytes([["1", "", "", "350322100200", "张" * (MAX + 1)]], headers=TEMPLATE_HEADERS)
    before = Cadre.objects.count()
    response = client.post(reverse("cadres:roster-import"), {"file": SimpleUploadedFile("名册.xlsx", data)})
    assert response.status_code == 400
    content = response.content.decode()
    assert f"Cell E2 holds more than {MAX} characters" in content or "单元格 E2 超过" in content
    assert "张" * 100 not in content
    assert Cadre.objects.count() == before


# --- the streamed pre-scan -----------------------------------------------------------------------------------


def test_a_20_mb_cell_is_refused_early_with_bounded_memory(demo, tmp_path, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    """The issue's file, smaller: a 20,000,000-character header cell at ~93:1 (under the zip checks). The
    pre-scan stops at the first chunks; openpyxl never loads the string; the stored message is short."""
    path = _bench().build_workbook(tmp_path / "long-cell.xlsx", 20_000_000)
    data = path.read_bytes()
    assert len(data) < 400_000
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/sharedStrings.xml")
        assert 80 < info.file_size / info.compress_size < import_limits("divisions").max_compression_ratio

    read = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        chunk = real_read(self, n)
        read.append(len(chunk))
        return chunk

    def no_openpyxl(*args, **kwargs):
        raise AssertionError("openpyxl was reached")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    monkeypatch.setattr(openpyxl, "load_workbook", no_openpyxl)
    before = written()
    tracemalloc.start()
    try:
        job = run_upload(demo, data, "long-cell.xlsx", django_capture_on_commit_callbacks)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert job.status == "failed"
    assert job.errors[0]["row"] == 1 and job.errors[0]["message"].startswith(f"Cell L1 holds more than {MAX}")
    assert stored_chars(job) < 300
    assert sum(read) < 2 * 1024 * 1024  # of 20 MB: the scan stopped early (the cell lookup re-reads the sheet)
    assert peak < 10 * 1024 * 1024  # the 20 MB string never existed
    assert written() == before


def test_uncompressed_size_and_ratio_are_settings(demo, tmp_path, settings):
    data = _bench().build_workbook(tmp_path / "long-cell.xlsx", 3_000_000).read_bytes()
    limits = settings.IMPORT_LIMITS
    settings.IMPORT_LIMITS = {**limits, "divisions": {**limits["divisions"], "max_compression_ratio": 50}}
    with pytest.raises(ValidationError, match="ratio above 50 to 1"):
        import_job_create(user=demo.users["county_admin"], county=demo.county1,
                          upload=SimpleUploadedFile("a.xlsx", data))
    settings.IMPORT_LIMITS = {**limits, "divisions": {**limits["divisions"], "max_uncompressed_bytes": 2 * 1024 * 1024}}
    with pytest.raises(ValidationError, match="expands to more than 2 MB"):
        import_job_create(user=demo.users["county_admin"], county=demo.county1,
                          upload=SimpleUploadedFile("a.xlsx", data))
    assert not ImportJob.objects.exists()


def test_a_dtd_in_a_part_is_refused(demo, django_capture_on_commit_callbacks):
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([ROW])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1)
            target.writestr(info, content)
    job = run_upload(demo, buffer.getvalue(), "dtd.xlsx", django_capture_on_commit_callbacks)
    assert job.status == "failed" and "could not be read" in job.errors[0]["message"]


# --- messages quote a short prefix; stored errors are bounded ------------------------------------------------


def test_messages_quote_only_a_short_prefix_of_a_bad_value(demo, django_capture_on_commit_callbacks):
    long_kind = "镇" + "x" * 3000
    long_header = "栏" * 3000
    job = run_upload(demo, csv_bytes([[*ROW[:2], long_kind, *ROW[3:]]]), "kind.csv",
                     django_capture_on_commit_callbacks)
    assert job.status == "failed"
    message = job.errors[0]["message"]
    assert f"“{long_kind[:50]}…”" in message and long_kind[:51] not in message
    job = run_upload(demo, csv_bytes([ROW], headers=[*HEADERS, long_header]), "header.csv",
                     django_capture_on_commit_callbacks)
    message = job.errors[0]["message"]
    assert f"“{long_header[:50]}…”" in message and len(message) < 500


def test_an_import_result_keeps_a_bounded_number_of_short_errors():
    result = ImportResult()
    for row in range(2, 1_002):
        result.error(row, "名" * 500, "x" * 5_000)
    assert len(result.errors) == 501 and not result.ok
    assert result.errors[-1] == {"row": None, "column": "", "message": "…and 500 more errors."}
    assert all(len(e["message"]) <= 1_001 and len(e["column"]) <= 101 for e in result.errors)

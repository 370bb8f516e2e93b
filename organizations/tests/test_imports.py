"""Importing divisions and organizations: all rows or none, row-level errors, files checked by content."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from organizations.imports.services import (
    import_files_purge,
    import_job_run,
    import_rows,
    rows_from_file,
)
from organizations.imports.uploads import import_job_create
from organizations.models import Division, ImportJob, Organization

SAMPLE_CSV = Path(django_settings.BASE_DIR) / "docs" / "samples" / "divisions_sample.csv"
SAMPLE_XLSX = Path(django_settings.BASE_DIR) / "docs" / "samples" / "divisions_sample.xlsx"
HEADERS = ["区划代码", "区划名称", "区划类型", "上级区划代码", "党组织名称", "组织类型", "党组织类别", "上级党组织",
           "书记", "党员数", "人口"]

# A new township of county 1 (仙游县, 350322) with two villages, listed village first.
GOOD_ROWS = [
    ["350322130201", "上林村", "村", "350322130000", "中共新桥镇上林村支部委员会", "党支部", "村", "中共新桥镇委员会",
     "陈建国", "46", "3120"],
    ["350322130000", "新桥镇", "镇", "", "中共新桥镇委员会", "党委", "乡镇", "", "林志强", "820", "28600"],
    ["350322130202", "下林村", "村", "", "中共新桥镇下林村支部委员会", "党支部", "", "中共新桥镇委员会", "黄秀英",
     "31", ""],
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English (the msgids), whatever the catalog translates."""
    with translation.override("en"):
        yield


def csv_bytes(rows, headers=HEADERS, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_dicts(rows, headers=HEADERS):
    return [dict(zip(headers, row, strict=True)) for row in rows]


def counts():
    return (Division.objects.count(), Organization.objects.count(), Division.history.count(),
            Organization.history.count(), ImportJob.objects.count())


def run_upload(user, county, data: bytes, name: str, capture):
    """Create the job as the view does; the commit hook enqueues it (eager Celery runs it)."""
    with capture(execute=True):
        job = import_job_create(user=user, county=county, upload=SimpleUploadedFile(name, data))
    job.refresh_from_db()
    if job.status == "pending":  # a real broker is configured: run the task's body here
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


# --- a good file ----------------------------------------------------------------------------------------------


def test_good_file_creates_township_villages_and_organizations(demo, django_capture_on_commit_callbacks):
    admin = demo.users["county_admin"]
    before = counts()
    job = run_upload(admin, demo.county1, csv_bytes(GOOD_ROWS), "新桥镇.csv", django_capture_on_commit_callbacks)

    assert job.status == "succeeded", job.errors
    assert job.summary["divisions_created"] == 3
    assert job.summary["organizations_created"] == 3
    assert job.finished_at is not None
    township = Division.objects.get(code="350322130000")
    assert (township.name, township.kind, township.level, township.parent) == ("新桥镇", "town", "township",
                                                                               demo.county1)
    village = Division.objects.get(code="350322130201")
    assert (village.parent, village.township, village.county, village.kind) == (township, township, demo.county1,
                                                                                "village")
    committee = Organization.objects.get(division=township, name="中共新桥镇委员会")
    assert (committee.org_type, committee.category, committee.member_count) == ("committee", "township", 820)
    branch = Organization.objects.get(division__code="350322130202")
    assert (branch.parent, branch.category, branch.township, branch.village) == (committee, "village", township,
                                                                                 branch.division)
    assert counts()[:2] == (before[0] + 3, before[1] + 3)
    # The audit trail names the uploader on every record the import wrote.
    records = list(Division.history.filter(code__startswith="350322130")) + list(
        Organization.history.filter(division__code__startswith="350322130"))
    assert len(records) == 6
    assert {r.history_user_id for r in records} == {admin.pk}


def test_imported_rows_are_visible_on_the_pages(demo, login, django_capture_on_commit_callbacks):
    client = login("county_admin")
    upload = SimpleUploadedFile("乡镇.csv", csv_bytes(GOOD_ROWS))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organizations:import-create"),
                               {"county": demo.county1.pk, "file": upload})
    job = ImportJob.objects.get(original_name="乡镇.csv")
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:import-detail", args=[job.pk])
    if job.status == "pending":
        import_job_run(job_id=job.pk)
    page = client.get(reverse("organizations:import-detail", args=[job.pk]))
    assert page.status_code == 200
    assert "乡镇.csv" in page.content.decode()
    job.refresh_from_db()
    assert job.status == "succeeded"
    listing = client.get(reverse("organizations:list"), {"q": "新桥镇"}).content.decode()
    assert "中共新桥镇上林村支部委员会" in listing and "中共新桥镇委员会" in listing
    township = Division.objects.get(code="350322130000")
    assert "上林村" in client.get(reverse("organizations:division", args=[township.pk])).content.decode()
    assert job.original_name in client.get(reverse("organizations:import-list")).content.decode()


def test_reimporting_the_same_file_changes_nothing(demo):
    admin = demo.users["county_admin"]
    first = import_rows(user=admin, county=demo.county1, rows=as_dicts(GOOD_ROWS))
    assert first.ok, first.errors
    history = (Division.history.count(), Organization.history.count())
    second = import_rows(user=admin, county=demo.county1, rows=as_dicts(GOOD_ROWS))
    assert second.ok
    assert second.summary["divisions_created"] == second.summary["divisions_updated"] == 0
    assert second.summary["divisions_unchanged"] == 3 and second.summary["organizations_unchanged"] == 3
    assert (Division.history.count(), Organization.history.count()) == history


def test_existing_division_and_organization_are_updated(demo):
    admin = demo.users["county_admin"]
    village = demo.village_a  # 东山村, which already has an organization
    organization = Organization.objects.filter(division=village).first()
    rows = [[village.code, "东山新村", "村", "", organization.name, "党支部", "村", "", "新书记", "77", "4321"]]
    result = import_rows(user=admin, county=demo.county1, rows=as_dicts(rows))
    assert result.ok, result.errors
    assert result.summary["divisions_updated"] == 1 and result.summary["organizations_updated"] == 1
    village.refresh_from_db()
    organization.refresh_from_db()
    assert (village.name, village.population) == ("东山新村", 4321)
    assert (organization.secretary_name, organization.member_count) == ("新书记", 77)
    assert organization.parent_id is not None  # an empty 上级党组织 keeps the existing parent
    assert organization.history.latest().history_user == admin
    assert village.history.latest().history_user == admin


def test_sample_files_import(demo, django_capture_on_commit_callbacks):
    admin = demo.users["county_admin"]
    job = run_upload(admin, demo.county1, SAMPLE_XLSX.read_bytes(), "sample.xlsx", django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.errors
    assert job.summary["divisions_created"] == 5 and job.summary["organizations_created"] == 5
    enterprise = Organization.objects.get(name="中共金沙镇兴业鞋业有限公司支部委员会")
    assert enterprise.category == "non_public_enterprise" and enterprise.parent.name == "中共金沙镇委员会"
    again = run_upload(admin, demo.county1, SAMPLE_CSV.read_bytes(), "sample.csv", django_capture_on_commit_callbacks)
    assert again.status == "succeeded" and again.summary["organizations_unchanged"] == 5


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_gbk_and_bom_csv_are_accepted(demo, encoding, django_capture_on_commit_callbacks):
    data = csv_bytes(GOOD_ROWS, encoding=encoding)
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # really not UTF-8
    job = run_upload(demo.users["county_admin"], demo.county1, data, "gbk.csv", django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.errors
    assert Division.objects.get(code="350322130201").name == "上林村"


def test_english_headers_and_xlsx_numbers(demo, django_capture_on_commit_callbacks):
    headers = ["Division code", "Division name", "Kind", "Parent code", "Organization name", "Organization type",
               "Category", "Parent organization", "Secretary", "Party members", "Population"]
    rows = [[int(r[0]), *r[1:9], int(r[9]), int(r[10]) if r[10] else None] for r in GOOD_ROWS]
    job = run_upload(demo.users["county_admin"], demo.county1, xlsx_bytes(rows, headers), "en.xlsx",
                     django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.errors
    assert Organization.objects.get(division__code="350322130201").member_count == 46


# --- rejected rows: a clear error and nothing written ---------------------------------------------------------


def _with(index, column, value):
    rows = [list(r) for r in GOOD_ROWS]
    rows[index][HEADERS.index(column)] = value
    return rows


BAD_FILES = {
    "letters in code": (_with(0, "区划代码", "35032213A201"), 2, "区划代码", "35032213A201"),
    "11 digits": (_with(2, "区划代码", "35032213020"), 4, "区划代码", "12"),
    "parent not the prefix": (_with(0, "上级区划代码", "350322110000"), 2, "上级区划代码", "350322130000"),
    "missing name": (_with(1, "区划名称", ""), 3, "区划名称", ""),
    "outside the county": (_with(2, "区划代码", "350303130202"), 4, "区划代码", "350322"),
    "county itself": (_with(2, "区划代码", "350322000000"), 4, "区划代码", "350322000000"),
    "unknown kind": (_with(0, "区划类型", "庄"), 2, "区划类型", "庄"),
    "kind does not fit the level": (_with(1, "区划类型", "村"), 3, "区划类型", "村"),
    "unknown organization type": (_with(0, "组织类型", "党小组"), 2, "组织类型", "党小组"),
    "unknown category": (_with(0, "党组织类别", "学校"), 2, "党组织类别", "学校"),
    "non-numeric members": (_with(2, "党员数", "三十"), 4, "党员数", "三十"),
    "negative population": (_with(0, "人口", "-5"), 2, "人口", "-5"),
    "unknown parent organization": (_with(0, "上级党组织", "中共不存在委员会"), 2, "上级党组织", "中共不存在委员会"),
    "duplicate code": (GOOD_ROWS + [["350322130202", "下林村", "村", "", "", "", "", "", "", "", ""]], 5, "区划代码",
                       "4"),
    "duplicate organization": (GOOD_ROWS + [list(GOOD_ROWS[2])], 5, "党组织名称", "4"),
    "missing township": ([r for r in GOOD_ROWS if r[0] != "350322130000"], 2, "区划代码", "350322130000"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_rows_are_reported_and_nothing_is_written(demo, case, django_capture_on_commit_callbacks):
    rows, row, column, fragment = BAD_FILES[case]
    admin = demo.users["county_admin"]
    before = counts()
    result = import_rows(user=admin, county=demo.county1, rows=as_dicts(rows))
    assert not result.ok
    assert any(e["row"] == row and e["column"] == column and fragment in e["message"] for e in result.errors), \
        result.errors
    assert counts() == before
    # The same file through an upload: the job is rejected with the same error.
    job = run_upload(admin, demo.county1, csv_bytes(rows), "bad.csv", django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert any(e["row"] == row and e["column"] == column for e in job.errors)
    assert counts()[:4] == before[:4]


def test_every_bad_row_is_reported_not_only_the_first(demo):
    rows = _with(0, "区划代码", "abc")
    rows[2][HEADERS.index("党员数")] = "x"
    result = import_rows(user=demo.users["county_admin"], county=demo.county1, rows=as_dicts(rows))
    assert {(e["row"], e["column"]) for e in result.errors} >= {(2, "区划代码"), (4, "党员数")}


@pytest.mark.parametrize("headers, fragment", [
    (["编码", *HEADERS[1:]], "编码"),
    (HEADERS[:1] + HEADERS[3:], "区划名称"),
    (HEADERS + ["区划代码"], "区划代码"),
])
def test_wrong_headers_list_the_expected_ones(demo, headers, fragment, django_capture_on_commit_callbacks):
    rows = [row[: len(headers)] + [""] * (len(headers) - len(row)) for row in GOOD_ROWS]
    before = counts()
    job = run_upload(demo.users["county_admin"], demo.county1, csv_bytes(rows, headers), "h.csv",
                     django_capture_on_commit_callbacks)
    assert job.status == "failed"
    message = job.errors[0]["message"]
    assert job.errors[0]["row"] == 1
    assert fragment in message and "、".join(HEADERS) in message
    assert counts()[:4] == before[:4]


def test_file_without_data_rows_is_rejected(demo, django_capture_on_commit_callbacks):
    job = run_upload(demo.users["county_admin"], demo.county1, csv_bytes([["", "", ""]]), "empty.csv",
                     django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert job.errors == [{"row": None, "column": "", "message": "The file has no data rows."}]


def test_blank_rows_are_skipped(demo):
    rows = [GOOD_ROWS[0], [""] * len(HEADERS), *GOOD_ROWS[1:]]
    result = import_rows(user=demo.users["county_admin"], county=demo.county1, rows=as_dicts(rows))
    assert result.ok and result.summary["rows"] == 3


def test_row_cap(demo, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_LIMITS = {**settings.IMPORT_LIMITS, "divisions": {"max_bytes": 20 * 1024 * 1024, "max_rows": 2}}
    before = counts()
    job = run_upload(demo.users["county_admin"], demo.county1, csv_bytes(GOOD_ROWS), "long.csv",
                     django_capture_on_commit_callbacks)
    assert job.status == "failed" and "2" in job.errors[0]["message"]
    assert counts()[:4] == before[:4]


def test_parent_organization_loop_is_rejected(demo):
    rows = _with(1, "上级党组织", "中共新桥镇上林村支部委员会")
    before = counts()
    result = import_rows(user=demo.users["county_admin"], county=demo.county1, rows=as_dicts(rows))
    assert not result.ok and any(e["column"] == "上级党组织" for e in result.errors)
    assert counts() == before


def test_out_of_scope_user_cannot_import_rows(demo):
    before = counts()
    result = import_rows(user=demo.users["other_county_admin"], county=demo.county1, rows=as_dicts(GOOD_ROWS))
    assert not result.ok
    assert counts() == before


# --- files checked by content ---------------------------------------------------------------------------------


def _workbook_with(extra: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD_ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        for name, data in extra.items():
            target.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, fragment", [
    ("junk.xlsx", random.Random(7).randbytes(10 * 1024 * 1024), "UTF-8"),
    ("bomb.xlsx", _workbook_with({"xl/media/padding.bin": b"\0" * (60 * 1024 * 1024)}), "100"),
    ("macro.xlsm", _workbook_with({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"macro" * 100}), "macro"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, ".xls"),
    ("not-excel.xlsx", b"PK\x03\x04 this is not a zip", "damaged"),
    ("empty.csv", b"", "empty"),
])
def test_bad_files_are_refused_at_upload(demo, name, data, fragment):
    before = counts()
    with pytest.raises(ValidationError) as exc_info:
        import_job_create(user=demo.users["county_admin"], county=demo.county1, upload=SimpleUploadedFile(name, data))
    assert any(fragment.lower() in m.lower() for m in exc_info.value.messages), exc_info.value.messages
    assert counts() == before


def test_upload_size_is_capped(demo, settings):
    settings.IMPORT_LIMITS = {**settings.IMPORT_LIMITS, "divisions": {"max_bytes": 100, "max_rows": 200_000}}
    with pytest.raises(ValidationError):
        import_job_create(user=demo.users["county_admin"], county=demo.county1,
                          upload=SimpleUploadedFile("big.csv", csv_bytes(GOOD_ROWS)))
    assert not ImportJob.objects.exists()


def test_a_zip_of_another_kind_is_refused(demo):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError, match="not an Excel"):
        import_job_create(user=demo.users["county_admin"], county=demo.county1,
                          upload=SimpleUploadedFile("x.xlsx", buffer.getvalue()))


def test_upload_outside_scope_is_refused(demo):
    with pytest.raises(ValidationError):
        import_job_create(user=demo.users["other_county_admin"], county=demo.county1,
                          upload=SimpleUploadedFile("a.csv", csv_bytes(GOOD_ROWS)))
    with pytest.raises(ValidationError):
        import_job_create(user=demo.users["county_admin"], county=demo.township_a,
                          upload=SimpleUploadedFile("a.csv", csv_bytes(GOOD_ROWS)))
    assert not ImportJob.objects.exists()


# --- the job: runs once, files purged --------------------------------------------------------------------------


def test_job_runs_only_once(demo, django_capture_on_commit_callbacks):
    admin = demo.users["county_admin"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = import_job_create(user=admin, county=demo.county1,
                                upload=SimpleUploadedFile("a.csv", csv_bytes(GOOD_ROWS)))
    assert len(callbacks) == 1  # enqueued on commit, not before
    assert import_job_run(job_id=job.pk) == "succeeded"
    history = Organization.history.count()
    assert import_job_run(job_id=job.pk) == "succeeded"
    assert Organization.history.count() == history
    claimed = ImportJob.objects.create(division=demo.county1, original_name="b.csv", created_by=admin,
                                       status="running")
    assert import_job_run(job_id=claimed.pk) == "running"


def test_finished_files_are_purged(demo, django_capture_on_commit_callbacks):
    job = run_upload(demo.users["county_admin"], demo.county1, csv_bytes(GOOD_ROWS), "a.csv",
                     django_capture_on_commit_callbacks)
    path = Path(job.file.path)
    assert path.exists()
    assert import_files_purge(days=30) == 0
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=31))
    assert import_files_purge(days=30) == 1
    assert not path.exists()
    assert import_files_purge(days=30) == 0
    job.refresh_from_db()
    assert not job.file and job.status == "succeeded"


def test_rows_from_file_reads_the_sample_csv():
    with SAMPLE_CSV.open("rb") as handle:
        rows, errors = rows_from_file(handle)
    assert errors == [] and len(rows) == 6 and rows[0]["_row"] == 2


# --- HTTP: who may upload, who sees the job --------------------------------------------------------------------


@pytest.mark.parametrize("username", ["town_organizer", "county_leader", "village_secretary"])
def test_upload_page_is_404_for_non_admins(demo, login, username):
    client = login(username)
    assert client.get(reverse("organizations:import-create")).status_code == 404
    response = client.post(reverse("organizations:import-create"),
                           {"county": demo.county1.pk, "file": SimpleUploadedFile("a.csv", csv_bytes(GOOD_ROWS))})
    assert response.status_code == 404
    assert not ImportJob.objects.exists()


def test_other_county_admin_cannot_pick_county_1(demo, login):
    client = login("other_county_admin")
    page = client.get(reverse("organizations:import-create"))
    assert page.status_code == 200
    choices = [pk for pk, _label in page.context["form"].fields["county"].choices if pk]
    assert [int(str(pk)) for pk in choices] == [demo.county2.pk]
    response = client.post(reverse("organizations:import-create"),
                           {"county": demo.county1.pk, "file": SimpleUploadedFile("a.csv", csv_bytes(GOOD_ROWS))})
    assert response.status_code == 400  # a refused form is a 400 with the form shown again
    assert response.context["form"].errors.get("county")
    assert not ImportJob.objects.exists()


def test_bad_file_through_http_shows_the_error(demo, login):
    client = login("county_admin")
    response = client.post(reverse("organizations:import-create"), {
        "county": demo.county1.pk, "file": SimpleUploadedFile("junk.xlsx", random.Random(1).randbytes(4096))})
    assert response.status_code == 400  # the form again, with its error
    assert response.context["form"].errors.get("file")
    assert not ImportJob.objects.exists()


def test_rejected_job_page_lists_row_errors(demo, login, django_capture_on_commit_callbacks):
    client = login("county_admin")
    rows = _with(0, "区划代码", "35032213A201")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organizations:import-create"),
                    {"county": demo.county1.pk, "file": SimpleUploadedFile("bad.csv", csv_bytes(rows))})
    job = ImportJob.objects.get()
    if job.status == "pending":
        import_job_run(job_id=job.pk)
    content = client.get(reverse("organizations:import-detail", args=[job.pk])).content.decode()
    assert "35032213A201" in content and "区划代码" in content
    assert not Division.objects.filter(code__startswith="350322130").exists()


def test_job_of_county_1_is_404_for_other_county_admin(demo, login, django_capture_on_commit_callbacks):
    job = run_upload(demo.users["county_admin"], demo.county1, csv_bytes(GOOD_ROWS), "a.csv",
                     django_capture_on_commit_callbacks)
    client = login("other_county_admin")
    assert client.get(reverse("organizations:import-detail", args=[job.pk])).status_code == 404
    assert "a.csv" not in client.get(reverse("organizations:import-list")).content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("organizations:import-create"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- the management command ------------------------------------------------------------------------------------


def test_command_imports_and_prints_counts(demo, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    out = io.StringIO()
    call_command("import_divisions", str(path), county=demo.county1.code, user="county_admin", stdout=out)
    assert "3 created" in out.getvalue()
    assert Division.objects.filter(code__startswith="350322130").count() == 3
    assert Organization.history.filter(division__code__startswith="350322130").first().history_user.username == \
        "county_admin"


def test_command_rejects_bad_rows(demo, tmp_path):
    path = tmp_path / "rows.xlsx"
    path.write_bytes(xlsx_bytes(_with(2, "党员数", "三十")))
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_divisions", str(path), county=demo.county1.code, user="county_admin", stderr=err)
    assert "row 4 [党员数]" in err.getvalue()
    assert counts() == before


def test_command_refuses_a_user_without_the_role(demo, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    with pytest.raises(CommandError):
        call_command("import_divisions", str(path), county=demo.county1.code, user="town_organizer",
                     stderr=io.StringIO())
    assert not Division.objects.filter(code__startswith="350322130").exists()


def test_stale_running_job_is_claimed_again(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = import_job_create(user=demo.users["county_admin"], county=demo.county1,
                                upload=SimpleUploadedFile("a.csv", csv_bytes(GOOD_ROWS)))
    ImportJob.objects.filter(pk=job.pk).update(status="running", created_at=timezone.now() - timedelta(hours=3))
    assert import_job_run(job_id=job.pk) == "succeeded"
    assert Division.objects.filter(code__startswith="350322130").count() == 3


def test_full_width_digits_are_read_as_digits(demo):
    rows = _with(0, "区划代码", "３５０３２２１３０２０１")
    rows[0][HEADERS.index("党员数")] = "４６"
    result = import_rows(user=demo.users["county_admin"], county=demo.county1, rows=as_dicts(rows))
    assert result.ok, result.errors
    assert Organization.objects.get(division__code="350322130201").member_count == 46


def test_ambiguous_parent_organization_is_rejected(demo):
    rows = [list(r) for r in GOOD_ROWS]
    rows.append(["350322130202", "下林村", "村", "", "中共新桥镇委员会", "党支部", "", "", "", "", ""])
    result = import_rows(user=demo.users["county_admin"], county=demo.county1, rows=as_dicts(rows))
    assert not result.ok
    assert {e["row"] for e in result.errors if e["column"] == "上级党组织"} == {2, 4}


def test_a_failure_while_writing_rolls_back_every_row(demo, monkeypatch):
    """Model validation refusing the last organization undoes the divisions already saved."""
    original = Organization.clean

    def refuse(self):
        if self.name == "中共新桥镇下林村支部委员会":
            raise ValidationError({"name": "refused"})
        return original(self)

    monkeypatch.setattr(Organization, "clean", refuse)
    before = counts()
    result = import_rows(user=demo.users["county_admin"], county=demo.county1, rows=as_dicts(GOOD_ROWS))
    assert result.errors == [{"row": 4, "column": "党组织名称", "message": "refused"}]
    assert counts() == before

"""Evidence uploads: checked by content and size, nothing written on refusal, served only in scope."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rectification.imports import evidence
from rectification.models import EvidenceFile, ProgressEntry
from rectification.services import progress_entry_add

from .progress_support import (
    EXE,
    HTML,
    JPEG,
    PDF,
    PNG,
    docx_bytes,
    make_rectifying_plan,
    media_dir,
    ole2_bytes,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def plan(demo):
    return make_rectifying_plan(demo)


@pytest.fixture
def media(settings, tmp_path):
    return media_dir(settings, tmp_path)


def _add(plan, user, files, **kwargs):
    return progress_entry_add(user=user, plan=plan, happened_on=kwargs.pop("happened_on", TODAY),
                              content=kwargs.pop("content", "召开支部党员大会，学习党章。"), files=files, today=TODAY,
                              **kwargs)


BAD_FILES = {
    "exe_renamed_jpg": ("照片.jpg", EXE, "image/jpeg"),
    "html": ("page.html", HTML, "text/html"),
    "html_renamed_pdf": ("report.pdf", HTML, "application/pdf"),
    "macro_docx": ("会议记录.docx", docx_bytes(macros=True),
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "legacy_doc_with_macros": ("旧.doc", ole2_bytes("Root Entry", "WordDocument", "Macros", "_VBA_PROJECT"),
                               "application/msword"),
    "plain_zip": ("x.docx", b"PK\x03\x04" + b"\x00" * 40, "application/zip"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_message_and_nothing_is_written(demo, plan, media, case):
    name, content, content_type = BAD_FILES[case]
    entries, files = ProgressEntry.objects.count(), EvidenceFile.objects.count()
    good = upload("ok.jpg", JPEG, "image/jpeg")  # a good file beside the bad one is not kept either
    with pytest.raises(ValidationError) as excinfo:
        _add(plan, demo.users["town_organizer"], [good, upload(name, content, content_type)])
    message = " ".join(excinfo.value.message_dict["files"])
    assert name in message  # the message names the file, in whatever language is active
    codes = {error.code for error in excinfo.value.error_dict["files"]}
    assert codes == ({"macros"} if "macro" in case else {"file_type"})
    assert (ProgressEntry.objects.count(), EvidenceFile.objects.count()) == (entries, files)
    assert stored_files(media) == []


def test_an_oversized_file_is_refused(demo, plan, media, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    big = upload("大照片.jpg", JPEG + b"\x00" * 2000, "image/jpeg")
    with pytest.raises(ValidationError) as excinfo:
        _add(plan, demo.users["town_organizer"], [big])
    assert "大照片.jpg" in excinfo.value.message_dict["files"][0]
    assert "MB" in excinfo.value.message_dict["files"][0]
    assert not ProgressEntry.objects.filter(plan=plan).exists() and stored_files(media) == []


def test_the_default_limit_is_ten_megabytes(demo, plan, media):
    assert evidence.max_upload_bytes() == 10 * 1024 * 1024
    with pytest.raises(ValidationError):
        evidence.check_upload(upload("x.pdf", PDF + b"\x00" * (10 * 1024 * 1024), "application/pdf"))


@pytest.mark.parametrize("name,content,content_type,extension", [
    ("相机.JPG", JPEG, "image/jpeg", "jpg"),
    ("截图.png", PNG, "image/png", "png"),
    ("手机照片.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "image/heic", "heic"),
    ("通知.pdf", PDF, "application/pdf", "pdf"),
    ("会议记录.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "docx"),
    ("旧台账.doc", ole2_bytes("Root Entry", "WordDocument", "1Table"), "application/msword", "doc"),
    ("旧表.xls", ole2_bytes("Root Entry", "Workbook"), "application/vnd.ms-excel", "xls"),
])
def test_accepted_files_are_stored_through_the_storage_with_the_detected_type(demo, plan, media, name, content,
                                                                                content_type, extension):
    # The browser's type is ignored: the content decides (and names the stored file's extension).
    entry = _add(plan, demo.users["village_secretary"], [upload(name, content, "application/octet-stream")])
    record = entry.evidence.get()
    assert (record.content_type, record.original_name, record.size) == (content_type, name, len(content))
    assert record.file.name.endswith(f".{extension}") and name not in record.file.name
    assert (media / record.file.name).read_bytes() == content
    assert (record.organization_id, record.county_id, record.township_id) == (
        plan.organization_id, plan.county_id, plan.township_id)
    assert record.uploaded_by == demo.users["village_secretary"]


def test_the_quick_entry_page_refuses_a_bad_file_and_keeps_nothing(demo, plan, media, login):
    client = login("town_organizer")
    url = reverse("rectification:progress-add", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    # the phone offers the album or the camera, as the hint says: no ``capture`` forcing the camera
    assert 'accept="image/*"' in html and "capture=" not in html and "multiple" in html
    entries = ProgressEntry.objects.count()
    response = client.post(url, {"content": "走访群众", "happened_on": "2026-11-20",
                                 "photos": [upload("evil.jpg", EXE, "image/jpeg")]})
    assert response.status_code == 400
    assert "evil.jpg" in response.content.decode()
    assert ProgressEntry.objects.count() == entries and stored_files(media) == []


def test_the_quick_entry_page_saves_photos(demo, plan, media, login):
    client = login("village_secretary")
    response = client.post(reverse("rectification:progress-add", args=[plan.pk]), {
        "content": "修缮村部活动场所", "happened_on": "2026-11-20",
        "photos": [upload("a.jpg", JPEG, "image/jpeg"), upload("b.png", PNG, "image/png")],
        "files": [upload("纪要.pdf", PDF, "application/pdf")]})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = ProgressEntry.objects.filter(plan=plan).get()
    assert entry.author == demo.users["village_secretary"] and entry.happened_on == dt.date(2026, 11, 20)
    assert sorted(entry.evidence.values_list("content_type", flat=True)) == [
        "application/pdf", "image/jpeg", "image/png"]
    assert len(stored_files(media)) == 3


@pytest.fixture
def stored(demo, plan, media):
    entry = _add(plan, demo.users["town_organizer"], [upload("现场.jpg", JPEG, "image/jpeg"),
                                                      upload("纪要.pdf", PDF, "application/pdf")])
    return {r.content_type: r for r in entry.evidence.all()}


def test_evidence_is_served_in_scope_images_inline_documents_as_attachment(demo, stored, login):
    client = login("county_admin")
    image = client.get(reverse("rectification:evidence", args=[stored["image/jpeg"].pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["Content-Disposition"].startswith("inline")
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content) == JPEG
    document = client.get(reverse("rectification:evidence", args=[stored["application/pdf"].pk]))
    assert document["Content-Disposition"].startswith("attachment")
    assert document["X-Content-Type-Options"] == "nosniff"
    api = client.get(reverse("evidence-file-download", args=[stored["application/pdf"].pk]))
    assert api.status_code == 200 and b"".join(api.streaming_content) == PDF


@pytest.mark.parametrize("username", ["other_county_admin", "contact_leader"])
def test_evidence_outside_the_scope_is_404(demo, stored, client, username):
    # The contact leader is assigned to 东山村? Then it is in scope: expected from the assignment rows.
    from organizations.models import ObjectAssignment

    record = stored["image/jpeg"]
    inside = ObjectAssignment.objects.filter(user=demo.users[username], organization=record.organization).exists()
    client.force_login(demo.users[username])
    for url in (reverse("rectification:evidence", args=[record.pk]),
                reverse("evidence-file-download", args=[record.pk]),
                reverse("evidence-file-detail", args=[record.pk])):
        assert client.get(url).status_code == (200 if inside else 404), url
    listed = client.get(reverse("evidence-file-list")).json()
    assert (record.pk in [r["id"] for r in listed["results"]]) == inside


def test_anonymous_is_sent_to_login(demo, stored, client):
    response = client.get(reverse("rectification:evidence", args=[stored["image/jpeg"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("evidence-file-download", args=[stored["image/jpeg"].pk])).status_code in (401, 403)


def test_a_missing_file_on_disk_is_a_404_not_a_500(demo, stored, login, media):
    (media / stored["image/jpeg"].file.name).unlink()
    response = login("county_admin").get(reverse("rectification:evidence", args=[stored["image/jpeg"].pk]))
    assert response.status_code == 404

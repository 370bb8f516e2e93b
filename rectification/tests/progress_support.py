"""Fixtures and helpers of the progress-area tests: a plan of a fresh round walked to rectification."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rectification import services
from rectification.models import Category, Designation, Round
from rectification.tests.plan_support import complete_plan, plan_problem, plan_started


def make_rectifying_plan(demo, *, organization=None, year=2098, confirmed_on=dt.date(2026, 3, 15)):
    """A plan in rectification (proposed, confirmed, planned, approved) of a round of its own, with two tasks.

    ``confirmed_on`` is written afterwards (the reporting window starts there), as an imported ledger would.
    """
    admin = demo.users["county_admin"]
    organization = organization or demo.org_in(demo.village_a)
    organizer = demo.users["town_organizer"] if organization.township_id == demo.township_a.pk else admin
    round_ = Round.objects.filter(county=demo.county1, year=year).first() or services.round_create(
        user=admin, county=demo.county1, year=year)
    designation = services.designation_propose(
        user=organizer, round=round_, organization=organization,
        categories=list(Category.objects.filter(code="RSHS04")), problems="组织生活不正常。")
    designation = services.designation_confirm(user=admin, designation=designation)
    plan = plan_started(organizer, designation, on=confirmed_on)
    plan = complete_plan(organizer, plan, deadline=dt.date(2026, 12, 31), objectives="规范组织生活",
                         responsible_person="黄丽华")
    measure = services.measure_add(user=organizer, plan=plan, title="规范“三会一课”", family="mechanism",
                                   problem=plan_problem(organizer, plan))
    services.task_add(user=organizer, measure=measure, title="制定学习计划", owner_name="黄丽华",
                      deadline=dt.date(2026, 5, 31))
    services.task_add(user=organizer, measure=measure, title="按月召开支部党员大会", owner_name="黄丽华",
                      deadline=dt.date(2026, 12, 31))
    designation = services.designation_transition(user=organizer, designation=designation, action="submit_plan")
    designation = services.designation_transition(user=admin, designation=designation, action="approve_plan")
    confirmed_at = timezone.make_aware(dt.datetime.combine(confirmed_on, dt.time(10, 0)))
    Designation.objects.filter(pk=designation.pk).update(confirmed_at=confirmed_at)
    plan.refresh_from_db()
    plan.designation.refresh_from_db()
    return plan


# ---------------------------------------------------------------------------------------------- files

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

_DOCX_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
               b'wordprocessingml.document.main+xml"/></Types>')
_DOCM_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               b'<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.'
               b'macroEnabled.main+xml"/></Types>')


def docx_bytes(*, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCM_TYPES if macros else _DOCX_TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


def ole2_bytes(*names: str) -> bytes:
    """A minimal stand-in of a legacy Office file: the OLE2 signature and directory entry names."""
    body = b"".join(name.encode("utf-16-le") + b"\x00\x00" + b"\x00" * (64 - 2 * len(name) - 2) for name in names)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + body


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def media_dir(settings, tmp_path):
    """Uploads of the test go to a temporary directory (call from a fixture)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


def village_in(township):
    from organizations.models import Organization

    return Organization.objects.filter(township=township, village__isnull=False).order_by("division__code").first()

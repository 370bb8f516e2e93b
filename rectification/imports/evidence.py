"""Evidence uploads checked by their content (never by their name or the browser's type) and size.

Accepted: photos (JPEG, PNG, GIF, WebP, HEIC/HEIF as phones take them), PDF, Office documents
(Word, Excel and PowerPoint as OOXML zips with the right parts and no macros; the legacy binary
.doc/.xls/.ppt without macros). Everything else, an empty file or a file above
``EVIDENCE_MAX_UPLOAD_BYTES`` (10 MB unless set) is refused with a message naming the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from organizations.imports.packages import PackageRefused, open_package

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_ENTRY = 10

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}


@dataclass(frozen=True)
class Detected:
    content_type: str
    extension: str

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def max_upload_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def _not_accepted(name: str) -> ValidationError:
    return ValidationError(
        _("Only images (JPEG, PNG, GIF, WebP, HEIC), PDF or Office documents (Word, Excel, PowerPoint) can be "
          "uploaded; “%(name)s” is none of these.") % {"name": name}, code="file_type")


def clean_name(name: str) -> str:
    """The file's own name without any path, at most 255 characters (for display and download)."""
    base = os.path.basename((name or "").replace("\\", "/")).strip().replace("\x00", "")
    return (base or "file")[-255:]


def check_upload(upload) -> Detected:
    """What ``upload`` really is; ValidationError with a clear message when it is not accepted."""
    name = clean_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if not size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(_("“%(name)s” is larger than %(max)s MB; make it smaller (a photo at lower "
                                "resolution, a document without large images) and upload it again.")
                              % {"name": name, "max": round(limit / 1024 / 1024, 1)}, code="too_large")
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    detected = _sniff(head, upload, name)
    upload.seek(0)
    return detected


def _sniff(head: bytes, upload, name: str) -> Detected:
    if head.startswith(b"\xff\xd8\xff"):
        return Detected("image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Detected("image/png", "png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Detected("image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Detected("image/webp", "webp")
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        if head[8:12] == b"avif":
            return Detected("image/avif", "avif")
        return Detected("image/heic", "heic")
    if head.startswith(b"%PDF-"):
        return Detected("application/pdf", "pdf")
    if head.startswith(_ZIP):
        return _check_ooxml(upload, name)
    if head.startswith(_OLE2):
        return _check_ole2(upload, name)
    raise _not_accepted(name)


_OOXML_KINDS = (
    ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
)


def _macro_error(name: str) -> ValidationError:
    return ValidationError(_("“%(name)s” contains macros, which are not accepted. Save it as an ordinary "
                             "document (.docx, .xlsx or .pptx) and upload it again.") % {"name": name},
                           code="macros")


def _check_ooxml(upload, name: str) -> Detected:
    try:
        package = open_package(upload)
    except PackageRefused as exc:
        if exc.reason == "macros":
            raise _macro_error(name) from exc
        if exc.reason == "zip_bomb":
            raise ValidationError(_("“%(name)s” expands to far more data than its size suggests; it is refused.")
                                  % {"name": name}, code="zip_bomb") from exc
        raise _not_accepted(name) from exc
    for part, content_type, extension in _OOXML_KINDS:
        if part in package.names:
            return Detected(content_type, extension)
    raise _not_accepted(name)


def _utf16(text: str) -> bytes:
    """A directory entry name as stored: UTF-16LE with its terminating NUL (text in a document has none)."""
    return text.encode("utf-16-le") + b"\x00\x00"


_OLE2_KINDS = (
    (_utf16("WordDocument"), "application/msword", "doc"),
    (_utf16("Workbook"), "application/vnd.ms-excel", "xls"),
    (_utf16("Book"), "application/vnd.ms-excel", "xls"),
    (_utf16("PowerPoint Document"), "application/vnd.ms-powerpoint", "ppt"),
)
_OLE2_MACROS = (_utf16("_VBA_PROJECT"), _utf16("VBA"), _utf16("Macros"), _utf16("_VBA_PROJECT_CUR"))
_OLE2_ENCRYPTED = (_utf16("EncryptedPackage"),)


def _check_ole2(upload, name: str) -> Detected:
    """A legacy Office file: its directory holds the stream names in UTF-16; macros are refused."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if any(marker in data for marker in _OLE2_ENCRYPTED):
        raise ValidationError(_("“%(name)s” is protected by a password; remove the password and upload it again.")
                              % {"name": name}, code="encrypted")
    if any(marker in data for marker in _OLE2_MACROS):
        raise _macro_error(name)
    for marker, content_type, extension in _OLE2_KINDS:
        if marker in data:
            return Detected(content_type, extension)
    raise _not_accepted(name)


def check_uploads(uploads) -> list[Detected]:
    """Check every file before anything is written; all errors together."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES_PER_ENTRY:
        raise ValidationError(_("At most %(count)s files can be attached to one progress entry.")
                              % {"count": MAX_FILES_PER_ENTRY}, code="too_many")
    detected, errors = [], []
    for upload in uploads:
        try:
            detected.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return detected

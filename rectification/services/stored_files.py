"""Files stored with a record and frozen there (the bimonthly report's workbook, the annual report's)."""

from __future__ import annotations

from django.core.files.base import ContentFile


def replace_file(field_file, name: str, content: bytes) -> None:
    """Store ``content`` as the file of ``field_file`` (the record is saved by the caller): the file it held
    before is deleted, replaced rather than piled up."""
    if field_file.name and field_file.storage.exists(field_file.name):
        field_file.storage.delete(field_file.name)
    field_file.save(name, ContentFile(content), save=False)


def stored_bytes(field_file) -> bytes | None:
    """The stored file's content, or None when there is none (never stored, or missing from the storage)."""
    if not field_file:
        return None
    try:
        with field_file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None

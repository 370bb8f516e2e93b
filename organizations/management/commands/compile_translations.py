"""Compile every locale/*/LC_MESSAGES/*.po to .mo with polib: no GNU gettext needed on the machine.

Django's own ``compilemessages`` calls ``msgfmt``; a county's fresh server often has only Python.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def locale_dirs() -> list[Path]:
    return [Path(p) for p in settings.LOCALE_PATHS]


def po_files() -> list[Path]:
    files: list[Path] = []
    for base in locale_dirs():
        files.extend(sorted(base.glob("*/LC_MESSAGES/*.po")))
    return files


def compile_catalogs(*, only_stale: bool = False) -> list[Path]:
    """Write a .mo next to each .po; with ``only_stale`` skip those whose .mo is newer. Returns the .mo paths."""
    written = []
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        if only_stale and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            catalog = polib.pofile(str(po_path))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{po_path}: cannot be read ({exc})") from exc
        # Fuzzy entries are left out of the .mo, as msgfmt does.
        catalog.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def ensure_compiled() -> list[Path]:
    """Compile missing or stale catalogs and make the running process reload them (tests, start-up)."""
    written = compile_catalogs(only_stale=True)
    if written:
        from django.utils.translation.reloader import translation_file_changed

        # What Django's autoreloader does when a .mo changes: drop the cached catalogs.
        translation_file_changed(sender=None, file_path=written[0])
    return written


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo files with polib (no GNU gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument("--stale", action="store_true", help="Only catalogs whose .mo is missing or older.")

    def handle(self, *args, **options):
        if not po_files():
            raise CommandError("No .po files found under " + ", ".join(str(p) for p in locale_dirs()))
        written = compile_catalogs(only_stale=options["stale"])
        for mo_path in written:
            self.stdout.write(f"compiled {mo_path}")
        self.stdout.write(self.style.SUCCESS(f"{len(written)} catalog(s) compiled."))

"""Backup and restore of everything the portal keeps: the database and the uploaded files (MEDIA_ROOT).

A backup directory holds the database (SQLite: ``database.sqlite3`` made with SQLite's online backup API;
PostgreSQL: ``database.dump`` made with ``pg_dump -Fc``), a copy of MEDIA_ROOT under ``media/`` and
``manifest.json``: the row count of every table and the sha256 of the dump and of every file. A restore
checks the dump and the files against the manifest before it changes anything, restores both, and checks
the row counts and the files again afterwards. Redis holds only queued jobs; keep it with its own
persistence (see the README, "Operations").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
FORMAT = 1


class BackupError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        counts[meta.db_table] = model._base_manager.using("default").count()
    return dict(sorted(counts.items()))


def file_checksums(root: Path) -> dict[str, dict]:
    files = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            files[path.relative_to(root).as_posix()] = {"sha256": sha256_of(path), "size": path.stat().st_size}
    return files


def _pg_env_and_args() -> tuple[dict, list[str], str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args, str(db["NAME"])


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[:2000]}")


def _dump_database(target: Path) -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        name = "database.sqlite3"
        destination = sqlite3.connect(target / name)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return name
    if connection.vendor == "postgresql":
        name = "database.dump"
        env, args, dbname = _pg_env_and_args()
        _run(["pg_dump", "-Fc", "--no-owner", "-f", str(target / name), *args, dbname], env)
        return name
    raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _load_database(source: Path, vendor: str) -> None:
    if vendor != connection.vendor:
        raise BackupError(f"The backup holds a {vendor} database; this installation uses {connection.vendor}.")
    if vendor == "sqlite":
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("Cannot restore inside a transaction.")
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    connections.close_all()
    env, args, dbname = _pg_env_and_args()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, "-d", dbname,
          str(source)], env)


def backup(target: Path) -> dict:
    """Write a backup into ``target`` (a new or empty directory); answers the manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new directory for each backup.")
    target.mkdir(parents=True, exist_ok=True)
    counts = row_counts()
    database = _dump_database(target)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.copytree(media_root, target / MEDIA_DIR)
    else:
        (target / MEDIA_DIR).mkdir()
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database": {"file": database, "sha256": sha256_of(target / database)},
        "row_counts": counts,
        "media": file_checksums(target / MEDIA_DIR),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


def verify(source: Path) -> dict:
    """Check a backup directory against its manifest; answers the manifest or raises BackupError."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"No readable {MANIFEST} in {source}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    database = source / manifest["database"]["file"]
    if not database.is_file() or sha256_of(database) != manifest["database"]["sha256"]:
        raise BackupError(f"The database dump {database.name} is missing or does not match the manifest.")
    found = file_checksums(source / MEDIA_DIR)
    expected = manifest["media"]
    problems = sorted(set(expected) ^ set(found)) + sorted(
        name for name in set(expected) & set(found) if expected[name]["sha256"] != found[name]["sha256"])
    if problems:
        raise BackupError(f"{len(problems)} media file(s) missing, extra or changed, e.g. {', '.join(problems[:5])}.")
    return manifest


def restore(source: Path) -> dict:
    """Replace the database and MEDIA_ROOT with the backup in ``source``, checked before and after."""
    source = Path(source)
    manifest = verify(source)
    _load_database(source / manifest["database"]["file"], manifest["vendor"])
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.rmtree(media_root)
    shutil.copytree(source / MEDIA_DIR, media_root)
    counts = row_counts()
    differing = {table: (count, counts.get(table)) for table, count in manifest["row_counts"].items()
                 if counts.get(table) != count}
    if differing:
        raise BackupError(f"Row counts differ after the restore (expected, found): {differing}")
    if file_checksums(media_root) != manifest["media"]:
        raise BackupError("The media files differ from the manifest after the restore.")
    return manifest

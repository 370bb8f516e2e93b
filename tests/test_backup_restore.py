"""``backup`` / ``restore`` round trip on SQLite and on PostgreSQL: the database and the evidence files come
back, checked by row counts and sha256; a damaged backup is refused before anything is changed.

Runs in a subprocess on its own database (an SQLite file; on PostgreSQL a database of its own, created and
dropped here) and its own MEDIA_ROOT: a restore replaces the whole database, which the suite's shared test
database must not undergo. The PostgreSQL round trip runs when the suite does (DATABASE_URL is a PostgreSQL
URL), with pg_dump / pg_restore from the PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import hashlib, json, sys
from pathlib import Path
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from organizations.backup import file_checksums, row_counts
from django.conf import settings
from organizations.models import User

backup_dir, damaged_dir = Path(sys.argv[1]), Path(sys.argv[2])
# The schema from the models, as the suite's own databases are made (--no-migrations): running the
# migrations from scratch took two minutes on SQLite and is checked by CI on its own.
from django.apps import apps
settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0)
for index in range(5):
    User.objects.create_user(username=f"user{index}", password="x-pass-123456")
paths = [default_storage.save(f"evidence/2026/05/photo{index}.jpg", ContentFile(bytes([index]) * (1000 + index)))
         for index in range(3)]
default_storage.save("imports/2026/05/list.xlsx", ContentFile(b"PK workbook"))
before = {"rows": row_counts(), "files": file_checksums(Path(settings.MEDIA_ROOT))}
call_command("backup", str(backup_dir), verbosity=0)
manifest = json.loads((backup_dir / "manifest.json").read_text())

# Damage after the backup: rows deleted, a file changed, one removed, one added.
User.objects.filter(username__in=["user1", "user2"]).delete()
Path(settings.MEDIA_ROOT, paths[0]).write_bytes(b"overwritten")
Path(settings.MEDIA_ROOT, paths[1]).unlink()
default_storage.save("evidence/2026/06/new.jpg", ContentFile(b"after the backup"))

# A damaged backup is refused and changes nothing.
import shutil
shutil.copytree(backup_dir, damaged_dir)
Path(damaged_dir, "media", paths[2]).write_bytes(b"tampered")
try:
    call_command("restore", str(damaged_dir), verbosity=0)
    refused = ""
except CommandError as exc:
    refused = str(exc)
users_after_refusal = User.objects.count()

call_command("restore", str(backup_dir), verbosity=0)
after = {"rows": row_counts(), "files": file_checksums(Path(settings.MEDIA_ROOT))}
# New rows after the restore take new ids (PostgreSQL: the sequences came back with the rows).
User.objects.create_user(username="after-restore", password="x-pass-123456")
print(json.dumps({"before": before, "after": after, "manifest": manifest, "refused": refused,
                  "users_after_refusal": users_after_refusal,
                  "users": sorted(User.objects.values_list("username", flat=True))}))
"""


def run_round_trip(tmp_path, database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=database_url,
               MEDIA_ROOT=str(tmp_path / "media"))
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "backup"), str(tmp_path / "damaged")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def check_round_trip(report: dict, tmp_path) -> None:
    before, after, manifest = report["before"], report["after"], report["manifest"]
    assert manifest["row_counts"] == before["rows"]
    assert manifest["media"] == before["files"] and len(before["files"]) == 4
    assert "media file(s) missing, extra or changed" in report["refused"]
    assert report["users_after_refusal"] == before["rows"]["organizations_user"] - 2  # nothing restored

    assert after["rows"] == before["rows"]
    assert after["files"] == before["files"]
    assert {"user1", "user2", "after-restore"} <= set(report["users"])
    assert not (tmp_path / "media" / "evidence/2026/06/new.jpg").exists()


def test_backup_and_restore_round_trip_on_sqlite(tmp_path):
    report = run_round_trip(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert report["manifest"]["vendor"] == "sqlite" and report["manifest"]["database"]["file"] == "database.sqlite3"
    check_round_trip(report, tmp_path)


def _major(version_text: str) -> int:
    found = re.search(r"(\d+)(?:\.\d+)?", version_text)
    return int(found.group(1)) if found else 0


@pytest.fixture
def postgres_database():
    """A new, empty PostgreSQL database on the suite's server (DATABASE_URL), dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the PostgreSQL round trip runs when the suite runs on PostgreSQL (DATABASE_URL)")
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not on the PATH (the PostgreSQL client tools)")
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = f"backup_round_trip_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                             password=parts.password, dbname="postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = _major(cursor.fetchone()[0])
            client = _major(subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout)
            if client < server:
                pytest.skip(f"pg_dump {client} cannot dump a PostgreSQL {server} server")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield urlunsplit(parts._replace(path=f"/{name}"))
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        admin.close()


def test_backup_and_restore_round_trip_on_postgresql(tmp_path, postgres_database):
    report = run_round_trip(tmp_path, postgres_database)
    assert report["manifest"]["vendor"] == "postgresql" and report["manifest"]["database"]["file"] == "database.dump"
    assert (tmp_path / "backup" / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    check_round_trip(report, tmp_path)

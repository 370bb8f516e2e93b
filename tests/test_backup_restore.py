"""``backup`` / ``restore`` round trip on SQLite: the database and the evidence files come back, checked by
row counts and sha256; a damaged backup is refused before anything is changed.

Runs in a subprocess on its own SQLite file and MEDIA_ROOT: a restore replaces the whole database, which
the suite's shared test database must not undergo.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
call_command("migrate", verbosity=0)
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
print(json.dumps({"before": before, "after": after, "manifest": manifest, "refused": refused,
                  "users_after_refusal": users_after_refusal,
                  "users": sorted(User.objects.values_list("username", flat=True))}))
"""


def test_backup_and_restore_round_trip_on_sqlite(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               MEDIA_ROOT=str(tmp_path / "media"))
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "backup"), str(tmp_path / "damaged")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    before, after, manifest = report["before"], report["after"], report["manifest"]

    assert manifest["vendor"] == "sqlite" and manifest["database"]["file"] == "database.sqlite3"
    assert manifest["row_counts"] == before["rows"]
    assert manifest["media"] == before["files"] and len(before["files"]) == 4
    assert "media file(s) missing, extra or changed" in report["refused"]
    assert report["users_after_refusal"] == before["rows"]["organizations_user"] - 2  # nothing restored

    assert after["rows"] == before["rows"]
    assert after["files"] == before["files"]
    assert {"user1", "user2"} <= set(report["users"])
    assert not (tmp_path / "media" / "evidence/2026/06/new.jpg").exists()

"""What the benchmark scripts share: Django set-up, timed requests with their query count, the database name.

Import it first: ``from common import setup; setup()`` (the scripts run as files, bench/ is on sys.path).
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    """Django on the database of DATABASE_URL, DEBUG off (no query log overhead: production-like timing)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(client, url: str, repeat: int, warmup: int):
    """(timings in ms of ``repeat`` requests after ``warmup``, the queries of one request, its response)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = list(captured.captured_queries)  # read now: the next request resets the query log
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, queries, response


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def write_report(text: str, output: str | None, default_name: str) -> None:
    """Write a benchmark's markdown (to ``output``, else bench/results/<default_name>_<database>.md) and show it."""
    from django.db import connection

    path = Path(output) if output else ROOT / "bench" / "results" / f"{default_name}_{connection.vendor}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {path}")

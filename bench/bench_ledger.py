"""Benchmark the rectification ledger at province scale: pages, API lists and the full-province export.

Run against a database holding the demo data and a province generated with its ledger (see bench/README.md):

    DJANGO_SETTINGS_MODULE=config.settings.local DATABASE_URL=... .venv/bin/python bench/bench_ledger.py

Requests (Django's test Client, in-process, DEBUG off, N timed repetitions after warm-up; median and p95 in
ms; SQL queries of one request): a township organizer's ledger page and API designation list, a county
admin's own queue page (``rectification:my-ledger``: plans awaiting approval, reports to review, the
overdue list across townships) and the API's overdue tasks; each on the generated province and on the demo
city, whose query counts must be equal. Then the full-province ledger export (``rectification:ledger-export``
as the province reviewer) in a subprocess: seconds, rows per second, bytes, peak Python heap
(tracemalloc, a second run) and the process's peak RSS. Writes bench/results/ledger_<database>.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, database_label, percentile, setup
from common import measure as common_measure  # noqa: E402  (bench/ is on sys.path)

setup()

import django  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from organizations.models import User  # noqa: E402
from rectification.models import Designation, ProgressEntry, Task  # noqa: E402

#: (dataset, persona, requests): province bench accounts and their demo counterparts.
PERSONAS = [
    ("province", "bench_town_organizer", ("ledger", "ledger overdue", "api designations")),
    ("demo", "town_organizer", ("ledger", "ledger overdue", "api designations")),
    ("province", "bench_county_admin", ("my ledger", "api overdue tasks", "ledger", "api designations")),
    ("demo", "county_admin", ("my ledger", "api overdue tasks", "ledger", "api designations")),
    ("province", "bench_province_reviewer", ("ledger", "ledger overdue", "api designations", "api overdue tasks")),
    ("demo", "city_reviewer", ("ledger", "ledger overdue", "api designations", "api overdue tasks")),
]
COUNTERPART = {"bench_town_organizer": "town_organizer", "bench_county_admin": "county_admin",
               "bench_province_reviewer": "city_reviewer"}
#: (dataset, persona, query string): the whole province, a third of it (memory must not follow the size), the demo.
EXPORT_PERSONAS = [("province", "bench_province_reviewer", ""), ("province", "bench_province_reviewer", "status=rectifying"),
                   ("demo", "city_reviewer", "")]


def urls() -> dict[str, str]:
    def page(name: str) -> str:
        try:
            return reverse(name)
        except NoReverseMatch:
            return ""

    ledger = page("rectification:ledger")
    return {
        "ledger": ledger,
        "ledger overdue": f"{ledger}?overdue=true" if ledger else "",
        "my ledger": page("rectification:my-ledger"),
        "api designations": "/api/v1/ledger/designations/",
        "api overdue tasks": "/api/v1/ledger/tasks/?overdue=true",
        "export": page("rectification:ledger-export"),
    }


@dataclass
class Row:
    dataset: str
    persona: str
    key: str
    scope: int
    url: str
    median: float
    p95: float
    queries: int
    status: int



def measure(client: Client, url: str, repeat: int, warmup: int):
    timings, queries, response = common_measure(client, url, repeat, warmup)
    return timings, len(queries), response.status_code


def run_requests(repeat: int, warmup: int) -> list[Row]:
    rows, known = [], urls()
    for dataset, username, keys in PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"skipping {username}: not in this database (seed_demo / generate_province --ledger)")
            continue
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        scope = Designation.objects.visible_to(user).count()
        for key in keys:
            url = known[key]
            if not url:
                print(f"skipping {key}: the page does not exist yet")
                continue
            timings, queries, status = measure(client, url, repeat, warmup)
            if status != 200:
                print(f"  {url} answered {status}")
            rows.append(Row(dataset, username, key, scope, url, statistics.median(timings),
                            percentile(timings, 0.95), queries, status))
            print(f"{username:22} {key:22} median {rows[-1].median:8.1f} ms  p95 {rows[-1].p95:8.1f} ms  "
                  f"{queries:3d} queries  ({scope} designations)", flush=True)
    return rows


def export_once(username: str, query: str, trace: bool) -> dict:
    """One export in this process (called in a subprocess): stream it to a temporary file."""
    import tracemalloc

    user = User.objects.get(username=username)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = urls()["export"] + (f"?{query}" if query else "")
    client.get(reverse("rectification:ledger"))  # warm up imports, templates, the session
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    size = 0
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured, tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        response = client.get(url)
        chunks = response.streaming_content if response.streaming else [response.content]
        for chunk in chunks:
            size += len(chunk)
            out.write(chunk)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.stop()
        out.flush()
        rows = count_rows(out.name) if not trace else None
    return {"status": response.status_code, "streaming": response.streaming, "seconds": seconds, "bytes": size,
            "rows": rows, "queries": len(captured.captured_queries), "peak_heap": peak,
            "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "rss_before_kb": rss_before}


def count_rows(path: str) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    sheet = workbook.worksheets[0]
    return sum(1 for row in sheet.iter_rows(values_only=True) if any(v not in (None, "") for v in row))


def run_exports() -> list[dict]:
    results = []
    for dataset, username, query in EXPORT_PERSONAS:
        if not User.objects.filter(username=username).exists() or not urls()["export"]:
            print(f"skipping the export for {username}")
            continue
        user = User.objects.get(username=username)
        scope = Designation.objects.visible_to(user).count()
        result = {"dataset": dataset, "persona": username, "scope": scope, "query": query}
        for trace in (False, True):
            command = [sys.executable, __file__, "--export-child", username, "--export-query", query]
            command += ["--trace"] if trace else []
            output = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ).stdout
            child = json.loads(output.strip().splitlines()[-1])
            result.update({f"{k}_traced" if trace else k: v for k, v in child.items()})
        results.append(result)
        print(f"export {username} {query}: {result['seconds']:.1f} s, {result['rows']} sheet rows, "
              f"{result['bytes'] / 1e6:.1f} MB, {result['queries']} queries, peak heap "
              f"{result['peak_heap_traced'] / 1e6:.1f} MB, max RSS {result['maxrss_kb'] / 1024:.0f} MB", flush=True)
    return results




def report(rows: list[Row], exports: list[dict], repeat: int, warmup: int) -> str:
    lines = [
        f"# Rectification ledger: {database_label()}", "",
        f"Database holds {Designation.objects.count():,} designations, {Task.objects.count():,} tasks and "
        f"{ProgressEntry.objects.count():,} progress entries (demo city + generated province). Django "
        f"{django.get_version()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, DEBUG off, test Client "
        f"in-process. Each request: {warmup} warm-up, {repeat} timed. Load average: "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}.", "",
        "| dataset | persona | designations in scope | request | median ms | p95 ms | queries |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r.dataset} | {r.persona} | {r.scope:,} | `{r.url}` ({r.key}) | {r.median:.1f} | "
                     f"{r.p95:.1f} | {r.queries} |")
    lines += ["", "## Query counts: province vs demo", "",
              "| request | province persona | queries | demo persona | queries | same |", "|---|---|---:|---|---:|---|"]
    by_key = {(r.persona, r.key): r for r in rows}
    ok = True
    for r in rows:
        other = by_key.get((COUNTERPART.get(r.persona), r.key))
        if other is None:
            continue
        same = other.queries == r.queries
        ok &= same
        lines.append(f"| {r.key} | {r.persona} | {r.queries} | {other.persona} | {other.queries} | "
                     f"{'yes' if same else '**no**'} |")
    lines += ["", "Query counts do not grow with data size." if ok else "**Query counts differ: see above.**", ""]
    if exports:
        lines += ["## Ledger export (`rectification:ledger-export`)", "",
                  "| dataset | persona | filter | designations in scope | sheet rows | seconds | rows/s | MB | queries | "
                  "peak Python heap MB (tracemalloc run) | seconds under tracemalloc | max RSS MB |",
                  "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for e in exports:
            lines.append(f"| {e['dataset']} | {e['persona']} | `{e['query'] or '—'}` | {e['scope']:,} | {e['rows']:,} | {e['seconds']:.1f} | "
                         f"{e['rows'] / e['seconds']:,.0f} | {e['bytes'] / 1e6:.1f} | {e['queries']} | "
                         f"{e['peak_heap_traced'] / 1e6:.1f} | {e['seconds_traced']:.1f} | "
                         f"{e['maxrss_kb'] / 1024:.0f} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--export-only", action="store_true")
    parser.add_argument("--export-child", help=argparse.SUPPRESS)
    parser.add_argument("--export-query", default="", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--output", help="markdown file (default bench/results/ledger_<database>.md)")
    args = parser.parse_args()
    if args.export_child:
        print(json.dumps(export_once(args.export_child, args.export_query, args.trace)))
        return
    rows = [] if args.export_only else run_requests(args.repeat, args.warmup)
    exports = [] if args.no_export else run_exports()
    text = report(rows, exports, args.repeat, args.warmup)
    output = Path(args.output) if args.output else ROOT / "bench" / "results" / f"ledger_{connection.vendor}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {output}")


if __name__ == "__main__":
    main()

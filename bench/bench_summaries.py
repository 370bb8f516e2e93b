"""Benchmark the bimonthly progress report job and the daily digest job at province scale.

Run against a database holding the demo data and a province generated with its ledger (see bench/README.md):

    DJANGO_SETTINGS_MODULE=config.settings.local DATABASE_URL=... .venv/bin/python bench/bench_summaries.py

For every county with designations (the job's fan-out), in this process and one after the other (what one
worker does with the fanned-out tasks): the bimonthly reports of the county and its townships with their
workbooks (``make_county_summary_reports``), run twice (the second run refreshes: same number of reports),
then the day's digests (``send_county_digests``), run twice (the second sends nothing). Wall time in total and
per county (median, max), SQL queries per county (median, max), reports, workbooks and notifications made.
Everything runs in a transaction rolled back at the end and the workbooks go to a temporary MEDIA_ROOT, so the
script can be run again. Writes bench/results/summaries_<database>.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time

os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-summaries-"))

from common import ROOT, database_label, setup  # noqa: E402  (bench/ is on sys.path)

setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from organizations.models import Notification  # noqa: E402
from rectification.models import Designation, Plan, SummaryReport  # noqa: E402
from rectification.selectors.designations import county_ids_with_designations  # noqa: E402
from rectification.services.bimonthly_reports import make_county_summary_reports  # noqa: E402
from rectification.services.digests import send_county_digests  # noqa: E402


class Rollback(Exception):
    pass


def timed_pass(label: str, county_ids: list[int], job, today: str) -> dict:
    per_county, queries, results = [], [], []
    started = time.perf_counter()
    for county_id in county_ids:
        connection.queries_log.clear()  # the log is a bounded deque: keep it from overflowing
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            results.append(job(county_id, today))
            per_county.append(time.perf_counter() - t0)
        queries.append(len(captured.captured_queries))
    total = time.perf_counter() - started
    print(f"{label}: {total:.1f} s for {len(county_ids)} counties", file=sys.stderr)
    return {"label": label, "total": total, "median": statistics.median(per_county), "max": max(per_county),
            "q_median": statistics.median(queries), "q_max": max(queries), "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", default=timezone.localdate().isoformat())
    parser.add_argument("--output", default=None)
    args = parser.parse_args()
    county_ids = county_ids_with_designations()
    plans = Plan.objects.count()
    designations = Designation.objects.count()
    rows = []
    made = {}
    try:
        with transaction.atomic():
            rows.append(timed_pass("bimonthly reports (first run)", county_ids, make_county_summary_reports,
                                   args.today))
            made["reports"] = SummaryReport.objects.count()
            made["workbooks"] = SummaryReport.objects.exclude(workbook="").count()
            rows.append(timed_pass("bimonthly reports (second run: refresh)", county_ids,
                                   make_county_summary_reports, args.today))
            made["reports after second run"] = SummaryReport.objects.count()
            before = Notification.objects.filter(kind="digest").count()
            rows.append(timed_pass("daily digest (first run)", county_ids, send_county_digests, args.today))
            made["digests"] = Notification.objects.filter(kind="digest").count() - before
            made["digest recipients"] = sum(r["recipients"] for r in rows[-1]["results"])
            rows.append(timed_pass("daily digest (second run: nothing sent)", county_ids, send_county_digests,
                                   args.today))
            made["digests in total after the second run"] = Notification.objects.filter(kind="digest").count() - before
            raise Rollback
    except Rollback:
        pass
    label = database_label()
    lines = [
        f"# Bimonthly reports and daily digest — {label}",
        "",
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; as of {args.today}; "
        f"{len(county_ids)} counties with designations, {designations:,} designations, {plans:,} plans.",
        "One process, county after county (what one worker does with the fan-out), in a rolled-back transaction.",
        "",
        "| job | total s | per county median s | per county max s | queries per county median | max |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(f"| {row['label']} | {row['total']:.1f} | {row['median']:.2f} | {row['max']:.2f} | "
                     f"{row['q_median']:.0f} | {row['q_max']} |")
    lines += ["", "| made | count |", "|---|---:|"]
    lines += [f"| {key} | {value:,} |" for key, value in made.items()]
    text = "\n".join(lines) + "\n"
    print(text)
    vendor = "postgresql" if connection.vendor == "postgresql" else connection.vendor
    output = args.output or ROOT / "bench" / "results" / f"summaries_{vendor}.md"
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()

"""Benchmark the leader dashboard (page and API) and the cadre dashboard at province scale: live against the
precomputed figures.

Run against a database holding the demo and a province generated with its ledger (see bench/README.md):

    DJANGO_SETTINGS_MODULE=config.settings.local DATABASE_URL=... .venv/bin/python bench/bench_dashboard.py

For each persona (province reviewer, county admin and township organizer of the generated province; the demo's
city reviewer), the page ``/ledger/dashboard/``, the API ``/api/v1/ledger/dashboard/`` and the cadre dashboard
``/cadres/dashboard/`` (test Client, in-process, DEBUG off; median and p95 in ms of N requests after warm-up, the
queries of one request):

1. **live**: no summary rows (every county counted live: the dashboard as it was before the summaries);
2. **summary**: after refreshing every county (``dashboard_summary_refresh``; its time per county is reported).

Also the raw-SQL lower bound of the issue (one statement giving per county the designations by status, the
organizations with overdue tasks and the overdue tasks of the counted current round) and the ratio of the
province reviewer's API to it; and a raw-SQL lower bound of the cadre dashboard's figures counted over the
province (``CADRE_RAW_SQL``: per county the reserve pools against the default minimum, the "four ones" of the
current round's weak organizations, the guarantee ledger's organizations with their venue, pay and
disbursements; policies taken as their defaults, the days in the village left out — less work than the
figures need, so a lower bound) with the ratio of the province reviewer's cadre page to it.
Writes bench/results/dashboard_<database>.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

from common import ROOT, database_label, measure, percentile, setup

setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from organizations.models import Division, RoleAssignment, User  # noqa: E402
from rectification.models.dashboard_summary import DashboardSummary  # noqa: E402
from rectification.services.dashboard_summary import dashboard_summary_refresh  # noqa: E402

PERSONAS = ["bench_province_reviewer", "city_reviewer", "bench_county_admin", "bench_town_organizer"]
REQUESTS = [("page", "/ledger/dashboard/"), ("api", "/api/v1/ledger/dashboard/"), ("cadres", "/cadres/dashboard/")]

RAW_SQL = """
WITH counted AS (
  SELECT d.id, d.county_id, d.status, d.plan_id FROM (
    SELECT d.id, d.county_id, d.status, p.id AS plan_id, d.round_id,
           COALESCE((SELECT r.id FROM rectification_round r WHERE r.county_id = d.county_id AND r.year <= %(year)s
                     ORDER BY r.year DESC LIMIT 1),
                    (SELECT r.id FROM rectification_round r WHERE r.county_id = d.county_id ORDER BY r.year LIMIT 1))
             AS current_round
    FROM rectification_designation d LEFT JOIN rectification_plan p ON p.designation_id = d.id
    WHERE d.status NOT IN ('proposed', 'withdrawn')) d
  WHERE d.round_id = d.current_round),
overdue AS (
  SELECT t.plan_id, count(*) AS n FROM rectification_task t JOIN rectification_plancycle c ON c.id = t.cycle_id
  WHERE t.status <> 'done' AND c.closed_on IS NULL AND t.deadline < %(today)s GROUP BY t.plan_id)
SELECT c.county_id, c.status, count(*), count(o.plan_id), coalesce(sum(o.n), 0)
FROM counted c LEFT JOIN overdue o ON o.plan_id = c.plan_id GROUP BY c.county_id, c.status
"""


CADRE_RAW_SQL = """
WITH counties AS (SELECT id FROM organizations_division WHERE level = 'county' AND province_id = %(province)s),
latest AS (SELECT DISTINCT ON (county_id) id FROM rectification_round ORDER BY county_id, year DESC),
weak AS (
  SELECT d.county_id, d.organization_id FROM rectification_designation d
  WHERE d.round_id IN (SELECT id FROM latest) AND d.status NOT IN ('proposed', 'withdrawn')
    AND d.county_id IN (SELECT id FROM counties)),
serving AS (
  SELECT id, organization_id FROM cadres_firstsecretary
  WHERE term_start <= %(today)s AND term_end >= %(today)s AND (recalled_on IS NULL OR recalled_on > %(today)s)),
with_secretary AS (
  SELECT organization_id FROM serving
  UNION SELECT v.organization_id FROM cadres_firstsecretary_other_villages v JOIN serving f ON f.id = v.firstsecretary_id),
running AS (
  SELECT organization_id, bool_or(contact_leader_id IS NOT NULL) AS leader, bool_or(helping_unit_id IS NOT NULL) AS unit
  FROM cadres_pairing WHERE started_on <= %(today)s AND (ended_on IS NULL OR ended_on > %(today)s)
  GROUP BY organization_id),
pool AS (
  SELECT o.county_id, coalesce(r.n, 0) AS n, coalesce(r.s, 0) AS s FROM organizations_organization o
  LEFT JOIN (SELECT organization_id, count(*) AS n, count(*) FILTER (WHERE reserve_type = 'student_official') AS s
             FROM cadres_reservecadre WHERE status = 'in_pool' GROUP BY organization_id) r ON r.organization_id = o.id
  WHERE o.category IN ('village', 'community') AND o.is_active AND o.county_id IN (SELECT id FROM counties)),
ledger AS (
  SELECT d.organization_id FROM rectification_designation d JOIN rectification_round r ON r.id = d.round_id
  WHERE r.year = %(year)s AND d.status NOT IN ('proposed', 'withdrawn') AND d.county_id IN (SELECT id FROM counties)
  UNION
  SELECT organization_id FROM cadres_guaranteeledger WHERE year = %(year)s AND county_id IN (SELECT id FROM counties))
SELECT county_id, 'reserve', count(*)::numeric, count(*) FILTER (WHERE n < 2)::numeric,
       sum(greatest(0, 2 - n))::numeric, count(*) FILTER (WHERE s = 0)::numeric
FROM pool GROUP BY county_id
UNION ALL
SELECT w.county_id, 'coverage', count(*), count(*) FILTER (WHERE s.organization_id IS NULL),
       count(*) FILTER (WHERE NOT coalesce(p.leader, false)), count(*) FILTER (WHERE NOT coalesce(p.unit, false))
FROM weak w LEFT JOIN with_secretary s ON s.organization_id = w.organization_id
LEFT JOIN running p ON p.organization_id = w.organization_id
GROUP BY w.county_id
UNION ALL
SELECT o.county_id, 'guarantee', count(*),
       count(*) FILTER (WHERE g.id IS NULL OR g.venue_condition IN ('', 'none', 'poor')),
       count(*) FILTER (WHERE g.secretary_pay IS NULL), coalesce(sum(paid.total), 0)
FROM ledger l JOIN organizations_organization o ON o.id = l.organization_id
LEFT JOIN cadres_guaranteeledger g ON g.organization_id = o.id AND g.year = %(year)s
LEFT JOIN (SELECT b.organization_id, sum(b.amount) AS total FROM cadres_disbursement b
           JOIN cadres_guaranteeledger g ON g.id = b.ledger_id WHERE g.year = %(year)s GROUP BY b.organization_id) paid
  ON paid.organization_id = o.id
GROUP BY o.county_id
"""


def raw_lower_bound(repeat: int, sql: str = RAW_SQL, **params) -> tuple[list[float], int]:
    today = timezone.localdate()
    timings, rows = [], 0
    for _ in range(repeat + 1):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, {"year": today.year, "today": today, **params})
            rows = len(cursor.fetchall())
        timings.append((time.perf_counter() - started) * 1000)
    return timings[1:], rows


def run(repeat: int, warmup: int, personas: list[str]) -> str:
    users = {u.username: u for u in User.objects.filter(username__in=personas)}
    results = []

    def measure_all(mode: str):
        for username in personas:
            if username not in users:
                continue
            client = Client(HTTP_HOST="localhost")
            client.force_login(users[username])
            for name, url in REQUESTS:
                timings, queries, response = measure(client, url, repeat, warmup)
                assert response.status_code == 200, (username, url, response.status_code)
                results.append((mode, username, name, url, statistics.median(timings), percentile(timings, 0.95),
                                len(queries)))
                print(results[-1], file=sys.stderr)

    DashboardSummary.objects.all().delete()
    measure_all("live")
    counties = list(Division.objects.filter(level="county").values_list("pk", flat=True))
    started = time.perf_counter()
    for county_id in counties:
        dashboard_summary_refresh(county_id=county_id)
    refresh_seconds = time.perf_counter() - started
    measure_all("summary")
    raw, raw_rows = raw_lower_bound(repeat)
    raw_median = statistics.median(raw)
    province = RoleAssignment.objects.filter(user__username="bench_province_reviewer",
                                             division__level="province").values_list("division_id", flat=True).first()
    cadre_raw, cadre_rows = raw_lower_bound(repeat, CADRE_RAW_SQL, province=province)
    cadre_median = statistics.median(cadre_raw)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        f"# Leader and cadre dashboards: {database_label()}", "",
        f"Django test Client in-process, DEBUG off, {repeat} timed requests after {warmup} warm-up; "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average {load}, {timezone.localdate()}.", "",
        f"Refresh of every county's summary ({len(counties)} counties, one after another): {refresh_seconds:.1f} s "
        f"({refresh_seconds / max(len(counties), 1) * 1000:.0f} ms per county).", "",
        "| mode | persona | request | median ms | p95 ms | queries |", "|---|---|---|---:|---:|---:|",
    ]
    for mode, username, name, url, median, p95, queries in results:
        lines.append(f"| {mode} | {username} | {name} `{url}` | {median:.1f} | {p95:.1f} | {queries} |")
    lines += ["", f"Raw-SQL lower bound (one statement: per county designations by status, organizations with "
                  f"overdue tasks, overdue tasks; {raw_rows} rows): median {raw_median:.1f} ms, p95 "
                  f"{percentile(raw, 0.95):.1f} ms.", ""]
    lines += [f"Cadre dashboard raw-SQL lower bound (one statement over the province: per county the reserve pools, "
              f"the \"four ones\" of the weak organizations, the guarantee ledger; {cadre_rows} rows): median "
              f"{cadre_median:.1f} ms, p95 {percentile(cadre_raw, 0.95):.1f} ms.", ""]
    for mode, username, name, _url, median, _p95, _queries in results:
        if username == "bench_province_reviewer":
            bound, which = (cadre_median, "the cadre dashboard's") if name == "cadres" else (raw_median, "the")
            lines.append(f"- {mode} {name}: {median / bound:.2f}× {which} raw-SQL lower bound")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--persona", action="append")
    parser.add_argument("--output")
    args = parser.parse_args()
    text = run(args.repeat, args.warmup, args.persona or PERSONAS)
    output = args.output or ROOT / "bench" / "results" / f"dashboard_{connection.vendor}.md"
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(text)


if __name__ == "__main__":
    main()

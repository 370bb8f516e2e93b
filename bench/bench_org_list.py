"""Benchmark the organization list page and API at province scale.

Run against a database holding the demo data and a generated province (see bench/README.md):

    DJANGO_SETTINGS_MODULE=config.settings.local DATABASE_URL=... .venv/bin/python bench/bench_org_list.py

For each persona (the generated province's bench_town_organizer and bench_province_reviewer,
and the demo's town_organizer and city_reviewer for comparison) it requests the home page,
the list page (first page, page 50 or the last page if there are fewer, a search), and the
API list (plain, page 50, filtered) with Django's test Client, N times each; it reports
the median and 95th percentile in milliseconds and the number of SQL queries of one
request (CaptureQueriesContext), then checks that the query counts on the province equal
those on the demo data. The table goes to bench/results/org_list_<database>.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, database_label, percentile, setup
from common import measure as common_measure  # noqa: E402  (bench/ is on sys.path)

setup()

import django  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from organizations.models import Division, Organization, User  # noqa: E402
from organizations.roles import Level  # noqa: E402

#: (dataset, persona): the province's bench accounts and their demo counterparts.
PERSONAS = [
    ("province", "bench_town_organizer"),
    ("province", "bench_province_reviewer"),
    ("demo", "town_organizer"),
    ("demo", "city_reviewer"),
]
COUNTERPART = {"bench_town_organizer": "town_organizer", "bench_province_reviewer": "city_reviewer"}


@dataclass
class Row:
    dataset: str
    persona: str
    key: str
    scope: int
    request: str
    url: str
    median: float
    p95: float
    queries: int
    slowest_sql_ms: float
    status: int



def requests_for(user: User, search: str) -> list[tuple[str, str, str]]:
    """(key, label, url): the key matches a request with its counterpart on the other dataset."""
    visible = Organization.objects.visible_to(user)
    pages = max(1, math.ceil(visible.count() / 50))
    page = min(50, pages)
    county = Division.objects.visible_to(user).filter(level=Level.COUNTY).order_by("code").first()
    township = Division.objects.visible_to(user).filter(level=Level.TOWNSHIP).order_by("code").first()
    if county is not None:
        filtered = f"/api/v1/organizations/?county={county.pk}&category=village"
    else:
        filtered = f"/api/v1/organizations/?township={township.pk}&category=village"
    return [
        ("home", "home", "/"),
        ("list", "list", "/organizations/"),
        ("list page", f"list page {page}", f"/organizations/?page={page}"),
        ("list last", f"list last page ({pages})", "/organizations/?page=last"),
        ("list search", f"list search q={search}", f"/organizations/?q={search}"),
        ("api list", "api list", "/api/v1/organizations/"),
        ("api page", f"api page {page}", f"/api/v1/organizations/?page={page}"),
        ("api last", f"api last page ({pages})", f"/api/v1/organizations/?page={pages}"),
        ("api filtered", "api filtered", filtered),
    ]


def measure(client: Client, url: str, repeat: int, warmup: int) -> tuple[list[float], int, float, int]:
    timings, queries, response = common_measure(client, url, repeat, warmup)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    slowest = max((float(q.get("time") or 0) for q in queries), default=0.0) * 1000
    return timings, len(queries), slowest, response.status_code


def run(repeat: int, warmup: int, search: str, show_sql: bool, only: list[str] | None = None) -> list[Row]:
    rows = []
    for dataset, username in PERSONAS:
        if only and username not in only:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"skipping {username}: not in this database (run seed_demo / generate_province)")
            continue
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        scope = Organization.objects.visible_to(user).count()
        for key, label, url in requests_for(user, search):
            timings, queries, slowest, status = measure(client, url, repeat, warmup)
            rows.append(Row(dataset, username, key, scope, label, url, statistics.median(timings),
                            percentile(timings, 0.95), queries, slowest, status))
            print(f"{username:26} {label:28} median {rows[-1].median:8.1f} ms  p95 {rows[-1].p95:8.1f} ms  "
                  f"{queries:3d} queries", flush=True)
            if show_sql:
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                for query in captured.captured_queries:
                    print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
    return rows




def report(rows: list[Row], repeat: int, warmup: int) -> str:
    divisions = Division.objects.count()
    organizations = Organization.objects.count()
    lines = [
        f"# Organization list and API: {database_label()}",
        "",
        f"Database holds {divisions:,} divisions and {organizations:,} organizations (demo city + generated "
        f"province). Django {django.get_version()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"DEBUG off, test Client in-process (no network, no gunicorn). Each request: {warmup} warm-up, "
        f"then {repeat} timed; queries counted on one request (session + user loads included). "
        f"Load average during the run: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
        "(other work on the machine makes the p95 noisy; the query counts are exact).",
        "",
        "| dataset | persona | orgs in scope | request | median ms | p95 ms | queries | slowest query ms |",
        "|---|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r.dataset} | {r.persona} | {r.scope:,} | `{r.url}` ({r.request}) | {r.median:.1f} | "
                     f"{r.p95:.1f} | {r.queries} | {r.slowest_sql_ms:.1f} |")
    lines += ["", "## Query counts: province vs demo", "",
              "| request | province persona | queries | demo persona | queries | same |", "|---|---|---:|---|---:|---|"]
    by_key = {(r.persona, r.key): r for r in rows}
    ok = True
    for r in rows:
        if r.persona not in COUNTERPART:
            continue
        other = by_key.get((COUNTERPART[r.persona], r.key))
        if other is None:
            continue
        same = other.queries == r.queries
        ok &= same
        lines.append(f"| {r.key} | {r.persona} | {r.queries} | {other.persona} | {other.queries} | "
                     f"{'yes' if same else '**no**'} |")
    lines += ["", "Query counts do not grow with data size." if ok else "**Query counts differ: see above.**", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--search", default="山", help="search term for ?q= (default 山)")
    parser.add_argument("--show-sql", action="store_true", help="print every query of each request with its time")
    parser.add_argument("--persona", action="append", help="only this persona (repeatable)")
    parser.add_argument("--output", help="markdown file (default bench/results/org_list_<database>.md)")
    args = parser.parse_args()
    rows = run(args.repeat, args.warmup, args.search, args.show_sql, args.persona)
    text = report(rows, args.repeat, args.warmup)
    output = Path(args.output) if args.output else ROOT / "bench" / "results" / f"org_list_{connection.vendor}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {output}")


if __name__ == "__main__":
    main()

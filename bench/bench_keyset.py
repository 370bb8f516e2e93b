"""Keyset (cursor) pages against OFFSET pages (issue 13 item 3): first, middle and last page of the big lists.

Run against a database holding the demo data and a generated province (see bench/README.md):

    DJANGO_SETTINGS_MODULE=config.settings.local DATABASE_URL=... .venv/bin/python bench/bench_keyset.py

As ``bench_province_reviewer`` (the whole generated province), for the organization list page and the API
lists of organizations, designations and progress entries, it requests the first page, a middle page and
the last page twice: by page number (``?page=N``: ``OFFSET``) and by cursor (``?cursor=``: keyset; the cursor
of a deep page is computed once beforehand with ``organizations.keyset.cursor_at``). It reports medians,
p95 and query counts (test Client, DEBUG off), and with ``--plans`` the database's plan of the rows query of
the first and last page either way. The table goes to bench/results/keyset_<database>.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics

from common import database_label, measure, percentile, setup, write_report

setup()

import django  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from organizations.keyset import cursor_at, keyset_order, last_cursor  # noqa: E402
from organizations.models import Organization, User  # noqa: E402

SIZE = 50


def lists(user):
    """(label, url, the queryset in the list's order): the lists measured."""
    from rectification.models import Designation, ProgressEntry

    organizations = Organization.objects.visible_to(user).order_by("division__code", "name")
    return [
        ("organization list page", "/organizations/", organizations),
        ("API organizations", "/api/v1/organizations/", organizations),
        ("API designations", "/api/v1/ledger/designations/",
         Designation.objects.visible_to(user).order_by("-round__year", "organization__division__code", "pk")),
        ("API progress entries", "/api/v1/ledger/progress-entries/", ProgressEntry.objects.visible_to(user)),
    ]


def rows_query(captured) -> str:
    """The page's rows query: the one with LIMIT reading the list's table."""
    limited = [q["sql"] for q in captured if "LIMIT" in q["sql"].upper()]
    return max(limited, key=len) if limited else ""


def plan(sql: str) -> list[str]:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    return [" ".join(str(c) for c in row[-1:]) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--persona", default="bench_province_reviewer")
    parser.add_argument("--plans", action="store_true", help="print the rows query's plan, first vs last page")
    parser.add_argument("--output", help="markdown file (default bench/results/keyset_<database>.md)")
    args = parser.parse_args()
    user = User.objects.get(username=args.persona)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    lines = [
        f"# Keyset vs OFFSET pages: {database_label()}", "",
        f"Persona `{args.persona}`. Django {django.get_version()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, DEBUG off, test Client in-process. Each request: {args.warmup} warm-up, then "
        f"{args.repeat} timed. Load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}.", "",
        "| list | rows | page | by page number (OFFSET) median / p95 ms | queries | by cursor (keyset) median / p95 ms | queries |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    plans = []
    for label, url, queryset in lists(user):
        count = queryset.count()
        pages = max(1, math.ceil(count / SIZE))
        keys = keyset_order(queryset)
        middle = max(1, pages // 2)
        cases = [("first", 1, None), (f"middle ({middle})", middle, cursor_at(queryset, keys, (middle - 1) * SIZE)),
                 (f"last ({pages})", pages, last_cursor())]
        for name, number, cursor in cases:
            by_number = f"{url}?page={number}"  # (on the list page ?page=last is a keyset page: not used here)
            by_cursor = f"{url}?cursor={cursor}" if cursor else url
            results = []
            for target in (by_number, by_cursor):
                timings, queries, response = measure(client, target, args.repeat, args.warmup)
                assert response.status_code == 200, (target, response.status_code)
                results.append((statistics.median(timings), percentile(timings, 0.95), len(queries), queries))
            (n_med, n_p95, n_q, n_sql), (c_med, c_p95, c_q, c_sql) = results
            lines.append(f"| {label} | {count:,} | {name} | {n_med:.1f} / {n_p95:.1f} | {n_q} | "
                         f"{c_med:.1f} / {c_p95:.1f} | {c_q} |")
            print(lines[-1], flush=True)
            if args.plans and name != cases[1][0]:
                plans.append((label, name, "OFFSET", rows_query(n_sql)))
                plans.append((label, name, "keyset", rows_query(c_sql)))
    if plans:
        lines += ["", "## Plans of the rows query", ""]
        for label, name, how, sql in plans:
            lines += [f"### {label}, {name} page, {how}", "", "```", sql[:600], "--", *plan(sql), "```", ""]
    write_report("\n".join(lines) + "\n", args.output, "keyset")


if __name__ == "__main__":
    main()

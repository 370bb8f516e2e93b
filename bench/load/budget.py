"""The CPU each request of the load mix costs the portal, in-process: where the 100-person load's time goes.

    DATABASE_URL=... .venv/bin/python bench/load/budget.py --accounts /tmp/x/accounts.json [--repeat 20]
        [--profile "home"] [--output bench/results/load_budget_postgresql.md]

For each request of bench/load/locustfile.py (the same accounts, paths and weights), the median process CPU
time of the Django process (``time.process_time``: Python, templates, the driver; not PostgreSQL's own work),
the median wall time, the SQL statements and their wall time, and the request's share of the load. The last
line is the load's weighted mean CPU per request: on 2 cores, 100 people with 1 s think time ask for about
90 requests a second, so the portal (and PostgreSQL and the load generator beside it) must spend well under
20 ms of CPU per request for the queue not to grow. ``--profile NAME`` prints the cProfile of that request.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import setup, write_report  # noqa: E402

setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from organizations.models import User  # noqa: E402

#: (persona kind, share of people, [(name, weight, path or None for the POST)]) as in locustfile.py.
MIX = [
    ("township", 70, [("home", 3, "/"), ("ledger page", 3, "/ledger/"), ("plan page", 3, "plan"),
                      ("tasks API", 2, "/api/v1/ledger/tasks/?status=in_progress"),
                      ("reports page", 2, "/ledger/reports/"), ("progress entry with photo (POST)", 1, None)]),
    ("county", 20, [("home", 3, "/"), ("ledger page", 3, "/ledger/"), ("leader dashboard", 2, "/ledger/dashboard/"),
                    ("reports page", 1, "/ledger/reports/?flag=missing"), ("cadre dashboard", 1, "/cadres/dashboard/"),
                    ("organization list", 1, "/organizations/")]),
    ("reviewer", 10, [("leader dashboard", 4, "/ledger/dashboard/"),
                      ("leader dashboard API", 2, "/api/v1/ledger/dashboard/"),
                      ("cadre dashboard", 2, "/cadres/dashboard/"), ("ledger page", 1, "/ledger/"),
                      ("organization list", 1, "/organizations/")]),
]


def _photo() -> bytes:
    """A JPEG of a phone photo's order of size (the portal checks the signature, not the picture)."""
    return b"\xff\xd8\xff\xe0" + bytes(40_000) + b"\xff\xd9"


def _request(client: Client, account: dict, path: str | None):
    import datetime as dt
    import io

    if path == "plan":
        return client.get(f"/ledger/plans/{account['plans'][0]}/")
    if path is None:
        chosen = account["tasks"][0]
        photo = io.BytesIO(_photo())
        photo.name = "photo.jpg"
        return client.post("/api/v1/ledger/progress-entries/", data={
            "plan": chosen["plan"], "task": chosen["id"], "happened_on": dt.date.today().isoformat(),
            "content": "入户走访（预算）", "files": photo}, HTTP_ORIGIN="http://testserver")
    return client.get(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", required=True)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", help="print the cProfile of this request (a name of the table)")
    parser.add_argument("--sort", default="cumulative", help="cProfile order (cumulative, tottime)")
    parser.add_argument("--lines", type=int, default=45)
    parser.add_argument("--output")
    args = parser.parse_args()
    accounts = json.loads(Path(args.accounts).read_text(encoding="utf-8"))
    rows, weighted_cpu, weighted_wall = [], 0.0, 0.0
    for kind, share, requests in MIX:
        # The province reviewer for the reviewers (the heaviest of them), the first account otherwise.
        account = accounts[kind][-1] if kind == "reviewer" else accounts[kind][0]
        client = Client(enforce_csrf_checks=False, SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(username=account["username"]))
        total_weight = sum(weight for _name, weight, _path in requests)
        for name, weight, path in requests:
            for _ in range(2):
                _request(client, account, path)
            with CaptureQueriesContext(connection) as captured:
                response = _request(client, account, path)
            queries = captured.captured_queries
            cpu, wall = [], []
            for _ in range(args.repeat):
                started_cpu, started = time.process_time(), time.perf_counter()
                _request(client, account, path)
                cpu.append((time.process_time() - started_cpu) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
            if args.profile == name:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(5):
                    _request(client, account, path)
                profiler.disable()
                print(f"--- {kind} {name}")
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)
            fraction = share / 100 * weight / total_weight
            weighted_cpu += fraction * statistics.median(cpu)
            weighted_wall += fraction * statistics.median(wall)
            rows.append((kind, name, response.status_code, round(100 * fraction, 1), statistics.median(cpu),
                         statistics.median(wall), len(queries), sum(float(q["time"]) for q in queries) * 1000,
                         len(response.content) // 1024))
    lines = ["# CPU per request of the load mix (in-process, DEBUG off)", "",
             f"{connection.vendor}, {args.repeat} timed requests each after 2 warm-ups.", "",
             "| persona | request | status | share % | CPU ms | wall ms | queries | SQL ms | KB |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append("| {} | {} | {} | {} | {:.1f} | {:.1f} | {} | {:.1f} | {} |".format(*row))
    lines += ["", f"Weighted mean per request: CPU {weighted_cpu:.1f} ms, wall {weighted_wall:.1f} ms.", ""]
    write_report("\n".join(lines), args.output, "load_budget")


if __name__ == "__main__":
    main()

"""The load's result table (bench/results/load_<database>.md) from locust's --csv statistics."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _times(path: str) -> dict[str, tuple[str, int]]:
    found = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        pid, command, seconds = line.split()
        found[pid] = (command, int(seconds))
    return found


def cpu_table(before_path: str, after_path: str, *, locust: str | None = None) -> list[str]:
    """CPU seconds each program spent during the load (processes that started during it count whole; the load
    generator's own from /usr/bin/time, as it has exited by then)."""
    before, after = _times(before_path), _times(after_path)
    spent: dict[str, int] = {}
    if locust and Path(locust).exists():
        user, system = Path(locust).read_text(encoding="utf-8").split()[-2:]
        spent["locust (load generator)"] = round(float(user) + float(system))
    for pid, (command, seconds) in after.items():
        earlier = before.get(pid)
        used = seconds - (earlier[1] if earlier and earlier[0] == command else 0)
        name = "celery" if command.startswith("celery") else command
        spent[name] = spent.get(name, 0) + used
    total = sum(spent.values()) or 1
    rows = ["| program | CPU s | share |", "|---|---:|---:|"]
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        if seconds:
            rows.append(f"| {name} | {seconds} | {100 * seconds / total:.0f}% |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stats")
    parser.add_argument("--users", required=True)
    parser.add_argument("--duration", required=True)
    parser.add_argument("--workers", required=True)
    parser.add_argument("--cpu", nargs=2, metavar=("BEFORE", "AFTER"),
                        help="`ps -e -o pid=,comm=,times=` before and after the load: CPU seconds per program")
    parser.add_argument("--locust-cpu", help="/usr/bin/time's \"%%U %%S\" of the load generator (gone by the end)")
    args = parser.parse_args()
    rows = list(csv.DictReader(open(args.stats, encoding="utf-8")))
    database = os.environ.get("DATABASE_URL", "sqlite").split(":", 1)[0].replace("postgres", "postgresql")
    database = database.replace("postgresqlql", "postgresql")
    lines = [f"# Load: {args.users} people, {args.duration}, gunicorn {args.workers} workers, {database}", "",
             f"{dt.datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} CPUs, load average "
             f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end.", "",
             "| request | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        lines.append(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                     f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} | "
                     f"{float(row['Max Response Time']):.0f} |")
    if args.cpu:
        lines += ["", *cpu_table(*args.cpu, locust=args.locust_cpu)]
    table = "\n".join(lines) + "\n"
    target = Path(__file__).resolve().parent.parent / "results" / f"load_{database}.md"
    target.write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()

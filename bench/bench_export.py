"""The full-province ledger export against its raw-SQL lower bound (issue 13 item 4).

Run against a database holding the demo and a province generated with its ledger (see bench/README.md):

    DJANGO_SETTINGS_MODULE=config.settings.local DATABASE_URL=postgres://... .venv/bin/python bench/bench_export.py

Each measurement runs in its own subprocess (a fresh interpreter: its peak RSS is the measurement's own),
``--repeat`` times (median seconds, highest peak RSS):

* **csv bound**: one SQL statement giving the ledger's columns for every designation in the reviewer's scope
  (the same joins, the texts of categories, problem list, measures with their tasks, latest progress, the
  "four ones", check records and satisfaction columns aggregated in SQL), written as CSV by PostgreSQL
  (``COPY (…) TO STDOUT``): the least any export of these rows can cost on this machine (PostgreSQL only);
* **export**: ``rectification:ledger-export`` as the province reviewer through Django's test Client (the whole
  view: permission, security log, letterhead, rows, XlsxWriter), the response streamed to a temporary file;
* **ORM rows** (``--orm``): the rows only, through the ORM path the API's JSON ledger uses (``export_rows`` +
  ``ledger_row``), for comparison with **set-based rows**: the rows only, through the export's path.

Writes bench/results/export_<database>.md.
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
from pathlib import Path

from common import ROOT, database_label, setup

setup()

import django  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from organizations.demo.province import BENCH_REVIEWER  # noqa: E402
from organizations.models import User  # noqa: E402
from rectification.models import Designation  # noqa: E402

KINDS = ("csv bound", "export", "set-based rows", "ORM rows")


def table(model_path: str) -> str:
    from django.apps import apps

    return connection.ops.quote_name(apps.get_model(model_path)._meta.db_table)


def m2m_table(model_path: str, field: str) -> str:
    from django.apps import apps

    return connection.ops.quote_name(apps.get_model(model_path)._meta.get_field(field).remote_field.through._meta.db_table)


def bound_sql(ids_sql: str) -> str:
    """One statement: the ledger's columns for the designations whose ids ``ids_sql`` selects, every text
    aggregated set-based (GROUP BY per plan, measure, organization; the latest progress entries and check
    records through their indexes). PostgreSQL."""
    t = {name: table(path) for name, path in {
        "d": "rectification.Designation", "o": "organizations.Organization", "div": "organizations.Division",
        "r": "rectification.Round", "p": "rectification.Plan", "cy": "rectification.PlanCycle",
        "c": "rectification.Category", "pp": "rectification.PlanProblem", "m": "rectification.Measure",
        "tk": "rectification.Task", "e": "rectification.ProgressEntry", "rep": "rectification.PeriodReport",
        "chk": "rectification.SixMonthlyCheck", "acc": "rectification.AcceptanceReview",
        "fol": "rectification.FollowUpReview", "fs": "cadres.FirstSecretary", "pair": "cadres.Pairing",
        "cl": "cadres.ContactLeader", "hu": "cadres.HelpingUnit", "ev": "evaluations.Evaluation"}.items()}
    dc = m2m_table("rectification.Designation", "categories")
    fsv = m2m_table("cadres.FirstSecretary", "other_villages")
    nl = "E'\\n'"
    serving = "fs.term_start <= CURRENT_DATE AND fs.term_end >= CURRENT_DATE AND " \
              "(fs.recalled_on IS NULL OR fs.recalled_on > CURRENT_DATE)"
    running = "pair.started_on <= CURRENT_DATE AND (pair.ended_on IS NULL OR pair.ended_on > CURRENT_DATE)"

    def latest(name: str, day: str, value: str) -> str:
        return f"""{name} AS (SELECT DISTINCT ON (x.designation_id) x.designation_id, x.{day} || ' ' || x.{value} AS txt
    FROM {t[name]} x JOIN sd ON sd.id = x.designation_id ORDER BY x.designation_id, x.{day} DESC, x.id DESC)"""

    return f"""
WITH sd AS (SELECT d.* FROM {t['d']} d WHERE d.id IN ({ids_sql})),
sp AS (SELECT p.* FROM {t['p']} p JOIN sd ON sd.id = p.designation_id),
cyc AS (SELECT DISTINCT ON (cy.plan_id) cy.plan_id, cy.id, cy.deadline FROM {t['cy']} cy JOIN sp ON sp.id = cy.plan_id
        ORDER BY cy.plan_id, cy.number DESC),
tasks AS (SELECT tk.measure_id, string_agg('   · ' || tk.title || ' — ' || tk.owner_name || ', ' || tk.deadline
                 || ' (' || tk.status || ')', {nl} ORDER BY tk.deadline, tk.id) AS txt
          FROM {t['tk']} tk JOIN {t['m']} m ON m.id = tk.measure_id JOIN cyc ON cyc.id = m.cycle_id
          GROUP BY tk.measure_id),
meas AS (SELECT m.plan_id, string_agg(m.title || coalesce({nl} || tasks.txt, ''), {nl} ORDER BY m.sort_order, m.id) AS txt
         FROM {t['m']} m JOIN cyc ON cyc.id = m.cycle_id LEFT JOIN tasks ON tasks.measure_id = m.id GROUP BY m.plan_id),
cats AS (SELECT dc.designation_id, string_agg(c.code || ' ' || c.name, {nl} ORDER BY c.sort_order, c.code) AS txt
         FROM {dc} dc JOIN sd ON sd.id = dc.designation_id JOIN {t['c']} c ON c.id = dc.category_id
         GROUP BY dc.designation_id),
probs AS (SELECT pp.plan_id, string_agg(pp.item || '：' || pp.description, {nl} ORDER BY pp.sort_order, pp.id) AS txt,
                 string_agg(nullif(pp.cause_analysis, ''), {nl} ORDER BY pp.sort_order, pp.id) AS causes
          FROM {t['pp']} pp JOIN sp ON sp.id = pp.plan_id GROUP BY pp.plan_id),
prog AS (SELECT sp.id AS plan_id, latest.txt FROM sp CROSS JOIN LATERAL (
           SELECT string_agg(e.happened_on || ' ' || e.content, {nl} ORDER BY e.happened_on DESC, e.id DESC) AS txt
           FROM (SELECT e.happened_on, e.content, e.id FROM {t['e']} e WHERE e.plan_id = sp.id
                 ORDER BY e.happened_on DESC, e.id DESC LIMIT 3) e) latest),
reps AS (SELECT rep.plan_id, max(rep.submitted_at) AS last FROM {t['rep']} rep JOIN sp ON sp.id = rep.plan_id
         WHERE rep.status = 'submitted' GROUP BY rep.plan_id),
times AS (SELECT x.id, x.n FROM (SELECT d2.id, count(*) OVER (PARTITION BY d2.organization_id ORDER BY r2.year) AS n
          FROM {t['d']} d2 JOIN {t['r']} r2 ON r2.id = d2.round_id
          WHERE d2.organization_id IN (SELECT organization_id FROM sd)) x JOIN sd ON sd.id = x.id),
secs AS (SELECT fs.org, string_agg(fs.name || '（' || fs.dispatching_unit || '）', '；' ORDER BY fs.place, fs.term_start, fs.id) AS txt
         FROM (SELECT fs.organization_id AS org, 0 AS place, fs.* FROM {t['fs']} fs
               WHERE fs.organization_id IN (SELECT organization_id FROM sd) AND {serving}
               UNION ALL SELECT v.organization_id, 1, fs.* FROM {fsv} v JOIN {t['fs']} fs ON fs.id = v.firstsecretary_id
               WHERE v.organization_id IN (SELECT organization_id FROM sd) AND {serving}) fs GROUP BY fs.org),
pairs AS (SELECT pair.organization_id,
                 string_agg(cl.name || '（' || cl.post || '）', '；' ORDER BY pair.started_on, pair.id) AS leaders,
                 string_agg(hu.name, '；' ORDER BY pair.started_on, pair.id) AS units
          FROM {t['pair']} pair LEFT JOIN {t['cl']} cl ON cl.id = pair.contact_leader_id
          LEFT JOIN {t['hu']} hu ON hu.id = pair.helping_unit_id
          WHERE pair.organization_id IN (SELECT organization_id FROM sd) AND {running} GROUP BY pair.organization_id),
{latest('chk', 'checked_on', 'grade')},
{latest('acc', 'held_on', 'result')},
{latest('fol', 'reviewed_on', 'finding')},
ev AS (SELECT DISTINCT ON (ev.designation_id) ev.designation_id, ev.held_on, ev.rate, ev.decision, ev.status
       FROM {t['ev']} ev JOIN sd ON sd.id = ev.designation_id ORDER BY ev.designation_id, ev.held_on DESC, ev.id DESC)
SELECT row_number() OVER (ORDER BY r.year DESC, od.code, d.id), cd.name, td.name, vd.name, o.name, o.org_type,
  o.member_count, o.secretary_name, r.year, times.n, cats.txt, d.problems, probs.txt,
  concat_ws({nl}, probs.causes, nullif(sp.cause_analysis, '')), sp.objectives, meas.txt,
  concat_ws(' / ', nullif(sp.responsible_unit, ''), nullif(sp.responsible_person, '')),
  coalesce(cyc.deadline, sp.deadline), pairs.leaders, sp.township_leader, secs.txt, pairs.units,
  sp.secretary_adjusted, sp.secretary_trained, prog.txt, reps.last, d.closed_out_on, d.consolidation_until,
  d.status, d.follow_up_result, chk.txt, acc.txt, fol.txt, ev.held_on, ev.rate, coalesce(ev.decision, ev.status)
FROM sd d
JOIN {t['o']} o ON o.id = d.organization_id
JOIN {t['div']} od ON od.id = o.division_id
JOIN {t['r']} r ON r.id = d.round_id
LEFT JOIN {t['div']} cd ON cd.id = d.county_id
LEFT JOIN {t['div']} td ON td.id = d.township_id
LEFT JOIN {t['div']} vd ON vd.id = o.village_id
LEFT JOIN sp ON sp.designation_id = d.id
LEFT JOIN cyc ON cyc.plan_id = sp.id
LEFT JOIN meas ON meas.plan_id = sp.id
LEFT JOIN probs ON probs.plan_id = sp.id
LEFT JOIN prog ON prog.plan_id = sp.id
LEFT JOIN reps ON reps.plan_id = sp.id
LEFT JOIN cats ON cats.designation_id = d.id
LEFT JOIN times ON times.id = d.id
LEFT JOIN secs ON secs.org = d.organization_id
LEFT JOIN pairs ON pairs.organization_id = d.organization_id
LEFT JOIN chk ON chk.designation_id = d.id
LEFT JOIN acc ON acc.designation_id = d.id
LEFT JOIN fol ON fol.designation_id = d.id
LEFT JOIN ev ON ev.designation_id = d.id
ORDER BY r.year DESC, od.code, d.id
"""


def scope_sql(user) -> tuple[str, list]:
    """The SQL (and parameters) of the ids of the designations the user may export (the view's scope)."""
    ids = Designation.objects.visible_to(user).values("pk")
    sql, params = ids.query.sql_with_params()
    return sql, list(params)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(kind: str, username: str) -> dict:
    """One measurement in this (fresh) process."""
    user = User.objects.get(username=username)
    before = peak_rss_mb()
    # The export's client logged in and warmed up (imports, templates, the session) before the clock starts.
    client = export_client(user) if kind == "export" else None
    with tempfile.NamedTemporaryFile(suffix=".out") as out:
        started = time.perf_counter()
        if kind == "csv bound":
            rows = csv_bound(user, out)
        elif kind == "export":
            rows = http_export(client, out)
        else:
            rows = rows_only(user, orm=kind == "ORM rows")
        seconds = time.perf_counter() - started
        if rows is None:
            rows = Designation.objects.visible_to(user).count()
        out.flush()
        size = os.path.getsize(out.name)
    return {"kind": kind, "seconds": seconds, "rows": rows, "bytes": size, "peak_rss_mb": peak_rss_mb(),
            "rss_before_mb": before}


def csv_bound(user, out) -> None:
    """PostgreSQL writes the CSV itself (``COPY (…) TO STDOUT``): no Python per row."""
    ids_sql, params = scope_sql(user)
    with connection.cursor() as cursor:
        # The statement's row estimates are wild (aggregates over CTEs), which turns PostgreSQL's JIT on: 32 s
        # of compiling on this machine for a 5 s query. Off, as for any OLTP database.
        cursor.execute("SET jit = off")
        # The scope's ids first (timed: part of the work), then the statement over them as one array: with the
        # scope as a subquery the planner guessed ~30 rows for 10,000 after some ANALYZE runs and chose nested
        # loops (99,990,000 rows filtered, 11.8 s instead of ~1 s); with the array it knows the count.
        cursor.execute(ids_sql, params)
        ids = [pk for (pk,) in cursor.fetchall()]
        raw = cursor.cursor
        query = raw.mogrify(bound_sql("SELECT unnest(%s::bigint[])"), [ids]).decode()
        raw.copy_expert(f"COPY ({query}) TO STDOUT (FORMAT csv, HEADER)", out)
    return None  # rows counted after the timing


def export_client(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    # Imports, templates, the session: not the export's cost (this warm-up was inside the timing until 2026-12-07:
    # the province reviewer's ledger page, ~0.5-1 s, was counted in the export's seconds).
    client.get(reverse("rectification:ledger"))
    return client


def http_export(client, out) -> None:
    response = client.get(reverse("rectification:ledger-export"))
    assert response.status_code == 200, response.status_code
    for chunk in response.streaming_content if response.streaming else [response.content]:
        out.write(chunk)
    return None  # rows counted after the timing


def rows_only(user, *, orm: bool) -> int:
    from rectification.exports.ledger import ledger_row, ledger_rows, row_labels
    from rectification.selectors.ledger import LEDGER_ORDER
    from rectification.selectors.ledger_export import export_rows

    queryset = Designation.objects.visible_to(user).order_by(*LEDGER_ORDER)
    if orm:
        labels = row_labels()
        return sum(1 for number, row in enumerate(export_rows(queryset), start=1) if ledger_row(number, row, labels))
    return sum(1 for _row in ledger_rows(queryset))


def measure(kind: str, username: str, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        command = [sys.executable, __file__, "--child", kind, "--user", username]
        # The export answered at once (the background path writes the same rows through the same writer).
        env = {**os.environ, "EXPORT_SYNC_MAX_ROWS": str(10**9)}
        output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    result = dict(runs[-1])
    result.update(seconds=statistics.median(r["seconds"] for r in runs), runs=[r["seconds"] for r in runs],
                  peak_rss_mb=max(r["peak_rss_mb"] for r in runs))
    print(f"{kind:16} {result['seconds']:7.2f} s (runs: {', '.join(f'{s:.2f}' for s in result['runs'])})  "
          f"peak RSS {result['peak_rss_mb']:6.0f} MB  {result['rows']:,} rows  {result['bytes'] / 1e6:.1f} MB",
          flush=True)
    return result


def report(results: list[dict], username: str, repeat: int) -> str:
    bound = next((r for r in results if r["kind"] == "csv bound"), None)
    lines = [
        f"# Ledger export vs the raw-SQL CSV bound: {database_label()}", "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Persona `{username}` "
        f"({Designation.objects.visible_to(User.objects.get(username=username)).count():,} designations). "
        f"Django {django.get_version()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}. Each row: a fresh process, {repeat} runs, median seconds, "
        "highest peak RSS (the process's, Django loaded: ~"
        f"{min(r['rss_before_mb'] for r in results):.0f} MB before it starts).", "",
        "| measurement | seconds | × csv bound | peak RSS MB | rows | output MB |", "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        ratio = f"{r['seconds'] / bound['seconds']:.1f}×" if bound else "—"
        lines.append(f"| {r['kind']} | {r['seconds']:.2f} | {ratio} | {r['peak_rss_mb']:.0f} | {r['rows']:,} | "
                     f"{r['bytes'] / 1e6:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--user", default=BENCH_REVIEWER)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--orm", action="store_true", help="also time the rows through the ORM path")
    parser.add_argument("--output", help="markdown file (default bench/results/export_<database>.md)")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.user)))
        return
    kinds = [k for k in KINDS if args.orm or k != "ORM rows"]
    results = [measure(kind, args.user, args.repeat) for kind in kinds]
    text = report(results, args.user, args.repeat)
    output = Path(args.output) if args.output else ROOT / "bench" / "results" / f"export_{connection.vendor}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {output}")


if __name__ == "__main__":
    main()

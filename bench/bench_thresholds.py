"""Benchmark the satisfaction-threshold check over ~10,000 closed evaluations of the generated province.

Needs a database with the generated province and its ledger (``generate_province --ledger``, see
bench/README.md):

    DJANGO_SETTINGS_MODULE=config.settings.local DATABASE_URL=... .venv/bin/python bench/bench_thresholds.py

Set-up (bulk, timed apart): every designation of the province (10,000) is put "under evaluation" and gets
a closed evaluation with frozen counts (about 80% at or above the threshold, 15% below, 5% without a valid
ballot). Then the job's work runs as the worker runs it: ``check_satisfaction_thresholds(county_id=...)``
for each county in turn, in this process: batches of 200 evaluations, each batch one transaction (row
locks, lifecycle transitions, close-out dates, star ratings or new plan cycles, status changes,
notifications, audit trail, written in bulk). A second run checks that nothing
is decided twice. Afterwards everything the bench made is removed and the designations restored, so it
can run again. Writes bench/results/thresholds_<database>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import resource
import sys
import time

from common import ROOT, database_label, setup

setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from evaluations.models import Evaluation, EvaluationStatus, OrganizationRating  # noqa: E402
from evaluations.rules.satisfaction_rate import POLICY_KEYS, Counts, Rule, compute_rate  # noqa: E402
from evaluations.services.satisfaction import evaluation_decide  # noqa: E402
from evaluations.tasks import check_satisfaction_thresholds  # noqa: E402
from organizations.models import Notification  # noqa: E402
from organizations.policies import effective_policy  # noqa: E402
from rectification.models import Designation, DesignationStatus, PlanCycle, StatusChange  # noqa: E402

MARK = "bench-threshold"
#: Models whose rows (and audit-trail rows) the decisions create, removed afterwards by primary key.
CREATED = (StatusChange, PlanCycle, OrganizationRating, Notification)
AUDITED = (Designation, Evaluation, PlanCycle, OrganizationRating)


def _max_pk(model) -> int:
    return model.objects.aggregate(m=Max("pk"))["m"] or 0


def _max_history(model) -> int:
    return model.history.aggregate(m=Max("history_id"))["m"] or 0


def _counts(rng: random.Random) -> Counts:
    voters = rng.randint(15, 30)
    roll = rng.random()
    if roll < 0.05:
        return Counts(abstained=rng.randint(0, 2), invalid=rng.randint(0, 1))
    share = rng.uniform(0.82, 1.0) if roll < 0.85 else rng.uniform(0.4, 0.78)
    satisfied = round(voters * share)
    basic = rng.randint(0, min(3, satisfied))
    return Counts(satisfied=satisfied - basic, basically_satisfied=basic, dissatisfied=voters - satisfied,
                  abstained=rng.randint(0, 1))


def prepare(designations: list[Designation], today: dt.date) -> list[int]:
    rng = random.Random(20261123)
    policy = effective_policy(designations[0].organization.division).snapshot(POLICY_KEYS)
    rule = Rule.from_policy(policy)
    now = timezone.now()
    rows = []
    for designation in designations:
        counts = _counts(rng)
        rows.append(Evaluation(
            designation_id=designation.pk, organization_id=designation.organization_id,
            county_id=designation.county_id, township_id=designation.township_id, title=MARK,
            held_on=today - dt.timedelta(days=3), status=EvaluationStatus.CLOSED, closed_at=now, policy=policy,
            rate=compute_rate(counts, rule).rate, satisfied=counts.satisfied,
            basically_satisfied=counts.basically_satisfied, dissatisfied=counts.dissatisfied,
            abstained=counts.abstained, invalid=counts.invalid))
    with transaction.atomic():
        Designation.objects.filter(pk__in=[d.pk for d in designations]).update(status=DesignationStatus.EVALUATING)
        Evaluation.objects.bulk_create(rows, batch_size=1000)
    return sorted({d.county_id for d in designations})


def restore(snapshot, marks, open_cycles) -> None:
    with transaction.atomic():
        Evaluation.objects.filter(title=MARK).delete()
        for model in CREATED:
            model.objects.filter(pk__gt=marks[model]).delete()
        for model in AUDITED:
            model.history.filter(history_id__gt=marks[(model, "history")]).delete()
        PlanCycle.objects.filter(pk__in=open_cycles).update(closed_on=None)
        Designation.objects.bulk_update(snapshot, ["status", "closed_out_on", "consolidation_until"], batch_size=1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province-code", default="99")
    parser.add_argument("--limit", type=int, default=10_000, help="Evaluations to decide (default 10,000).")
    parser.add_argument("--profile", action="store_true", help="Print the 30 costliest functions of the run.")
    parser.add_argument("--output", help="Markdown file (default bench/results/thresholds_<vendor>.md).")
    args = parser.parse_args()
    today = timezone.localdate()
    Evaluation.objects.filter(title=MARK).delete()  # a previous run that was interrupted
    designations = list(Designation.objects.filter(organization__division__code__startswith=args.province_code)
                        .exclude(evaluations__isnull=False).select_related("organization__division")
                        .order_by("pk")[: args.limit])
    if not designations:
        sys.exit("No designation in the generated province: run `generate_province --ledger` first.")
    snapshot = [Designation(pk=d.pk, status=d.status, closed_out_on=d.closed_out_on,
                            consolidation_until=d.consolidation_until) for d in designations]
    marks = {model: _max_pk(model) for model in CREATED}
    marks.update({(model, "history"): _max_history(model) for model in AUDITED})
    open_cycles = list(PlanCycle.objects.filter(plan__designation__in=[d.pk for d in designations],
                                                closed_on__isnull=True).values_list("pk", flat=True))
    started = time.perf_counter()
    county_ids = prepare(designations, today)
    setup_seconds = time.perf_counter() - started
    try:
        # Queries of one decision of each kind (the first of each), outside the timed run.
        sample = {}
        for outcome_rate in ("accepted", "re_rectify", "no_decision"):
            pool = Evaluation.objects.filter(title=MARK, status=EvaluationStatus.CLOSED)
            pool = (pool.filter(rate__isnull=True) if outcome_rate == "no_decision" else
                    pool.filter(rate__gte=80) if outcome_rate == "accepted" else pool.filter(rate__lt=80))
            pk = pool.order_by("pk").values_list("pk", flat=True).first()
            if pk is not None:
                with CaptureQueriesContext(connection) as captured:
                    evaluation_decide(evaluation=pk, today=today)
                sample[outcome_rate] = len(captured.captured_queries)
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        totals = {"accepted": 0, "re_rectify": 0, "no_decision": 0, "failed": 0}
        for county_id in county_ids:
            result = check_satisfaction_thresholds(county_id=county_id, today=today.isoformat())
            for key in totals:
                totals[key] += result[key]
        run_seconds = time.perf_counter() - started
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        started = time.perf_counter()
        again = {"accepted": 0, "re_rectify": 0, "no_decision": 0, "failed": 0}
        for county_id in county_ids:
            result = check_satisfaction_thresholds(county_id=county_id, today=today.isoformat())
            for key in again:
                again[key] += result[key]
        second_seconds = time.perf_counter() - started
        decided = Evaluation.objects.filter(title=MARK, status=EvaluationStatus.DECIDED).count()
    finally:
        started = time.perf_counter()
        restore(snapshot, marks, open_cycles)
        restore_seconds = time.perf_counter() - started
    decided_in_run = totals["accepted"] + totals["re_rectify"] + totals["no_decision"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"# Satisfaction-threshold check: {len(designations):,} closed evaluations, {len(county_ids)} counties",
        "",
        f"{database_label()} · Python {platform.python_version()} · {platform.machine()} · "
        f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')} · load average {', '.join(f'{x:.1f}' for x in _load())}",
        "",
        "| step | seconds | |",
        "|---|---:|---|",
        f"| set-up (bulk: designations under evaluation, closed evaluations) | {setup_seconds:.1f} | |",
        f"| **the check (one county task after another; batches of 200 decisions, bulk writes)** | "
        f"**{run_seconds:.1f}** | {decided_in_run:,} decided: {totals['accepted']:,} accepted, "
        f"{totals['re_rectify']:,} rectify again, {totals['no_decision']:,} no decision, {totals['failed']} failed "
        f"({1000 * run_seconds / max(1, decided_in_run):.1f} ms each) |",
        f"| second run (nothing left to decide) | {second_seconds:.2f} | {sum(again.values())} decided |",
        f"| clean-up (remove what the bench made, restore the designations) | {restore_seconds:.1f} | |",
        "",
        f"Decided in all (sample + run): {decided:,}. SQL queries of one decision one by one "
        "(`evaluation_decide`, the page's \"decide now\"): "
        + ", ".join(f"{k} {v}" for k, v in sample.items()) + f". Peak RSS {peak_mb:.0f} MB.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    output = args.output or ROOT / "bench" / "results" / f"thresholds_{connection.vendor}.md"
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)


def _load() -> tuple[float, ...]:
    try:
        import os

        return os.getloadavg()
    except OSError:
        return (0.0,)


if __name__ == "__main__":
    main()

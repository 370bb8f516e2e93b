"""Ledger data for a generated province (benchmarks): rounds, designations, plans, tasks, progress, reports.

Called by ``generate_province --ledger`` after the province's tree exists. Everything is written in
bulk and bypasses the services and django-simple-history: **no audit-trail rows** and only one
``StatusChange`` per transition summarised (confirm, approve, accept) — benchmark data, never real data.
Progress entries (a million by default) are streamed in chunks: PostgreSQL ``COPY`` (fast, constant
memory), ``executemany`` elsewhere. Dates are relative to today, like the demo's: designations confirmed
eight months ago; 60 % closed out, 32 % in rectification (some tasks overdue, one report in a hundred
missing), the rest awaiting plan approval or writing their plan.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.utils import timezone

from organizations.models import Division, Organization, User
from organizations.policies import effective_policy
from organizations.roles import Level

from .. import periods
from .. import problems as catalogue
from ..categories import ensure_national_categories
from ..models import (
    Category,
    Designation,
    DesignationStatus,
    Measure,
    PeriodReport,
    Plan,
    PlanCycle,
    PlanProblem,
    PlanStatus,
    ProgressEntry,
    ReportStatus,
    Round,
    StatusChange,
    Task,
    TaskStatus,
)
from .texts import (
    CAUSES,
    MEASURES,
    OBJECTIVES,
    PROBLEM_TEXTS,
    PROGRESS_PHRASES,
)

BATCH = 5000
COPY_CHUNK = 100_000
_SURNAMES = "陈林黄郑吴王李张刘蔡许杨周徐朱何肖谢罗苏余卢"
_GIVEN = ("建国", "志强", "秀英", "国华", "明辉", "丽娟", "海燕", "文斌", "春生", "金水", "玉兰", "德明")
#: (status, share): what the generated designations are doing today.
STATUS_MIX = ((DesignationStatus.CONSOLIDATING, 0.60), (DesignationStatus.RECTIFYING, 0.32),
              (DesignationStatus.PLAN_REVIEW, 0.05), (DesignationStatus.DESIGNATED, 0.03))
ACTIVE = (DesignationStatus.CONSOLIDATING, DesignationStatus.RECTIFYING)


@dataclass
class LedgerShape:
    designations: int = 10_000
    tasks: int = 100_000
    progress_entries: int = 1_000_000
    seed: int = 20261123


@dataclass
class LedgerResult:
    counts: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)


def _spread(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, max(parts, 1))
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _pick_status(rng: random.Random) -> str:
    draw, acc = rng.random(), 0.0
    for status, share in STATUS_MIX:
        acc += share
        if draw < acc:
            return status
    return STATUS_MIX[0][0]


@transaction.atomic
def generate_ledger(province: Division, shape: LedgerShape, *, admin: User | None = None,
                    log: Callable[[str], None] = lambda _m: None) -> LedgerResult:
    """Fill ``province`` (already generated, without ledger) with ``shape``'s rows. Returns counts and timings."""
    rng = random.Random(shape.seed)
    result = LedgerResult()
    started = t = time.perf_counter()

    def lap(label: str) -> None:
        nonlocal t
        now = time.perf_counter()
        result.timings.append((label, now - t))
        log(f"  {label}: {now - t:.2f} s")
        t = now

    ensure_national_categories()
    today = timezone.localdate()
    confirmed_on = today - relativedelta(months=8)
    confirmed_at = timezone.make_aware(dt.datetime.combine(confirmed_on, dt.time(15)))
    approved_on = confirmed_on + dt.timedelta(days=20)
    counties = list(Division.objects.filter(province=province, level=Level.COUNTY).order_by("code"))
    rounds = Round.objects.bulk_create([
        Round(county=c, year=confirmed_on.year, name=f"{c.name}{confirmed_on.year}年度软弱涣散基层党组织整顿")
        for c in counties])
    round_by_county = {r.county_id: r for r in rounds}
    pool = list(Organization.objects.filter(province=province, village__isnull=False).order_by("division__code")
                .values_list("pk", "county_id", "township_id", "secretary_name"))
    chosen = sorted(rng.sample(pool, min(shape.designations, len(pool))))
    statuses = [_pick_status(rng) for _ in chosen]
    closed = {i: approved_on + dt.timedelta(days=rng.randint(150, max(151, (today - approved_on).days - 21)))
              for i, s in enumerate(statuses) if s == DesignationStatus.CONSOLIDATING}
    consolidation_months = int(effective_policy(province)["consolidation_months"])
    designations = []
    for i, (org_id, county_id, township_id, _sec) in enumerate(chosen):
        designations.append(Designation(
            round=round_by_county[county_id], organization_id=org_id, county_id=county_id, township_id=township_id,
            problems="班子配备不齐，组织生活不正常。", status=statuses[i], proposed_by=admin,
            proposed_at=confirmed_at - dt.timedelta(days=14), confirmed_by=admin, confirmed_at=confirmed_at,
            closed_out_on=closed.get(i),
            consolidation_until=closed[i] + relativedelta(months=consolidation_months) if i in closed else None))
    Designation.objects.bulk_create(designations, batch_size=BATCH)
    category_codes = dict(Category.objects.filter(county__isnull=True).values_list("pk", "code"))
    categories = list(category_codes)
    through = Designation.categories.through
    designated_as = {d.pk: rng.sample(categories, rng.choice((1, 1, 2))) for d in designations}
    through.objects.bulk_create([through(designation_id=d.pk, category_id=c) for d in designations
                                 for c in designated_as[d.pk]], batch_size=BATCH)
    lap(f"{len(rounds)} rounds, {len(designations)} designations")

    changes = []
    for d in designations:
        steps = [("confirm", DesignationStatus.PROPOSED, DesignationStatus.DESIGNATED, confirmed_at)]
        if d.status in ACTIVE:
            steps.append(("approve_plan", DesignationStatus.PLAN_REVIEW, DesignationStatus.RECTIFYING,
                          confirmed_at + dt.timedelta(days=20)))
        if d.status == DesignationStatus.CONSOLIDATING:
            steps.append(("accept", DesignationStatus.EVALUATING, DesignationStatus.CONSOLIDATING,
                          timezone.make_aware(dt.datetime.combine(d.closed_out_on, dt.time(15)))))
        for action, before, after, _when in steps:
            changes.append(StatusChange(designation=d, organization_id=d.organization_id, county_id=d.county_id,
                                        township_id=d.township_id, action=action, from_status=before,
                                        to_status=after, user=admin))
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    plan_status = {DesignationStatus.DESIGNATED: PlanStatus.DRAFT, DesignationStatus.PLAN_REVIEW: PlanStatus.SUBMITTED}
    plans = []
    for d in designations:
        plans.append(Plan(
            designation=d, organization_id=d.organization_id, county_id=d.county_id, township_id=d.township_id,
            objectives=rng.choice(OBJECTIVES), cause_analysis=rng.choice(CAUSES),
            deadline=approved_on + relativedelta(months=9), responsible_unit="乡镇党委", responsible_person=_person(rng),
            township_leader=_person(rng), secretary_adjusted=rng.random() < 0.3,
            secretary_trained=rng.random() < 0.8, status=plan_status.get(d.status, PlanStatus.APPROVED),
            reviewed_by=admin if d.status in ACTIVE else None,
            reviewed_at=confirmed_at + dt.timedelta(days=20) if d.status in ACTIVE else None))
    Plan.objects.bulk_create(plans, batch_size=BATCH)
    cycles = PlanCycle.objects.bulk_create([
        PlanCycle(plan=p, organization_id=p.organization_id, county_id=p.county_id, township_id=p.township_id,
                  number=1, started_on=confirmed_on + dt.timedelta(days=5), deadline=p.deadline) for p in plans],
        batch_size=BATCH)
    lap(f"{len(changes)} status changes, {len(plans)} plans and cycles")

    # The problem list: the items of each designation's categories, with their texts; measures answer them.
    problems_of: dict[int, list[PlanProblem]] = {}
    for plan in plans:
        codes = catalogue.items_for_categories([category_codes[c] for c in designated_as[plan.designation_id]])
        problems_of[plan.pk] = [PlanProblem(
            plan=plan, organization_id=plan.organization_id, county_id=plan.county_id, township_id=plan.township_id,
            item=code, description=PROBLEM_TEXTS[code][0], cause_analysis=PROBLEM_TEXTS[code][1],
            sort_order=number) for number, code in enumerate(codes or ["P1-QT"], start=1)
            if code in PROBLEM_TEXTS or code == "P1-QT"]
    plan_problems = PlanProblem.objects.bulk_create([p for group in problems_of.values() for p in group],
                                                    batch_size=BATCH)
    lap(f"{len(plan_problems)} problems")

    measures, task_plan = [], []
    families = list(MEASURES.items())
    for plan, cycle, n_tasks in zip(plans, cycles, _spread(shape.tasks, len(plans)), strict=True):
        per_measure = _spread(n_tasks, min(4, max(1, n_tasks // 2)))
        for index, count in enumerate(per_measure):
            family, options = families[index % len(families)]
            title, task_titles = rng.choice(options)
            answers = problems_of[plan.pk]
            measure = Measure(plan=plan, cycle=cycle, organization_id=plan.organization_id, county_id=plan.county_id,
                              township_id=plan.township_id, title=title, family=family, sort_order=index + 1,
                              problem=answers[index % len(answers)] if answers else None)
            measures.append(measure)
            task_plan.append((measure, count, task_titles))
    Measure.objects.bulk_create(measures, batch_size=BATCH)
    lap(f"{len(measures)} measures")

    status_of = {p.pk: d.status for p, d in zip(plans, designations, strict=True)}
    closed_of = {p.pk: d.closed_out_on for p, d in zip(plans, designations, strict=True)}
    tasks = []
    horizon = (today - approved_on).days
    for measure, count, task_titles in task_plan:
        plan_id, status = measure.plan_id, status_of[measure.plan_id]
        for k in range(count):
            task = Task(measure=measure, plan_id=plan_id, cycle_id=measure.cycle_id, organization_id=measure.organization_id,
                        county_id=measure.county_id, township_id=measure.township_id,
                        title=task_titles[k % len(task_titles)], owner_name=_person(rng), deadline=today)
            if status == DesignationStatus.CONSOLIDATING:
                task.deadline = approved_on + dt.timedelta(days=rng.randint(30, 150))
                task.status, task.progress = TaskStatus.DONE, 100
                task.completed_on = min(task.deadline, closed_of[plan_id] - dt.timedelta(days=16))
            elif status == DesignationStatus.RECTIFYING:
                task.deadline = approved_on + dt.timedelta(days=rng.randint(40, horizon + 90))
                if task.deadline < today and rng.random() < 0.85:
                    task.status, task.progress = TaskStatus.DONE, 100
                    task.completed_on = task.deadline - dt.timedelta(days=rng.randint(0, 10))
                elif task.deadline < today or rng.random() < 0.6:  # overdue, or under way
                    task.status, task.progress = TaskStatus.IN_PROGRESS, rng.choice((20, 40, 60, 80))
            else:  # plan still being written or reviewed: deadlines ahead
                task.deadline = today + dt.timedelta(days=rng.randint(20, 200))
            tasks.append(task)
    Task.objects.bulk_create(tasks, batch_size=BATCH)
    overdue = sum(1 for task in tasks if task.status != TaskStatus.DONE and task.deadline < today)
    lap(f"{len(tasks)} tasks ({overdue} overdue)")

    active_tasks = [task for task in tasks if status_of[task.plan_id] in ACTIVE]
    entries = _insert_progress(active_tasks, shape.progress_entries, rng, approved_on, today, admin)
    lap(f"{entries} progress entries")

    reports = _reports(plans, designations, rng, today, admin)
    lap(f"{reports} period reports")
    result.timings.append(("total", time.perf_counter() - started))
    result.counts = {"rounds": len(rounds), "designations": len(designations), "plans": len(plans),
                     "problems": len(plan_problems), "measures": len(measures), "tasks": len(tasks), "overdue_tasks": overdue,
                     "progress_entries": entries, "reports": reports, "status_changes": len(changes)}
    return result


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _insert_progress(tasks: list[Task], total: int, rng, approved_on, today, author) -> int:
    """``total`` entries spread evenly over ``tasks``, dated between approval and completion (or today)."""
    columns = ["organization_id", "county_id", "township_id", "plan_id", "task_id", "happened_on", "content",
               "author_id", "created_at"]

    def rows() -> Iterable[tuple]:
        for task, count in zip(tasks, _spread(total, len(tasks)), strict=True):
            last = min(task.completed_on or today, today)
            span = max(0, (last - approved_on).days)
            for _ in range(count):
                day = approved_on + dt.timedelta(days=rng.randint(0, span))
                yield (task.organization_id, task.county_id, task.township_id, task.plan_id, task.pk, day,
                       f"{task.title}：{rng.choice(PROGRESS_PHRASES)}", author.pk if author else None,
                       timezone.make_aware(dt.datetime.combine(day, dt.time(18))))

    return insert_rows(ProgressEntry, columns, rows()) if tasks else 0


def insert_rows(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """Insert many rows fast, in chunks: COPY on PostgreSQL, executemany elsewhere. No signals, no history."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = [model._meta.get_field(c.removesuffix("_id")).column if c.endswith("_id") else
             model._meta.get_field(c).column for c in columns]
    count = 0
    with connection.cursor() as cursor:
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= COPY_CHUNK:
                count += _flush(cursor, table, names, chunk)
                chunk = []
        if chunk:
            count += _flush(cursor, table, names, chunk)
    return count


def _flush(cursor, table: str, names: list[str], chunk: list[tuple]) -> int:
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in chunk:
            writer.writerow(["" if v is None else v.isoformat() if hasattr(v, "isoformat") else v for v in row])
        buffer.seek(0)
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)", buffer)
    else:
        ops = connection.ops
        adapt = [lambda v: ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else
                 ops.adapt_datefield_value(v) if isinstance(v, dt.date) else v]
        placeholders = ", ".join(["%s"] * len(names))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders})",
                           [tuple(adapt[0](v) for v in row) for row in chunk])
    return len(chunk)


def _reports(plans, designations, rng, today, author) -> int:
    """Submitted reports for every past-due period (2 % late, 1 % missing) of the plans under way or closed."""
    policy = effective_policy(Division.objects.get(pk=plans[0].county_id)) if plans else None
    interval = int(policy["report_interval_months"]) if policy else 2
    grace = int(policy["report_grace_days"]) if policy else 10
    values = policy.snapshot(periods.REPORT_POLICY_KEYS) if policy else {}
    rows = []
    for plan, d in zip(plans, designations, strict=True):
        if d.status not in ACTIVE:
            continue
        for period in periods.expected_periods(status=d.status, confirmed_on=timezone.localdate(d.confirmed_at),
                                               closed_out_on=d.closed_out_on, today=today, interval_months=interval,
                                               grace_days=grace):
            if period.due_on >= today or rng.random() < 0.01:
                continue
            late = rng.random() < 0.02
            submitted = period.due_on + dt.timedelta(days=rng.randint(1, 9)) if late else \
                period.end + dt.timedelta(days=rng.randint(1, grace))
            rows.append(PeriodReport(
                plan=plan, organization_id=plan.organization_id, county_id=plan.county_id,
                township_id=plan.township_id, period_start=period.start, period_end=period.end, due_on=period.due_on,
                status=ReportStatus.SUBMITTED, summary="本期按计划推进。", snapshot={"generated": True}, policy=values,
                submitted_by=author, submitted_at=timezone.make_aware(dt.datetime.combine(submitted, dt.time(11)))))
    PeriodReport.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


LEDGER_MODELS = ("EvidenceFile", "ProgressEntry", "PeriodReport", "ContactVisit", "StatusChange", "DisclosureBoard",
                 "Task", "Measure", "PlanProblem", "PlanCycle", "Plan")


def delete_ledger(province: Division) -> dict[str, int]:
    """Raw, set-based deletes of the province's ledger rows (and their audit trail), children first.

    The ordinary ``delete()`` would load every row (simple-history listens to deletes) and write a
    history row per progress entry: hours for a million entries.
    """
    from django.apps import apps

    counties = list(Division.objects.filter(province=province, level=Level.COUNTY).values_list("pk", flat=True))
    organizations = Organization.objects.filter(province_id=province.pk).values("pk")
    deleted = {}
    app = apps.get_app_config("rectification")
    for name in LEDGER_MODELS:
        model = app.get_model(name)
        if hasattr(model, "history"):
            history = model.history.model
            history.objects.filter(organization_id__in=organizations)._raw_delete(history.objects.db)
        queryset = model._base_manager.filter(county_id__in=counties)
        deleted[name] = queryset._raw_delete(queryset.db)
    designations = Designation._base_manager.filter(county_id__in=counties)
    through = Designation.categories.through
    through.objects.filter(designation__in=designations.values("pk"))._raw_delete(through.objects.db)
    Designation.history.model.objects.filter(organization_id__in=organizations)._raw_delete(
        Designation.history.model.objects.db)
    deleted["Designation"] = designations._raw_delete(designations.db)
    rounds = Round._base_manager.filter(county_id__in=counties)
    Round.history.model.objects.filter(county_id__in=counties)._raw_delete(Round.history.model.objects.db)
    deleted["Round"] = rounds._raw_delete(rounds.db)
    return deleted


def analyze_ledger() -> float:
    """Planner statistics after the bulk load (see ``organizations.demo.province.analyze_tables``)."""
    started = time.perf_counter()
    tables = [m._meta.db_table for m in (Designation, Plan, Task, ProgressEntry, PeriodReport, StatusChange,
                                         Measure, PlanCycle, Round)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


# --- the ledger as a part of ``generate_province`` (registered in rectification/registrations.py) ------------


def add_arguments(parser) -> None:
    parser.add_argument("--ledger", action=argparse.BooleanOptionalAction, default=None,
                        help="Also generate the rectification ledger: a round per county, designations with "
                             "plans, tasks, progress entries and reports (bulk, no audit history). Default: on "
                             "for the full default size, off when a size option is given.")
    parser.add_argument("--designations", type=int,
                        help="Designations with plans (default 10,000; with a size option, one village in five).")
    parser.add_argument("--tasks", type=int, help="Tasks in all (default 10 per plan).")
    parser.add_argument("--progress-entries", type=int, help="Progress entries in all (default 10 per task).")


def generate_from_command(province, options, *, default_size: bool, shape, stdout, style) -> None:
    """Generate the province's ledger as ``generate_province``'s options say (or nothing with --no-ledger)."""
    from organizations.demo.province import BENCH_COUNTY_ADMIN, bench_county_admin

    if not (default_size if options["ledger"] is None else options["ledger"]):
        return
    designations = options["designations"] or (10_000 if shape.villages == 50_000 else max(1, shape.villages // 5))
    tasks = options["tasks"] or designations * 10
    entries = options["progress_entries"] if options["progress_entries"] is not None else tasks * 10
    ledger = LedgerShape(designations=designations, tasks=tasks, progress_entries=entries, seed=shape.seed)
    admin = bench_county_admin(province)
    stdout.write(f"Generating the ledger: {designations} designations, {tasks} tasks, {entries} progress "
                 "entries (bulk: no audit history)")
    started = time.perf_counter()
    result = generate_ledger(province, ledger, admin=admin, log=stdout.write)
    total = time.perf_counter() - started
    stdout.write(f"  commit: {total - dict(result.timings)['total']:.2f} s")
    analyze = analyze_ledger()
    stdout.write(f"  ANALYZE: {analyze:.2f} s")
    counts = ", ".join(f"{n} {label.replace('_', ' ')}" for label, n in result.counts.items())
    stdout.write(style.SUCCESS(
        f"Generated the ledger in {total + analyze:.2f} s (committed): {counts}. Account: {BENCH_COUNTY_ADMIN} "
        f"(county admin of the first county)."))

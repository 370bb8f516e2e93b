"""County 1's ledger: 37 designations (32 closed out, the five of seed 001 still in rectification).

Each designation walks its lifecycle through the services (proposal, confirmation, plan with the four
essentials, its problem list (the designation's categories as problems, each with its cause analysis, every
measure answering one) and the township leader (the other "four ones" are cadres/demo's records), measures decomposed
into tasks, submission, approval, task updates,
acceptance and close-out), so the audit trail and the ``StatusChange`` rows are real. Every step runs
under ``clock(day)``, which pins ``django.utils.timezone.now`` to that day: the timestamps the services
and the audit trail write (proposed_at, StatusChange.created_at, history dates, completed_on) tell a
believable year. All dates are relative to the real ``timezone.localdate()``: confirmation eight months
ago, close-outs between five months after approval and three weeks ago, some open tasks overdue today.

Deterministic (one ``random.Random`` per organization, seeded with its division code) and idempotent:
an organization whose designation already has a plan is left alone; a bare designation left by an
older version of this seed (no plan, no status change) is replaced.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from unittest import mock

from dateutil.relativedelta import relativedelta
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from organizations.demo import weak_organizations
from organizations.models import Division, ObjectAssignment, Organization, RoleAssignment, User
from organizations.policies import effective_policy
from organizations.roles import Role
from organizations.services.common import by

from .. import periods, services
from .. import problems as catalogue
from ..categories import ensure_national_categories
from ..models import (
    Category,
    Designation,
    Measure,
    PeriodReport,
    Plan,
    PlanProblem,
    ProgressEntry,
    ReportStatus,
    Round,
    Task,
    TaskStatus,
)
from ..rules.plan_gates import round_end
from ..services import boards as services_boards
from ..services import progress as services_progress
from ..services import reports as services_reports
from ..services import visits as services_visits
from . import checks as demo_checks
from .texts import (
    CAUSES,
    FAMILY_GROUPS,
    FAMILY_ITEMS,
    MEASURES,
    NAMED_MEASURES,
    OBJECTIVES,
    PROBLEM_TEXTS,
    PROGRESS_PHRASES,
    SHORTAGE_OF,
    VISIT_TOPICS,
)

#: Problems for the five organizations seed 001 names as not yet rectified.
NAMED_PROBLEMS = {
    "东山村": (["RSHS02", "RSHS04"], "村党组织书记不胜任现职，组织生活不正常，\"三会一课\"流于形式；整改措施已列出但部分未落实。"),
    "柳湖村": (["RSHS01"], "村委会主任长期缺职，班子配备不齐，尚在物色合适人选。"),
    "濂前社区": (["RSHS07", "RSHS10"], "居务财务公开不及时，民主管理混乱，群众意见较大。"),
    "汾山村": (["RSHS08"], "沈海高速征地拆迁引发信访矛盾集中，需协调拆迁户与县高速办解决征地遗留问题。"),
    "鲁头村": (["RSHS09", "RSHS04"], "无固定办公活动场所，集体经济薄弱，\"有钱办事、有场所议事\"尚未解决。"),
}
_GENERIC = [
    (["RSHS01"], "班子配备不齐，村级后备力量不足。"),
    (["RSHS02"], "书记年龄偏大、能力不足，带领群众致富能力弱。"),
    (["RSHS03"], "班子不团结，内耗严重，重大事项议而不决。"),
    (["RSHS04"], "组织生活不正常，党员大会长期未召开。"),
    (["RSHS07"], "村务财务公开不规范，\"四议两公开\"落实不到位。"),
    (["RSHS08"], "土地纠纷引发信访问题集中。"),
    (["RSHS09"], "村级组织活动场所破旧，无便民服务设施。"),
    (["RSHS10"], "服务意识差，群众满意度低。"),
]
#: The open organization that was also on the previous year's list (closed out then, relapsed).
REPEAT_VILLAGE = "鲁头村"
#: The open organization whose board the county has published; one with a late and one with a missing report.
BOARD_VILLAGE, LATE_REPORT_VILLAGE, MISSING_REPORT_VILLAGE = "东山村", "柳湖村", "鲁头村"
#: The plan the county returned once before approving it.
RETURNED_VILLAGE = "濂前社区"
_SURNAMES = "陈林黄郑吴王李张刘蔡许杨周徐朱何肖谢罗苏余卢"
_GIVEN = ["建国", "志强", "秀英", "国华", "明辉", "丽娟", "海燕", "文斌", "春生", "金水", "玉兰", "德明"]


@contextmanager
def clock(day: dt.date, hour: int = 10):
    """Pin ``timezone.now()`` (and so ``localdate()``, auto_now and the audit trail's dates) to ``day``."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _periods(first_day: dt.date, last_day: dt.date, months: int):
    """Reporting periods of ``months`` months aligned on January 1 that overlap [first_day, last_day]."""
    start = dt.date(first_day.year, 1 + ((first_day.month - 1) // months) * months, 1)
    while start <= last_day:
        end = start + relativedelta(months=months) - dt.timedelta(days=1)
        yield start, end
        start = end + dt.timedelta(days=1)


class _Cast:
    def __init__(self, accounts: dict[str, User]):
        self.admin = accounts["county_admin"]
        self.organizer = accounts["town_organizer"]
        self.secretary = accounts["village_secretary"]
        self.contact_leader = accounts["contact_leader"]
        self.organizer_township_id = RoleAssignment.objects.filter(
            user=self.organizer, role=Role.TOWNSHIP_ORGANIZER).values_list("division_id", flat=True).first()
        self.contact_orgs = set(ObjectAssignment.objects.filter(
            user=self.contact_leader, role=Role.CONTACT_LEADER).values_list("organization_id", flat=True))

    def township_user(self, organization: Organization) -> User:
        """Who writes for the township: the demo organizer in 林安镇, the county elsewhere."""
        return self.organizer if organization.township_id == self.organizer_township_id else self.admin


def seed_round(county: Division, *, accounts: dict[str, User]) -> Round:
    """County 1's ledger (see the module docstring); returns the current round."""
    rectified, not_yet = weak_organizations(county)
    ensure_national_categories()
    cast = _Cast(accounts)
    today = timezone.localdate()
    confirmed_on = today - relativedelta(months=8)
    existing = Round.objects.filter(county=county, designations__plan__isnull=False).order_by("-year").first()
    if existing is not None and existing.year not in (confirmed_on.year, confirmed_on.year - 1):
        return existing  # seeded in another year: nothing to add
    with clock(confirmed_on - dt.timedelta(days=40)):
        round_ = _round(county, confirmed_on.year, cast.admin)
        demo_checks.allow_acceptance_all_year(county, cast.admin)
    categories = {c.code: c for c in Category.objects.filter(county__isnull=True)}
    stories = [(o, False) for o in rectified] + [(o, True) for o in not_yet]
    for organization, is_open in stories:
        rng = random.Random(f"demo-{organization.division.code}")
        name = organization.division.name
        codes, problems = NAMED_PROBLEMS[name] if is_open and name in NAMED_PROBLEMS else rng.choice(_GENERIC)
        if is_open and name == REPEAT_VILLAGE:
            problems += f"该村曾列入{confirmed_on.year - 1}年度整顿对象，销号后回头看发现问题反弹。"
            _previous_round(county, organization, categories, cast, confirmed_on - relativedelta(years=1), today)
        _story(round_, organization, [categories[c] for c in codes], problems, cast, rng, confirmed_on, today,
               is_open=is_open)
    _follow_ups(county, round_, cast, confirmed_on, today)
    from ..services.consolidation import complete_county_consolidations

    complete_county_consolidations(county.pk, today)  # the daily job: ended consolidation periods
    return round_


def _follow_ups(county, round_, cast, confirmed_on, today) -> None:
    """回头看: last year's close-out of the repeat listing relapsed (it is on this year's list); a few of this
    year's close-outs were reviewed and held."""
    previous = Designation.objects.filter(county=county, round__year=round_.year - 1,
                                          organization__division__name=REPEAT_VILLAGE).first()
    if previous is not None and previous.closed_out_on is not None:
        day = max(previous.closed_out_on + dt.timedelta(days=1), confirmed_on - dt.timedelta(days=30))
        demo_checks.record_follow_up(previous, cast.admin, day, clock, relapsed=True)
    closed = Designation.objects.filter(round=round_, closed_out_on__lt=today - dt.timedelta(days=2)).order_by(
        "organization__division__code")
    for designation in list(closed)[:4]:
        day = designation.closed_out_on + (today - designation.closed_out_on) // 2
        demo_checks.record_follow_up(designation, cast.township_user(designation.organization), day, clock)


def seed_bimonthly_reports(county: Division) -> None:
    """The bimonthly progress reports of the period that just ended, as the daily job makes them (idempotent)."""
    from ..services.bimonthly_reports import summary_reports_make

    if Designation.objects.filter(county=county).exists():
        summary_reports_make(county=county)


def _round(county: Division, year: int, admin: User) -> Round:
    existing = Round.objects.filter(county=county, year=year).first()
    return existing or services.round_create(user=admin, county=county, year=year,
                                             name=f"{county.name}{year}年度软弱涣散基层党组织整顿")


def _fresh_designation(round_: Round, organization: Organization) -> bool:
    """Is there still work to do for ``organization`` in ``round_``? Replaces a bare legacy row."""
    designation = Designation.objects.filter(round=round_, organization=organization).first()
    if designation is None:
        return True
    if Plan.objects.filter(designation=designation).exists() or designation.status_changes.exists():
        return False
    designation.delete()
    return True


def _previous_round(county, organization, categories, cast, confirmed_on, today) -> None:
    """Last year's designation of the repeat listing: rectified and closed out, relapsed since."""
    with clock(confirmed_on - dt.timedelta(days=40)):
        round_ = _round(county, confirmed_on.year, cast.admin)
    rng = random.Random(f"demo-previous-{organization.division.code}")
    closed = _story(round_, organization, [categories["RSHS04"]], "组织生活不正常，党员大会长期未召开。", cast, rng,
                    confirmed_on, today, is_open=False, close_by=confirmed_on + relativedelta(months=8))
    if closed is None:
        return
    with clock(confirmed_on + relativedelta(months=11)):
        designation = Designation.objects.get(pk=closed.pk)
        designation.follow_up_result = "回头看发现：组织生活再次不正常，活动场所问题未根本解决，问题反弹，列入下一年度整顿对象。"
        by(designation, cast.admin).save(update_fields=["follow_up_result", "updated_at"])


def _story(round_, organization, categories, problems, cast, rng, confirmed_on, today, *, is_open, close_by=None):
    if not _fresh_designation(round_, organization):
        return None
    township_user = cast.township_user(organization)
    with clock(confirmed_on - dt.timedelta(days=14 + rng.randint(0, 6))):
        designation = services.designation_propose(user=township_user, round=round_, organization=organization,
                                                   categories=categories, problems=problems)
    with clock(confirmed_on, hour=15):
        designation = services.designation_confirm(user=cast.admin, designation=designation,
                                                   comment="县委常委会研究确定。")
    written_on = confirmed_on + dt.timedelta(days=rng.randint(3, 7))
    approved_on = written_on + dt.timedelta(days=rng.randint(12, 18))
    with clock(written_on):
        plan = _write_plan(designation, organization, township_user, cast, rng, approved_on)
        problems = _list_problems(plan, categories, township_user, is_open)
        tasks = _decompose(plan, organization, township_user, cast, rng, approved_on, today, is_open, problems)
    with clock(written_on + dt.timedelta(days=4)):
        designation = services.designation_transition(user=township_user, designation=designation,
                                                      action="submit_plan")
    if organization.division.name == RETURNED_VILLAGE:
        with clock(written_on + dt.timedelta(days=7), hour=16):
            designation = services.designation_transition(
                user=cast.admin, designation=designation, action="return_plan",
                comment="措施不够具体，请把居务财务公开的时间节点和责任人逐项写清。")
        with clock(written_on + dt.timedelta(days=9)):
            plan = services.plan_update(user=township_user, plan=Plan.objects.get(pk=plan.pk),
                                        expected_version=Plan.objects.get(pk=plan.pk).version,
                                        cause_analysis=plan.cause_analysis + "居务监督委员会作用发挥不够。")
            designation = services.designation_transition(user=township_user, designation=designation,
                                                          action="submit_plan")
    with clock(approved_on, hour=16):
        designation = services.designation_transition(user=cast.admin, designation=designation,
                                                      action="approve_plan", comment="同意。")
    close_by = close_by or today - dt.timedelta(days=21)
    closed_on = None if is_open else approved_on + dt.timedelta(
        days=rng.randint(150, max(151, (close_by - approved_on).days)))
    last_day = closed_on or today
    if is_open:
        _work(plan, tasks, organization, township_user, cast, rng, approved_on, last_day, today)
    else:
        _closed_work(plan, tasks, township_user, rng, approved_on, closed_on)
    if organization.pk in cast.contact_orgs:  # the demo contact leader's villages (cadres pairs them to him)
        _visits(plan, cast.contact_leader, rng, approved_on, last_day)
    if is_open and organization.division.name == BOARD_VILLAGE:
        _publish_board(designation, cast.admin, approved_on + dt.timedelta(days=10))
    demo_checks.record_checks(designation, plan, township_user, rng, approved_on,
                              closed_on - dt.timedelta(days=15) if closed_on else today, clock)
    if closed_on is not None:
        for day, user, action in ((closed_on - dt.timedelta(days=14), township_user, "request_acceptance"),
                                  (closed_on - dt.timedelta(days=6), cast.admin, "open_evaluation"),
                                  (closed_on, cast.admin, "accept")):
            if action == "open_evaluation":
                demo_checks.record_acceptance(designation, township_user, day - dt.timedelta(days=2), clock)
            with clock(day, hour=15):
                designation = services.designation_transition(
                    user=user, designation=designation, action=action, today=day,
                    comment="满意度测评达到80%以上，同意销号。" if action == "accept" else "",
                    through_evaluation=action != "request_acceptance")  # its evaluation: evaluations/demo
    _reports(plan, designation, township_user, rng, today, is_open)
    return designation


def _write_plan(designation, organization, author, cast, rng, approved_on) -> Plan:
    plan = services.plan_ensure(user=author, designation=designation)
    township = organization.township.name if organization.township_id else ""
    # The contact leader, the first secretary and the helping unit are the cadres records (cadres/demo pairs
    # them with these organizations); the plan names only the township leader.
    return services.plan_update(
        user=author, plan=plan, expected_version=plan.version,
        objectives=rng.choice(OBJECTIVES), cause_analysis=rng.choice(CAUSES),
        deadline=approved_on + relativedelta(months=9), responsible_unit=f"{township}党委",
        responsible_person=f"{_person(rng)}（{township}党委书记）",
        township_leader=f"{_person(rng)}（{township}党委副书记）",
        secretary_adjusted=rng.random() < 0.3, secretary_trained=rng.random() < 0.8)


def _list_problems(plan, categories, author, is_open) -> list[PlanProblem]:
    """The plan's problem list (问题清单): the items of the designation's categories, with the shortage of seed
    001 that often goes with the first one (always for the five open ones; its own random stream: the rest of the
    story draws as before), 1 to 3 problems, each with how it shows and its cause analysis."""
    codes = catalogue.items_for_categories([c.code for c in categories])[:3] or ["P1-QT"]
    rng = random.Random(f"demo-problems-{plan.organization.division.code}-{plan.designation_id}")
    shortage = SHORTAGE_OF.get(codes[0])
    if shortage and len(codes) < 3 and (rng.random() < 0.6 or is_open):
        codes.append(shortage)
    problems = []
    for index, code in enumerate(codes, start=1):
        description, cause = PROBLEM_TEXTS.get(code, ("村级组织建设存在突出问题。", "村党组织作用发挥不充分。"))
        if is_open:
            problems.append(services.problem_add(user=author, plan=plan, item=code, description=description,
                                                 cause_analysis=cause))
        else:
            problem = PlanProblem(plan=plan, item=code, description=description, cause_analysis=cause,
                                  sort_order=index)
            problem.copy_scope_from(plan)
            problems.append(by(problem, author))
    if not is_open:
        _bulk(PlanProblem, problems)
    return problems


def _answered(problems, family, index):
    """The problem a measure of ``family`` answers: the items, then the groups the family works on, else in turn."""
    for code in FAMILY_ITEMS.get(family, ()):
        for problem in problems:
            if problem.item == code:
                return problem
    for group in FAMILY_GROUPS.get(family, ()):
        for problem in problems:
            if problem.catalogue_item is not None and problem.catalogue_item.group.code == group:
                return problem
    return problems[(index - 1) % len(problems)]


def _measures_for(organization, rng) -> list[tuple[str, str, list[str]]]:
    named = NAMED_MEASURES.get(organization.division.name, [])
    chosen = list(named)
    for family, options in MEASURES.items():
        if len(chosen) >= 4 or any(f == family for f, _t, _k in chosen):
            continue
        title, tasks = rng.choice(options)
        chosen.append((family, title, tasks))
    return chosen[:4]


def _decompose(plan, organization, author, cast, rng, approved_on, today, is_open, problems):
    """Measures of the four families, 2-4 tasks each, with owners and deadlines.

    The five open plans go through ``measure_add`` / ``task_add``; the 32 closed-out ones are written in
    bulk (with their audit-trail rows) to keep ``seed_demo`` quick: transactional tests reseed it per test.
    """
    # The first secretary and the helping unit by their posts: their names are the cadres records'.
    owners = [organization.secretary_name or _person(rng), "驻村第一书记", plan.township_leader.split("（")[0],
              "结对帮扶单位"]
    horizon = (today - approved_on).days
    cycle = plan.cycles.get()
    latest = round_end(plan)  # task deadlines stay inside the round (rectification/rules/plan_gates.py)
    measures, tasks = [], []
    for index, (family, title, task_titles) in enumerate(_measures_for(organization, rng), start=1):
        problem = _answered(problems, family, index)
        if is_open:
            measure = services.measure_add(user=author, plan=plan, title=title, family=family, problem=problem)
        else:
            measure = Measure(plan=plan, cycle=cycle, title=title, family=family, problem=problem, sort_order=index)
            measure.copy_scope_from(plan)
            measures.append(by(measure, author))
        for task_title in task_titles[:rng.randint(2, min(4, len(task_titles)))]:
            if is_open:
                deadline = approved_on + dt.timedelta(days=rng.randint(40, horizon + 90))
            else:
                deadline = approved_on + dt.timedelta(days=rng.randint(30, 150))
            deadline = max(min(deadline, latest), cycle.started_on)
            is_secretary = organization.division.name == BOARD_VILLAGE and not tasks
            fields = {"title": task_title, "deadline": deadline, "owner": cast.secretary if is_secretary else None,
                      "owner_name": cast.secretary.full_name if is_secretary else rng.choice(owners)}
            if is_open:
                tasks.append(services.task_add(user=author, measure=measure, **fields))
            else:
                task = Task(measure=measure, plan=plan, cycle=cycle, **fields)
                task.copy_scope_from(plan)
                tasks.append(by(task, author))
    if not is_open:
        _bulk(Measure, measures)
        _bulk(Task, tasks)
    return tasks


def _bulk(model, objects, *, update_fields=None):
    """bulk_create (or bulk_update) plus the audit-trail rows, dated by the pinned clock or ``_history_date``."""
    if not objects:
        return
    if update_fields:
        model.objects.bulk_update(objects, update_fields)
    else:
        model.objects.bulk_create(objects)
    model.history.bulk_history_create(objects, update=bool(update_fields), default_date=timezone.now())


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _closed_work(plan, tasks, writer, rng, approved_on, closed_on):
    """A closed-out plan: every task done before the acceptance request, one progress entry each (bulk)."""
    entries = []
    for task in tasks:
        start = approved_on + dt.timedelta(days=rng.randint(5, 25))
        done_on = min(task.deadline - dt.timedelta(days=rng.randint(0, 12)), closed_on - dt.timedelta(days=16))
        done_on = max(done_on, start + dt.timedelta(days=3))
        task.status, task.progress, task.completed_on, task.version = TaskStatus.DONE, 100, done_on, task.version + 1
        task._history_date, task._history_user = _moment(done_on, rng.randint(9, 17)), writer
        entry = ProgressEntry(plan=plan, task=task, happened_on=done_on, author=writer,
                              content=f"{task.title}：{rng.choice(PROGRESS_PHRASES)}")
        entry.copy_scope_from(plan)
        entry._history_date, entry._history_user = task._history_date, writer
        entries.append(entry)
    _bulk(Task, tasks, update_fields=["status", "progress", "completed_on", "version"])
    _bulk(ProgressEntry, entries)
    ProgressEntry.objects.filter(pk__in=[e.pk for e in entries]).update(created_at=Case(
        *[When(pk=e.pk, then=Value(e._history_date)) for e in entries], output_field=DateTimeField()))


def _work(plan, tasks, organization, author, cast, rng, approved_on, last_day, today):
    """An open plan's task updates and progress entries (services), in date order; some tasks overdue."""
    writer = cast.secretary if organization.division.name == BOARD_VILLAGE else author
    events = []  # (day, task, status, progress)
    overdue_left = rng.randint(1, 2)  # past-deadline tasks left undone (more if the deadline is recent)
    future = [t for t in tasks if t.deadline >= today]
    if len(future) == len(tasks) and future:  # nothing due yet: move one deadline into the past
        task = future[-1]
        with clock(approved_on + dt.timedelta(days=1)):
            tasks[tasks.index(task)] = services.task_update(
                user=author, task=task, expected_version=task.version,
                deadline=today - dt.timedelta(days=rng.randint(6, 40)))
    for task in tasks:
        start = approved_on + dt.timedelta(days=rng.randint(5, 25))
        recent = task.deadline >= today - dt.timedelta(days=20)
        if task.deadline < today and ((overdue_left and rng.random() < 0.5) or (recent and rng.random() < 0.5)):
            overdue_left = max(0, overdue_left - 1)
            if rng.random() < 0.75:
                events.append((start, task, TaskStatus.IN_PROGRESS, rng.choice([20, 40, 60, 70])))
        elif task.deadline < today:
            done_on = max(min(task.deadline - dt.timedelta(days=rng.randint(0, 12)), today - dt.timedelta(days=2)),
                          start + dt.timedelta(days=3))
            events += [(start, task, TaskStatus.IN_PROGRESS, rng.choice([30, 40, 50])),
                       (done_on, task, TaskStatus.DONE, 100)]
        elif rng.random() < 0.6:
            events.append((start, task, TaskStatus.IN_PROGRESS, rng.choice([10, 30, 50])))
    versions = {}
    for day, task, status, progress in sorted(events, key=lambda e: (e[0], e[1].pk)):
        with clock(day, hour=rng.randint(9, 17)):
            current = services.task_update(user=writer, task=task, status=status, progress=progress,
                                           expected_version=versions.get(task.pk, task.version))
            versions[task.pk] = current.version
            _progress(plan, current, writer, day, f"{task.title}：{rng.choice(PROGRESS_PHRASES)}")


def _progress(plan, task, user, day, content):
    return services_progress.progress_entry_add(user=user, plan=plan, task=task, happened_on=day, content=content,
                                                today=day)


def _reports(plan, designation, author, rng, today, is_open):
    """Reports of every period past due: submitted on time, one late, one missing (services for open plans)."""
    values = effective_policy(plan.organization.division).snapshot(periods.REPORT_POLICY_KEYS)
    name = plan.organization.division.name
    due = [p for p in periods.expected_periods(
        status=designation.status, confirmed_on=periods.confirmed_on(designation),
        closed_out_on=designation.closed_out_on, today=today, interval_months=int(values["report_interval_months"]),
        grace_days=int(values["report_grace_days"])) if p.due_on < today]
    grace = int(values["report_grace_days"])
    bulk = []
    for index, period in enumerate(due):
        if is_open and name == MISSING_REPORT_VILLAGE and index == len(due) - 1:
            continue  # missing: never submitted
        if is_open and name == LATE_REPORT_VILLAGE and index == len(due) - 2:
            submitted = period.due_on + dt.timedelta(days=rng.randint(3, 9))
        else:
            submitted = period.end + dt.timedelta(days=rng.randint(1, grace))
        if is_open:
            report = services_reports.report_prepare(plan=plan, period_start=period.start, policy_values=values)
            with clock(submitted, hour=11):
                count = ProgressEntry.objects.filter(plan=plan, happened_on__range=(period.start, period.end)).count()
                services_reports.report_submit(user=author, report=report, today=submitted, summary=(
                    f"本期共记录整顿进展{count}条，按计划推进。" if count else "本期无新进展，下期加快推进。"))
            continue
        report = PeriodReport(plan=plan, period_start=period.start, period_end=period.end, due_on=period.due_on,
                              status=ReportStatus.SUBMITTED, submitted_by=author, submitted_at=_moment(submitted, 11),
                              policy=values)
        report.copy_scope_from(plan)
        report.snapshot = services_reports.report_content(report)
        count = len(report.snapshot["entries"])
        report.summary = f"本期共记录整顿进展{count}条，按计划推进。" if count else "本期无新进展。"
        report._history_date, report._history_user = report.submitted_at, author
        bulk.append(report)
    _bulk(PeriodReport, bulk)


def _visits(plan, leader, rng, approved_on, last_day):
    month = approved_on.replace(day=1)
    while month <= last_day:
        count = rng.choice([3, 3, 4, 2, 3, 1])
        days = sorted(rng.sample(range(1, 28), count))
        for day_of_month in days:
            day = month.replace(day=day_of_month)
            if day < approved_on or day > last_day:
                continue
            solved = rng.randint(0, 2)
            with clock(day, hour=14):
                services_visits.visit_log(user=leader, plan=plan, visited_on=day, discussed=rng.choice(VISIT_TOPICS),
                                          problems_solved="协调解决群众反映的具体问题。" if solved else "",
                                          problems_solved_count=solved, today=day)
        month += relativedelta(months=1)


def _publish_board(designation, admin, day):
    with clock(day, hour=9):
        services_boards.board_publish(user=admin, designation=designation)

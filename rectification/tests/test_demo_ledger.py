"""seed_demo's ledger for county 1: the states of seed 001, believable dates, idempotent."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from organizations.demo import NOT_YET_RECTIFIED
from organizations.policies import effective_policy
from rectification.demo.ledger import (
    BOARD_VILLAGE,
    LATE_REPORT_VILLAGE,
    MISSING_REPORT_VILLAGE,
    REPEAT_VILLAGE,
)
from rectification.models import (
    ContactVisit,
    Designation,
    DesignationStatus,
    PeriodReport,
    PlanStatus,
    ProgressEntry,
    StatusChange,
    Task,
    TaskStatus,
)

pytestmark = pytest.mark.django_db
OPEN_NAMES = {village for _township, village, _community in NOT_YET_RECTIFIED}


@pytest.fixture
def current(demo):
    """County 1's designations of the newest round."""
    year = Designation.objects.filter(county=demo.county1).order_by("-round__year").values_list(
        "round__year", flat=True).first()
    return (Designation.objects.filter(county=demo.county1, round__year=year)
            .select_related("organization__division", "plan"))


def test_thirty_seven_designations_thirty_two_closed_out_five_still_rectifying(current):
    statuses = Counter(d.status for d in current)
    # One of the five failed its satisfaction evaluation and rectifies again; one is being evaluated.
    assert statuses == {DesignationStatus.CONSOLIDATING: 32, DesignationStatus.RECTIFYING: 4,
                        DesignationStatus.EVALUATING: 1}
    open_names = {d.organization.division.name for d in current if d.status != DesignationStatus.CONSOLIDATING}
    assert open_names == OPEN_NAMES
    today = timezone.localdate()
    for designation in current:
        assert designation.confirmed_at.date() < today
        if designation.status == DesignationStatus.CONSOLIDATING:
            assert designation.closed_out_on < today and designation.consolidation_until > designation.closed_out_on


def test_every_plan_is_approved_with_the_four_essentials_and_four_ones(current, demo):
    contact_leader = demo.users["contact_leader"]
    for designation in current:
        plan = designation.plan
        assert plan.status == PlanStatus.APPROVED
        assert plan.objectives and plan.deadline and plan.responsible_person and plan.responsible_unit
        assert plan.township_leader  # the other "four ones" are cadres records (cadres/tests/test_four_ones.py)
        assert plan.measures.count() >= 2
        assert all(2 <= m.tasks.count() <= 4 for m in plan.measures.filter(cycle__number=1))
    # The demo contact leader's account logs the visits of its villages (cadres pairs its record with them).
    led = {d.organization.division.name for d in current if d.plan.visits.filter(leader=contact_leader).exists()}
    assigned = set(contact_leader.object_assignments.values_list("organization__division__name", flat=True))
    assert led == assigned and len(led) == 3


def test_closed_out_plans_are_done_and_open_ones_have_overdue_tasks(current):
    today = timezone.localdate()
    for designation in current:
        tasks = list(Task.objects.filter(plan=designation.plan))
        if designation.status == DesignationStatus.CONSOLIDATING:
            assert {t.status for t in tasks} == {TaskStatus.DONE}
            assert all(t.completed_on <= designation.closed_out_on for t in tasks)
        else:
            assert any(t.is_overdue(today) for t in tasks), designation.organization.division.name
            assert any(t.status == TaskStatus.DONE for t in tasks) or any(t.deadline >= today for t in tasks)
            assert not all(t.is_overdue(today) for t in tasks)


def test_lifecycle_is_recorded_in_status_changes(current):
    for designation in current:
        actions = list(StatusChange.objects.filter(designation=designation).order_by("created_at", "pk")
                       .values_list("action", flat=True))
        expected = ["confirm", "submit_plan", "approve_plan"]
        if designation.organization.division.name == "濂前社区":
            expected = ["confirm", "submit_plan", "return_plan", "submit_plan", "approve_plan"]
        if designation.status == DesignationStatus.CONSOLIDATING:
            expected += ["request_acceptance", "open_evaluation", "accept"]
        if designation.organization.division.name == "汾山村":  # failed its evaluation
            expected += ["request_acceptance", "open_evaluation", "re_rectify", "approve_plan"]  # new cycle
        if designation.status == DesignationStatus.EVALUATING:
            expected += ["request_acceptance", "open_evaluation"]
        assert actions == expected
        stamps = list(StatusChange.objects.filter(designation=designation).order_by("pk")
                      .values_list("created_at", flat=True))
        assert stamps == sorted(stamps) and stamps[-1].date() < timezone.localdate()


def test_progress_reports_and_visits_look_like_a_year_of_work(current):
    today = timezone.localdate()
    open_plans = {d.organization.division.name: d.plan for d in current if d.status == DesignationStatus.RECTIFYING}
    for plan in open_plans.values():
        entries = ProgressEntry.objects.filter(plan=plan)
        assert entries.count() >= 3
        approved = StatusChange.objects.filter(designation=plan.designation, action="approve_plan").earliest("pk")
        assert all(approved.created_at.date() <= e.happened_on <= today for e in entries)
    reports = PeriodReport.objects.filter(plan__in=open_plans.values())
    late = {r.plan.designation.organization.division.name for r in reports if r.is_late}
    assert late == {LATE_REPORT_VILLAGE}
    grace = effective_policy(current[0].organization.division)["report_grace_days"]
    due_periods = {name: {r.period_start for r in reports if r.plan_id == plan.pk} for name, plan in open_plans.items()}
    counts = {name: len(periods) for name, periods in due_periods.items()}
    assert counts[MISSING_REPORT_VILLAGE] == max(counts.values()) - 1, counts
    assert all(r.due_on == r.period_end + dt.timedelta(days=int(grace)) for r in reports)
    visits = ContactVisit.objects.filter(plan__in=open_plans.values())
    by_month = Counter((v.plan_id, v.visited_on.replace(day=1)) for v in visits)
    assert any(n < 3 for n in by_month.values()) and any(n >= 3 for n in by_month.values())


def test_board_published_and_repeat_listing(current, demo):
    board_designation = next(d for d in current if d.organization.division.name == BOARD_VILLAGE)
    assert board_designation.board.is_published
    assert sum(1 for d in current if hasattr(d, "board")) == 1
    repeat = next(d for d in current if d.organization.division.name == REPEAT_VILLAGE)
    earlier = Designation.objects.filter(organization=repeat.organization, round__year__lt=repeat.round.year)
    assert earlier.count() == 1
    previous = earlier.get()
    # The daily job ended its consolidation period if it is over; its follow-up review found the relapse.
    ended = previous.consolidation_until < timezone.localdate()
    assert previous.status == (DesignationStatus.CONSOLIDATED if ended else DesignationStatus.CONSOLIDATING)
    assert previous.follow_ups.get().finding == "relapsed"
    if ended:
        assert previous.status_changes.last().user.username == "system-ledger"


def test_check_records_of_the_demo(current):
    """Six-monthly checks, acceptance meetings before every evaluation, follow-up reviews after close-out."""
    for designation in current:
        if designation.status == DesignationStatus.CONSOLIDATING:
            review = designation.acceptance_reviews.get()
            assert review.result == "passed" and review.held_on < designation.closed_out_on
        assert all(c.checkers and c.findings and c.grade for c in designation.checks.all())
    assert sum(d.checks.count() for d in current) >= 30
    assert sum(d.follow_ups.count() for d in current) >= 1


def test_seed_demo_twice_adds_nothing(demo):
    models = [m for m in apps.get_app_config("rectification").get_models()]
    before = {m.__name__: m._base_manager.count() for m in models}
    call_command("seed_demo", "--quiet-accounts", stdout=io.StringIO())
    after = {m.__name__: m._base_manager.count() for m in models}
    assert after == before
    assert before["Designation"] == 38 and before["Task"] > 200 and before["HistoricalTask"] > before["Task"]

"""Checks and acceptance as records (issue 11 item 3) and consolidation, 回头看 and relapse (item 4):
the services, their gates on the lifecycle, and the daily consolidation job (directly and through run_job)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from organizations.jobs import run_job_now
from organizations.models import JobRun, Organization
from organizations.services.grants import policy_set
from rectification import services
from rectification.models import (
    AcceptanceReview,
    Category,
    Designation,
    DesignationStatus,
    FollowUpReview,
    SixMonthlyCheck,
    StatusChange,
)
from rectification.services import checks
from rectification.services.consolidation import complete_county_consolidations
from rectification.tests.plan_support import complete_plan, finish_tasks, plan_problem

pytestmark = pytest.mark.django_db
YEAR = 2099


@pytest.fixture
def rectifying(demo):
    """A designation of 林安镇 in rectification in a round of its own (2099), with one measure and task."""
    admin = demo.users["county_admin"]
    round_ = services.round_create(user=admin, county=demo.county1, year=YEAR)
    organization = Organization.objects.filter(township=demo.township_a, village__isnull=False,
                                               designations__isnull=True).order_by("pk").first()
    designation = services.designation_propose(user=admin, round=round_, organization=organization,
                                               categories=list(Category.objects.filter(code="RSHS04")),
                                               problems="组织生活不正常。")
    designation = services.designation_confirm(user=admin, designation=designation)
    plan = services.plan_ensure(user=admin, designation=designation)
    complete_plan(admin, plan, deadline=dt.date(YEAR, 12, 31), objectives="规范组织生活")
    measure = services.measure_add(user=admin, plan=plan, title="规范“三会一课”", family="mechanism",
                                   problem=plan_problem(admin, plan))
    services.task_add(user=admin, measure=measure, title="制定学习计划", owner_name="黄丽华",
                      deadline=dt.date(YEAR, 5, 31))
    for action in ("submit_plan", "approve_plan"):
        designation = services.designation_transition(user=admin, designation=designation, action=action)
    finish_tasks(admin, plan)  # its task done: acceptance may be applied for
    return designation


def _request(demo, designation, today=dt.date(YEAR, 11, 1)):
    return services.designation_transition(user=demo.users["town_organizer"], designation=designation,
                                           action="request_acceptance", today=today)


def _meeting(demo, designation, result="passed", user="town_organizer"):
    return checks.acceptance_record(user=demo.users[user], designation=designation, held_on=dt.date.today(),
                                    members="县委组织部副部长、镇党委书记", opinions="整顿目标基本实现。", result=result,
                                    score=85)


def test_acceptance_opens_in_the_round_years_last_months(demo, rectifying):
    # The demo county opens it all year (a county setting); its township keeps the default of 2 months.
    policy_set(user=demo.users["county_admin"], division=demo.township_a, key="acceptance_window_months", value=2)
    with pytest.raises(ValidationError) as refused:
        _request(demo, rectifying, today=dt.date(YEAR, 10, 31))
    assert "年终" in refused.value.messages[0] and "2099年11月1日" in refused.value.messages[0]
    rectifying.refresh_from_db()
    assert rectifying.status == DesignationStatus.RECTIFYING
    policy_set(user=demo.users["county_admin"], division=demo.township_a, key="acceptance_window_months", value=4)
    assert _request(demo, rectifying, today=dt.date(YEAR, 9, 1)).status == DesignationStatus.ACCEPTANCE_REQUESTED


def test_evaluation_opens_only_after_a_passed_acceptance_meeting(demo, rectifying):
    admin = demo.users["county_admin"]
    designation = _request(demo, rectifying)
    with pytest.raises(ValidationError) as refused:
        services.evaluation_open(user=admin, designation=designation)
    assert "验收" in refused.value.messages[0]
    _meeting(demo, designation, result="failed")
    with pytest.raises(ValidationError):
        services.evaluation_open(user=admin, designation=designation)
    review = _meeting(demo, designation, result="basically_passed")
    assert review.cycle_number == 1 and review.history.count() == 1
    assert services.evaluation_open(user=admin, designation=designation).status == DesignationStatus.EVALUATING
    # Rectify again: the new cycle needs its own acceptance meeting.
    designation = services.evaluation_re_rectify(user=admin, designation=designation, comment="满意率 70%",
                                                 today=dt.date(YEAR, 12, 10))
    plan = designation.plan  # the new cycle's plan goes back to the county, with a measure of its own
    measure = services.measure_add(user=admin, plan=plan, title="第二轮：规范组织生活", family="mechanism",
                                   problem=plan.problems.first())
    services.task_add(user=admin, measure=measure, title="按月召开组织生活会", owner_name="黄丽华",
                      deadline=dt.date(YEAR + 1, 3, 31))
    designation = services.designation_transition(user=admin, designation=designation, action="approve_plan")
    finish_tasks(admin, plan)
    designation = _request(demo, designation, today=dt.date(YEAR, 12, 20))
    with pytest.raises(ValidationError):
        services.evaluation_open(user=admin, designation=designation)
    assert _meeting(demo, designation).cycle_number == 2


def test_acceptance_meeting_is_recorded_after_the_application_only(demo, rectifying):
    with pytest.raises(ValidationError):
        _meeting(demo, rectifying)
    designation = _request(demo, rectifying)
    with pytest.raises(ValidationError) as missing:
        checks.acceptance_record(user=demo.users["county_admin"], designation=designation,
                                 held_on=dt.date.today(), members=" ", opinions="x", result="passed")
    assert "members" in missing.value.error_dict
    with pytest.raises((PermissionDenied, Designation.DoesNotExist)):
        _meeting(demo, designation, user="village_secretary")
    with pytest.raises(PermissionDenied):
        _meeting(demo, designation, user="other_county_admin")
    assert not AcceptanceReview.objects.filter(designation=designation).exists()


def test_six_monthly_check_with_findings_per_measure(demo, rectifying):
    measure = rectifying.plan.measures.get()
    record = checks.check_record(
        user=demo.users["town_organizer"], designation=rectifying, checked_on=dt.date(2026, 6, 20),
        checkers="县委组织部督查组、镇组织委员", findings="部分措施推进缓慢。", grade="average", score=71,
        rectification_demanded="限期一个月整改。", rectify_by=dt.date(2026, 7, 20),
        measure_findings={measure.pk: "进度滞后。"}, today=dt.date(2026, 6, 30))
    assert record.period_start == dt.date(2026, 1, 1) and record.entered_by == demo.users["town_organizer"]
    assert [f.finding for f in record.measure_findings.all()] == ["进度滞后。"]
    assert record.history.get().history_user == demo.users["town_organizer"]
    with pytest.raises(ValidationError):  # in the future
        checks.check_record(user=demo.users["county_admin"], designation=rectifying, checked_on=dt.date(2026, 7, 1),
                            checkers="x", findings="y", grade="good", today=dt.date(2026, 6, 30))
    with pytest.raises(PermissionDenied):
        checks.check_record(user=demo.users["other_county_admin"], designation=rectifying,
                            checked_on=dt.date(2026, 6, 1), checkers="x", findings="y", grade="good")
    assert SixMonthlyCheck.objects.filter(designation=rectifying).count() == 1


def _consolidating(demo):
    """A closed-out designation of this year's round in its consolidation period, not yet followed up."""
    return (Designation.objects.filter(county=demo.county1, status=DesignationStatus.CONSOLIDATING,
                                       follow_ups__isnull=True).order_by("consolidation_until", "pk").first())


def test_consolidation_job_ends_periods_past_their_end_once(demo):
    designation = _consolidating(demo)
    until = designation.consolidation_until
    assert complete_county_consolidations(demo.county1.pk, until) == {"completed": 0}  # its last day
    due = Designation.objects.filter(county=demo.county1, status=DesignationStatus.CONSOLIDATING,
                                     consolidation_until__lt=until + dt.timedelta(days=1)).count()
    assert complete_county_consolidations(demo.county1.pk, until + dt.timedelta(days=1)) == {"completed": due}
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.CONSOLIDATED
    change = StatusChange.objects.filter(designation=designation).last()
    assert change.action == "complete_consolidation" and change.user.username == "system-ledger"
    assert not change.user.is_active
    assert complete_county_consolidations(demo.county1.pk, until + dt.timedelta(days=1)) == {"completed": 0}
    assert StatusChange.objects.filter(designation=designation, action="complete_consolidation").count() == 1


def test_consolidation_job_through_the_kernel_runner(demo):
    designation = _consolidating(demo)
    day = (designation.consolidation_until + dt.timedelta(days=1)).isoformat()
    result = run_job_now("consolidation", county_id=demo.county1.pk, today=day)
    assert result["completed"] >= 1
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.CONSOLIDATED
    call_command("run_job", "consolidation", "--county", demo.county1.code, "--today", day, stdout=io.StringIO())
    run = JobRun.objects.filter(job="consolidation").latest("pk")
    assert run.status == "done" and run.result["completed"] == 0


def test_relapse_is_refused_while_the_organization_is_on_another_list(demo):
    """The repeat listing: last year's close-out cannot reopen while this year's designation is active."""
    from rectification.demo.ledger import REPEAT_VILLAGE

    current = Designation.objects.filter(organization__division__name=REPEAT_VILLAGE, county=demo.county1).order_by(
        "-round__year").first()
    previous = Designation.objects.filter(organization=current.organization).exclude(pk=current.pk).get()
    previous.status = DesignationStatus.CONSOLIDATING
    previous.save()
    with pytest.raises(ValidationError) as refused:
        services.designation_transition(user=demo.users["county_admin"], designation=previous, action="relapse",
                                        comment="回头看发现反弹")
    assert current.round.name in refused.value.messages[0] and "不能" in refused.value.messages[0]
    previous.refresh_from_db()
    assert previous.status == DesignationStatus.CONSOLIDATING


def test_follow_up_relapse_reopens_the_rectification(demo):
    designation = _consolidating(demo)
    admin = demo.users["county_admin"]
    day = designation.closed_out_on + dt.timedelta(days=20)
    with pytest.raises(ValidationError):  # a relapse needs its problems described
        checks.follow_up_record(user=admin, designation=designation, reviewed_on=day, reviewers="镇组织委员",
                                finding="relapsed", today=day)
    review = checks.follow_up_record(user=admin, designation=designation, reviewed_on=day, reviewers="镇组织委员",
                                     finding="relapsed", notes="班子再次不团结。", today=day)
    assert review.outcome == "relapse"
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.RECTIFYING
    assert designation.plan.cycles.count() == 2
    assert "回头看" in StatusChange.objects.filter(designation=designation).last().comment


def test_follow_up_within_the_tracking_years_only(demo):
    designation = _consolidating(demo)
    admin = demo.users["county_admin"]
    reviewed = FollowUpReview.objects.filter(designation=designation).count()  # the demo may have reviewed it
    late = checks.tracked_until(designation) + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        checks.follow_up_record(user=admin, designation=designation, reviewed_on=late, reviewers="镇组织委员",
                                finding="held", today=late)
    assert "reviewed_on" in refused.value.error_dict
    policy_set(user=admin, division=demo.county1, key="post_closeout_tracking_years", value=3)
    review = checks.follow_up_record(user=admin, designation=designation, reviewed_on=late, reviewers="镇组织委员",
                                     finding="held", notes="成果巩固。", today=late)
    assert review.outcome == "" and FollowUpReview.objects.filter(designation=designation).count() == reviewed + 1

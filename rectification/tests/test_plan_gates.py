"""Issue 11 items 1 and 5: the plan's content gates (four essentials, measures with tasks, four ones), the
acceptance application (no open task unless the county records an exception), task deadlines inside the
round and status consistent with progress; re-rectification that carries over the unresolved work, sends
the plan back to the county and takes its deadline from the policy. Through the pages and the API."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from organizations import services as org_services
from organizations.models import Organization
from rectification import services
from rectification.demo.ledger import clock
from rectification.models import Category, Designation, DesignationStatus, PlanStatus, Task, TaskStatus
from rectification.tests.plan_support import complete_plan, finish_tasks

pytestmark = pytest.mark.django_db

API = "/api/v1/ledger"
YEAR = 2099
#: The clock of these tests: early December of the round's year (acceptance is at the year end).
TODAY = dt.date(YEAR, 12, 5)


@pytest.fixture(autouse=True)
def _december_of_the_round():
    with clock(TODAY):
        yield


def _put_in(designation, status):
    """Walk the designation to a state the satisfaction evaluation (another app) would put it in."""
    Designation.objects.filter(pk=designation.pk).update(status=status)
    designation.refresh_from_db()
    return designation


@pytest.fixture
def designated(demo):
    admin = demo.users["county_admin"]
    round_ = services.round_create(user=admin, county=demo.county1, year=YEAR)
    organization = Organization.objects.filter(township=demo.township_a, village__isnull=False).exclude(
        division=demo.village_a).order_by("pk").first()
    designation = services.designation_propose(
        user=demo.users["town_organizer"], round=round_, organization=organization,
        categories=list(Category.objects.filter(code="RSHS04", county__isnull=True)), problems="组织生活不正常。")
    return services.designation_confirm(user=admin, designation=designation)


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _plan_with_task(demo, designation, *, title="物色书记人选", deadline=dt.date(YEAR, 12, 20)):
    organizer = demo.users["town_organizer"]
    plan = services.plan_ensure(user=organizer, designation=designation)
    measure = services.measure_add(user=organizer, plan=plan, title="选优配强村党组织书记", family="team")
    services.task_add(user=organizer, measure=measure, title=title, owner_name="黄丽华", deadline=deadline)
    return plan


def _rectifying(demo, designation, **task):
    plan = _plan_with_task(demo, designation, **task)
    complete_plan(demo.users["town_organizer"], plan, deadline=dt.date(YEAR, 12, 31))
    for user, action in (("town_organizer", "submit_plan"), ("county_admin", "approve_plan")):
        designation = services.designation_transition(user=demo.users[user], designation=designation, action=action)
    plan.refresh_from_db()
    return designation, plan


def _post_action(client, designation, action, comment=""):
    return client.post(reverse("rectification:designation-transition", args=[designation.pk]),
                       {"action": action, "comment": comment})


# ------------------------------------------------------------------------------------- plan submission


def test_an_empty_plan_is_refused_on_the_page_with_every_missing_item(demo, designated):
    organizer = client_for(demo.users["town_organizer"])
    services.plan_ensure(user=demo.users["town_organizer"], designation=designated)
    response = _post_action(organizer, designated, "submit_plan")
    assert response.status_code == 400
    text = response.content.decode()
    for item in ("整顿目标", "原因分析", "完成时限", "责任单位", "责任人", "至少一项分解到任务的整顿措施",
                 "联系县级领导", "包村乡镇领导", "第一书记", "结对帮扶单位"):
        assert item in text, item
    designated.refresh_from_db()
    assert designated.status == DesignationStatus.DESIGNATED


def test_a_plan_missing_only_the_four_ones_says_so_through_the_api(demo, designated):
    plan = _plan_with_task(demo, designated)
    complete_plan(demo.users["town_organizer"], plan, deadline=dt.date(YEAR, 12, 31), first_secretary="",
                  helping_unit="  ")
    organizer = client_for(demo.users["town_organizer"])
    response = organizer.post(f"{API}/designations/{designated.pk}/transition/", {"action": "submit_plan"},
                              content_type="application/json")
    assert response.status_code == 400
    body = str(response.json())
    assert "第一书记" in body and "结对帮扶单位" in body and "整顿目标" not in body
    complete_plan(demo.users["town_organizer"], plan, deadline=dt.date(YEAR, 12, 31))
    response = organizer.post(f"{API}/designations/{designated.pk}/transition/", {"action": "submit_plan"},
                              content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "plan_review"


def test_a_plan_without_tasks_cannot_be_submitted(demo, designated):
    organizer = demo.users["town_organizer"]
    plan = services.plan_ensure(user=organizer, designation=designated)
    services.measure_add(user=organizer, plan=plan, title="规范组织生活", family="mechanism")
    complete_plan(organizer, plan, deadline=dt.date(YEAR, 12, 31))
    response = _post_action(client_for(organizer), designated, "submit_plan")
    assert response.status_code == 400 and "至少一项分解到任务的整顿措施" in response.content.decode()


# ----------------------------------------------------------------------------------------- acceptance


def test_acceptance_waits_for_open_tasks_unless_the_county_records_an_exception(demo, designated):
    designation, plan = _rectifying(demo, designated, title="物色书记人选")
    organizer, admin = client_for(demo.users["town_organizer"]), client_for(demo.users["county_admin"])
    response = _post_action(organizer, designation, "request_acceptance")
    assert response.status_code == 400
    assert "物色书记人选（0%）" in response.content.decode()
    response = organizer.post(f"{API}/designations/{designation.pk}/transition/", {"action": "request_acceptance"},
                              content_type="application/json")
    assert response.status_code == 400 and "物色书记人选" in str(response.json())

    url = reverse("rectification:designation-acceptance-exception", args=[designation.pk])
    assert organizer.get(url).status_code == 403
    assert organizer.post(url, {"reason": "乡镇想先验收"}).status_code == 403
    assert admin.post(url, {"reason": "  "}).status_code == 400
    page = admin.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    assert url in page  # the county is offered the exception
    response = admin.post(url, {"reason": "书记人选已报县委组织部审批，同意先行验收。"})
    assert response.status_code == 302
    page = organizer.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    assert "书记人选已报县委组织部审批，同意先行验收。" in page and demo.users["county_admin"].display_name in page
    cycle = plan.cycles.get()
    assert cycle.acceptance_exception_by == demo.users["county_admin"] and cycle.acceptance_exception_open_tasks == 1
    assert cycle.history.filter(acceptance_exception_reason__startswith="书记人选").exists()  # audited
    response = _post_action(organizer, designation, "request_acceptance")
    assert response.status_code == 200 and "物色书记人选" in response.content.decode()  # confirm first: 1 task open
    response = organizer.post(reverse("rectification:designation-transition", args=[designation.pk]),
                              {"action": "request_acceptance", "confirmed": "1"})
    assert response.status_code == 302
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.ACCEPTANCE_REQUESTED


def test_the_exception_through_the_api_is_the_countys(demo, designated):
    designation, plan = _rectifying(demo, designated)
    organizer, admin = client_for(demo.users["town_organizer"]), client_for(demo.users["county_admin"])
    url = f"{API}/designations/{designation.pk}/acceptance-exception/"
    state = organizer.get(url).json()
    assert state["open_tasks_now"] == 1 and state["recorded_at"] is None and state["cycle"] == 1
    assert organizer.post(url, {"reason": "x"}, content_type="application/json").status_code == 403
    assert admin.post(url, {}, content_type="application/json").status_code == 400
    response = admin.post(url, {"reason": "年底前完成，先行验收"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["open_tasks"] == 1
    assert response.json()["recorded_by"] == demo.users["county_admin"].pk
    response = organizer.post(f"{API}/designations/{designation.pk}/transition/", {"action": "request_acceptance"},
                              content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "acceptance_requested"


def test_acceptance_with_every_task_done_needs_no_exception(demo, designated):
    designation, plan = _rectifying(demo, designated)
    finish_tasks(demo.users["town_organizer"], plan)
    response = _post_action(client_for(demo.users["town_organizer"]), designation, "request_acceptance")
    assert response.status_code == 302


# ------------------------------------------------------------------------------------------------ tasks


def test_task_deadlines_stay_inside_the_round_through_the_api(demo, designated):
    plan = _plan_with_task(demo, designated)
    organizer = client_for(demo.users["town_organizer"])
    measure = plan.measures.get().pk
    payload = {"measure": measure, "title": "建立党员积分台账", "owner_name": "林"}
    response = organizer.post(f"{API}/tasks/", {**payload, "deadline": "2100-06-30"}, content_type="application/json")
    assert response.status_code == 400
    assert "2100年6月30日" in str(response.json()) and "2099年12月31日" in str(response.json())
    response = organizer.post(f"{API}/tasks/", {**payload, "deadline": "2020-01-31"}, content_type="application/json")
    assert response.status_code == 400 and "2020" in str(response.json())
    org_services.policy_set(user=demo.users["county_admin"], division=demo.county1,
                            key="task_deadline_grace_months", value=3)
    response = organizer.post(f"{API}/tasks/", {**payload, "deadline": "2100-03-31"}, content_type="application/json")
    assert response.status_code == 201, response.content
    task = Task.objects.get(pk=response.json()["id"])
    response = organizer.patch(f"{API}/tasks/{task.pk}/", {"version": task.version, "deadline": "2100-04-01"},
                               content_type="application/json")
    assert response.status_code == 400 and "deadline" in response.json()


def test_task_deadline_outside_the_round_on_the_plan_page(demo, designated):
    plan = _plan_with_task(demo, designated)
    organizer = client_for(demo.users["town_organizer"])
    response = organizer.post(reverse("rectification:plan", args=[plan.pk]), {
        "form": "task", "measure": plan.measures.get().pk, "title": "建立台账", "owner_name": "林",
        "deadline": "2100-06-30"})
    assert response.status_code == 400 and "2099年12月31日" in response.content.decode()
    assert not Task.objects.filter(plan=plan, title="建立台账").exists()


def test_a_done_task_at_sixty_percent_is_refused_on_the_page(demo, designated):
    plan = _plan_with_task(demo, designated)
    task = plan.tasks.get()
    organizer = client_for(demo.users["town_organizer"])
    response = organizer.post(reverse("rectification:task", args=[task.pk]), {
        "title": task.title, "owner_name": task.owner_name, "deadline": task.deadline.isoformat(),
        "status": "done", "progress": 60, "version": task.version})
    assert response.status_code == 400 and "60%" in response.content.decode()
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.PENDING, 0)


@pytest.mark.parametrize(("body", "refused"), [
    ({"status": "done", "progress": 60}, True),
    ({"status": "pending", "progress": 30}, True),
    ({"status": "in_progress", "progress": 100}, True),
    ({"status": "done", "progress": 100}, False),
    ({"status": "done"}, False),  # marking it done alone means 100%
    ({"progress": 40}, False),  # a progress alone means in progress
])
def test_task_status_and_progress_agree_through_the_api(demo, designated, body, refused):
    plan = _plan_with_task(demo, designated)
    task = plan.tasks.get()
    response = client_for(demo.users["town_organizer"]).patch(
        f"{API}/tasks/{task.pk}/", {"version": task.version, **body}, content_type="application/json")
    assert (response.status_code == 400) is refused, response.content
    task.refresh_from_db()
    assert (task.status == TaskStatus.DONE) is (task.progress == 100)
    assert task.status != TaskStatus.PENDING or task.progress == 0


# -------------------------------------------------------------------------------------- re-rectification


def _evaluated(demo, designated, *, done_title="物色书记人选", open_title="召开组织生活会"):
    designation, plan = _rectifying(demo, designated, title=done_title)
    organizer = demo.users["town_organizer"]
    services.measure_add(user=organizer, plan=plan, title="规范组织生活", family="mechanism",
                         problem=plan.problems.first())
    measure = plan.measures.get(title="规范组织生活")
    services.task_add(user=organizer, measure=measure, title=open_title, owner_name="林", deadline=dt.date(YEAR, 12, 28))
    services.task_add(user=organizer, measure=measure, title="制定学习计划", owner_name="林",
                      deadline=dt.date(YEAR, 12, 15))
    for task in plan.tasks.filter(title__in=[done_title, "制定学习计划"]):
        services.task_update(user=organizer, task=task, expected_version=task.version, status="done", progress=100)
    task = plan.tasks.get(title=open_title)
    services.task_update(user=organizer, task=task, expected_version=task.version, progress=60)
    services.acceptance_exception_record(user=demo.users["county_admin"], designation=designation,
                                         reason="组织生活会已定于年底召开")
    designation = services.designation_transition(user=organizer, designation=designation,
                                                  action="request_acceptance")
    return _put_in(designation, DesignationStatus.EVALUATING), plan


def test_re_rectification_carries_over_the_open_work_and_goes_back_to_the_county(demo, designated):
    org_services.policy_set(user=demo.users["county_admin"], division=demo.county1,
                            key="re_rectification_months", value=4)
    designation, plan = _evaluated(demo, designated)
    before = list(plan.tasks.order_by("pk").values_list("pk", "cycle__number", "status", "progress", "deadline"))
    designation = services.evaluation_re_rectify(user=demo.users["county_admin"], designation=designation,
                                                 comment="满意率 70%", today=dt.date(YEAR, 12, 20))
    assert designation.status == DesignationStatus.RECTIFYING
    first, second = plan.cycles.order_by("number")
    assert first.closed_on == dt.date(YEAR, 12, 20)
    assert second.deadline == dt.date(YEAR + 1, 4, 20)  # the policy's 4 months, not a hard-coded 6
    old = list(Task.objects.filter(cycle=first).order_by("pk").values_list(
        "pk", "cycle__number", "status", "progress", "deadline"))
    assert old == before  # the old cycle stays as it was
    assert [m.title for m in second.measures.all()] == ["规范组织生活"]  # only the unresolved measure
    copied = list(second.tasks.values_list("title", "status", "progress", "deadline"))
    assert copied == [("召开组织生活会", TaskStatus.IN_PROGRESS, 60, dt.date(YEAR + 1, 4, 20))]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert second.acceptance_exception_at is None  # the exception was the first cycle's

    organizer, admin = client_for(demo.users["town_organizer"]), client_for(demo.users["county_admin"])
    response = _post_action(organizer, designation, "request_acceptance")
    assert response.status_code == 400 and "县" in response.content.decode()
    allowed = {a["action"] for a in admin.get(f"{API}/designations/{designation.pk}/transition/").json()["allowed"]}
    assert {"approve_plan", "return_plan"} <= allowed and "request_acceptance" not in allowed
    assert _post_action(admin, designation, "return_plan").status_code == 400  # a reason is needed
    assert _post_action(admin, designation, "return_plan", "请补充新措施").status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    services.measure_add(user=demo.users["town_organizer"], plan=plan, title="第二轮：建立长效机制",
                         problem=plan.problems.first())
    assert _post_action(organizer, designation, "submit_plan").status_code == 302
    assert _post_action(admin, designation, "approve_plan", "同意").status_code == 302
    plan.refresh_from_db()
    designation.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and designation.status == DesignationStatus.RECTIFYING
    assert _post_action(organizer, designation, "request_acceptance").status_code == 400  # its task is open
    finish_tasks(demo.users["town_organizer"], plan)
    assert _post_action(organizer, designation, "request_acceptance").status_code == 302


def test_a_new_cycle_with_nothing_carried_over_needs_a_measure_before_approval(demo, designated):
    designation, plan = _rectifying(demo, designated)
    finish_tasks(demo.users["town_organizer"], plan)
    designation = services.designation_transition(user=demo.users["town_organizer"], designation=designation,
                                                  action="request_acceptance")
    designation = _put_in(designation, DesignationStatus.EVALUATING)
    designation = services.evaluation_re_rectify(user=demo.users["county_admin"], designation=designation,
                                                 comment="满意率 60%", today=dt.date(YEAR, 12, 20))
    response = client_for(demo.users["county_admin"]).post(
        f"{API}/designations/{designation.pk}/transition/", {"action": "approve_plan"},
        content_type="application/json")
    assert response.status_code == 400 and "至少一项分解到任务的整顿措施" in str(response.json())


def test_relapse_on_the_page_opens_a_cycle_of_the_default_six_months(demo, designated):
    designation, plan = _rectifying(demo, designated)
    finish_tasks(demo.users["town_organizer"], plan)
    designation = services.designation_transition(user=demo.users["town_organizer"], designation=designation,
                                                  action="request_acceptance")
    designation = _put_in(designation, DesignationStatus.EVALUATING)
    designation = services.evaluation_accept(user=demo.users["county_admin"], designation=designation)
    response = _post_action(client_for(demo.users["county_admin"]), designation, "relapse", "回头看发现问题反弹")
    assert response.status_code == 302
    cycle = plan.cycles.order_by("-number").first()
    assert cycle.number == 2 and cycle.started_on == TODAY and cycle.deadline == dt.date(YEAR + 1, 6, 5)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_the_evaluation_and_the_threshold_job_take_the_new_deadline_from_the_policy(demo, make_persona):
    from evaluations.services import satisfaction as evaluation_services
    from evaluations.services.threshold_check import evaluations_decide_county
    from evaluations.tests.test_satisfaction_support import closed_evaluation

    org_services.policy_set(user=demo.users["county_admin"], division=demo.county1,
                            key="re_rectification_months", value=3)
    below = {"party_members": (3, 0, 5, 0), "public": (2, 0, 4, 0)}
    one = closed_evaluation(demo, below)
    decided = evaluation_services.evaluation_decide(evaluation=one, user=demo.users["county_admin"],
                                                    today=dt.date(2097, 12, 10))
    assert decided.new_deadline == dt.date(2098, 3, 10)
    plan = decided.designation.plan
    assert plan.cycles.order_by("-number").first().tasks.exists() or not plan.tasks.exclude(status="done").exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    two = closed_evaluation(demo, below, year=2096)
    evaluations_decide_county(county_id=demo.county1.pk, today=dt.date(2096, 12, 10))
    two.refresh_from_db()
    assert two.new_deadline == dt.date(2097, 3, 10)
    plan = two.designation.plan
    plan.refresh_from_db()
    second = plan.cycles.order_by("-number").first()
    assert second.number == 2 and second.deadline == dt.date(2097, 3, 10) and plan.status == PlanStatus.SUBMITTED
    carried = set(second.tasks.values_list("title", flat=True))
    assert carried == set(plan.tasks.filter(cycle__number=1).exclude(status="done").values_list("title", flat=True))

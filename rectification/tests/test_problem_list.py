"""Issue 11 item 9: the plan's structured problem list (问题清单). Problems are items of the catalogue (seed 002's
five problems with the national types and seed 001's four shortages under them), each with how it shows and
its cause analysis (原因分析); every measure answers one. The plan is not submitted without them; the pages and
the API write them in scope; the ledger export, the board and re-rectification carry them."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from organizations.models import Organization
from rectification import problems as catalogue
from rectification import services
from rectification.demo.ledger import clock
from rectification.models import Category, DesignationStatus, Measure, Plan, PlanProblem
from rectification.services.cycles import cycle_reopen
from rectification.tests.plan_support import complete_plan

pytestmark = pytest.mark.django_db

API = "/api/v1/ledger"
YEAR = 2099


@pytest.fixture(autouse=True)
def _in_the_round():
    with clock(dt.date(YEAR, 3, 1)):
        yield


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _designate(demo, round_, organization, code="RSHS02"):
    designation = services.designation_propose(
        user=demo.users["town_organizer"], round=round_, organization=organization,
        categories=list(Category.objects.filter(code=code, county__isnull=True)), problems="书记不胜任现职。")
    return services.designation_confirm(user=demo.users["county_admin"], designation=designation)


@pytest.fixture
def plans(demo):
    """Two draft plans of township A (the organizer's) in a new round, complete: the four essentials and four ones,
    one problem (plan_support.PROBLEM) and a measure answering it, with a task."""
    round_ = services.round_create(user=demo.users["county_admin"], county=demo.county1, year=YEAR)
    organizer = demo.users["town_organizer"]
    organizations = Organization.objects.filter(township=demo.township_a, village__isnull=False).exclude(
        division=demo.village_a).order_by("pk")[:2]
    made = []
    for organization in organizations:
        plan = services.plan_ensure(user=organizer, designation=_designate(demo, round_, organization))
        measure = services.measure_add(user=organizer, plan=plan, title="选优配强村党组织书记", family="team")
        services.task_add(user=organizer, measure=measure, title="物色书记人选", owner_name="黄丽华",
                          deadline=dt.date(YEAR, 6, 30))
        complete_plan(organizer, plan, deadline=dt.date(YEAR, 12, 31))  # lists RSHS04, which the measure answers
        made.append(Plan.objects.get(pk=plan.pk))
    return made


def _without_problems(user, plan):
    """Undo what complete_plan listed: the measures answer nothing, the list is empty."""
    for measure in Measure.objects.filter(plan=plan):
        services.measure_update(user=user, measure=measure, title=measure.title, family=measure.family, problem=None)
    for problem in PlanProblem.objects.filter(plan=plan):
        services.problem_remove(user=user, problem=problem)


def _submit_page(client, plan):
    return client.post(reverse("rectification:designation-transition", args=[plan.designation_id]),
                       {"action": "submit_plan"})


def _submit_api(client, plan):
    return client.post(f"{API}/designations/{plan.designation_id}/transition/", {"action": "submit_plan"},
                       content_type="application/json")


def _status(plan):
    plan.designation.refresh_from_db()
    return plan.designation.status


# ------------------------------------------------------------------------------------------ the catalogue


def test_the_catalogue_holds_the_five_problems_the_national_types_and_the_four_shortages():
    assert [g.name for g in catalogue.GROUPS] == ["党组织涣散", "组织活动不规范", "民主管理混乱", "社会矛盾突出",
                                                 "基础保障薄弱"]
    codes = {item.code for item in catalogue.ITEMS}
    assert {f"RSHS{n:02d}" for n in range(1, 11)} <= codes
    assert {"DB-REN", "DB-ZHANG", "DB-CHANG", "DB-QIAN"} <= codes
    assert catalogue.item("RSHS09").group.name == "基础保障薄弱"
    assert catalogue.item_label("RSHS02").startswith("党组织涣散 · RSHS02 党组织书记不胜任现职")


# ------------------------------------------------------------------------------------------ the gate


def test_a_plan_without_problems_is_refused_on_the_page_and_through_the_api(demo, plans):
    organizer = demo.users["town_organizer"]
    plan = plans[0]
    _without_problems(organizer, plan)
    page, api = client_for(organizer), client_for(organizer)
    response = _submit_page(page, plan)
    assert response.status_code == 400
    text = response.content.decode()
    assert "问题清单（至少一个问题及其原因分析）" in text and "整顿措施对应的问题（选优配强村党组织书记）" in text
    response = _submit_api(api, plan)
    assert response.status_code == 400 and "问题清单" in str(response.json())
    assert _status(plan) == DesignationStatus.DESIGNATED

    # The list is written through the API, the measure linked on its page: the plan goes through.
    response = api.post(f"{API}/plan-problems/", {"plan": plan.pk, "item": "RSHS02", "description": "书记能力不足。",
                                                  "cause_analysis": ""}, content_type="application/json")
    assert response.status_code == 400 and "cause_analysis" in response.json()  # a problem has its cause
    response = api.post(f"{API}/plan-problems/", {"plan": plan.pk, "item": "RSHS02", "description": "书记能力不足。",
                                                  "cause_analysis": "选任把关不严。"},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    problem = response.json()["id"]
    measure = plan.measures.get()
    response = page.post(reverse("rectification:measure", args=[measure.pk]),
                         {"title": measure.title, "family": "team", "problem": problem})
    assert response.status_code == 302
    assert _submit_api(api, plan).status_code == 200
    assert _status(plan) == DesignationStatus.PLAN_REVIEW
    body = api.get(f"{API}/plans/{plan.pk}/").json()
    assert [(p["item"], p["group"], p["cause_analysis"]) for p in body["problems"]] == [
        ("RSHS02", "党组织涣散", "选任把关不严。")]
    assert api.get(f"{API}/measures/{measure.pk}/").json()["problem"] == problem


def test_a_measure_answering_no_problem_blocks_the_submission(demo, plans):
    organizer = demo.users["town_organizer"]
    plan = plans[0]
    loose = services.measure_add(user=organizer, plan=plan, title="落实“四议两公开”", family="mechanism")
    services.task_add(user=organizer, measure=loose, title="建立决策台账", owner_name="林", deadline=dt.date(YEAR, 9, 1))
    response = _submit_api(client_for(organizer), plan)
    assert response.status_code == 400 and "整顿措施对应的问题（落实“四议两公开”）" in str(response.json())
    page = client_for(organizer)
    response = _submit_page(page, plan)
    assert response.status_code == 400 and "落实“四议两公开”" in response.content.decode()
    response = page.post(reverse("rectification:plan", args=[plan.pk]), {
        "form": "problem", "item": "RSHS07", "description": "村务公开不及时。", "cause_analysis": "监督不到位。"})
    assert response.status_code == 302
    problem = plan.problems.get(item="RSHS07")
    response = page.post(reverse("rectification:measure", args=[loose.pk]),
                         {"title": loose.title, "family": "mechanism", "problem": problem.pk})
    assert response.status_code == 302
    assert _submit_page(page, plan).status_code == 302
    assert _status(plan) == DesignationStatus.PLAN_REVIEW


# ------------------------------------------------------------------------------------------ the pages


def test_problems_are_added_edited_and_removed_on_the_pages_in_scope(demo, plans):
    organizer = client_for(demo.users["town_organizer"])
    plan = plans[0]
    plan_url = reverse("rectification:plan", args=[plan.pk])
    response = organizer.post(plan_url, {"form": "problem", "item": "DB-CHANG", "description": "活动场所破旧。",
                                         "cause_analysis": "建设资金未落实。"})
    assert response.status_code == 302
    problem = plan.problems.get(item="DB-CHANG")
    page = organizer.get(plan_url).content.decode()
    for text in ("问题清单", "基础保障薄弱", "无场所议事", "活动场所破旧。", "建设资金未落实。"):
        assert text in page, text
    assert 'name="problem"' in page  # the measure form offers the plan's problems

    # Not an item of the catalogue: refused, nothing added.
    response = organizer.post(plan_url, {"form": "problem", "item": "RSHS99", "description": "x", "cause_analysis": "y"})
    assert response.status_code == 400 and plan.problems.count() == 2

    url = reverse("rectification:plan-problem", args=[problem.pk])
    response = organizer.post(url, {"form": "problem", "item": "DB-QIAN", "description": "集体经济薄弱。",
                                    "cause_analysis": "缺少集体经济项目。"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.item, problem.cause_analysis) == ("DB-QIAN", "缺少集体经济项目。")
    assert problem.history.count() == 2 and problem.history.first().history_user == demo.users["town_organizer"]

    # Another county's administrator: not found, for reading and writing alike; nothing changes.
    stranger = client_for(demo.users["other_county_admin"])
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"form": "remove"}).status_code == 404
    assert stranger.get(f"{API}/plan-problems/{problem.pk}/").status_code == 404
    assert stranger.delete(f"{API}/plan-problems/{problem.pk}/").status_code == 404
    assert PlanProblem.objects.filter(pk=problem.pk).exists()

    # A problem a measure answers stays; one that none answers is removed.
    answered = plan.problems.exclude(pk=problem.pk).get()
    response = organizer.post(reverse("rectification:plan-problem", args=[answered.pk]), {"form": "remove"})
    assert response.status_code == 400 and "选优配强村党组织书记" in response.content.decode()
    assert organizer.post(url, {"form": "remove"}).status_code == 302
    assert list(plan.problems.all()) == [answered]


def test_the_measure_form_and_the_api_refuse_a_problem_of_another_plan(demo, plans):
    organizer = client_for(demo.users["town_organizer"])
    plan, other = plans
    foreign = other.problems.get()
    response = organizer.post(reverse("rectification:plan", args=[plan.pk]), {
        "form": "measure", "title": "开展强村带弱村", "family": "assistance", "problem": foreign.pk})
    assert response.status_code == 400 and not plan.measures.filter(title="开展强村带弱村").exists()
    measure = plan.measures.get()
    response = organizer.post(reverse("rectification:measure", args=[measure.pk]),
                              {"title": measure.title, "family": "team", "problem": foreign.pk})
    assert response.status_code == 400
    measure.refresh_from_db()
    assert measure.problem.plan_id == plan.pk
    response = organizer.post(f"{API}/measures/", {"plan": plan.pk, "title": "开展强村带弱村", "problem": foreign.pk},
                              content_type="application/json")
    assert response.status_code == 400 and "problem" in response.json()
    # A problem outside the caller's scope does not exist for it.
    outside = client_for(demo.users["other_county_admin"])
    response = outside.get(f"{API}/plan-problems/", {"plan": plan.pk})
    assert response.status_code == 400 or response.json()["results"] == []


# ------------------------------------------------------------------------------------------ export, board, cycles


def test_the_ledger_export_and_the_board_name_the_problems(demo, plans):
    organizer = demo.users["town_organizer"]
    plan = plans[0]
    services.problem_add(user=organizer, plan=plan, item="DB-REN", description="后备干部不足。",
                         cause_analysis="年轻人外出务工多。")
    admin = client_for(demo.users["county_admin"])
    response = admin.get(reverse("rectification:ledger-export"), {"round": plan.designation.round_id})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
                .iter_rows(values_only=True))
    header = next(row for row in rows if row and "问题清单" in row)
    column, causes = header.index("问题清单"), header.index("原因分析")
    row = next(r for r in rows if r and plan.organization.name in r)
    assert row[column].splitlines() == [
        f"1. {catalogue.item_label('RSHS04')}：组织生活不正常，党员大会长期未召开。",
        f"2. {catalogue.item_label('DB-REN')}：后备干部不足。"]
    assert "1. 书记抓党建意识不强，组织生活制度执行不严。" in row[causes] and "2. 年轻人外出务工多。" in row[causes]
    body = admin.get(f"{API}/export/", {"round": plan.designation.round_id}).json()
    mine = next(r for r in body["results"] if r["id"] == plan.designation_id)
    assert "无人办事" in mine["problem_list"]

    board = admin.get(reverse("rectification:board", args=[plan.designation_id])).content.decode()
    assert "问题清单" in board and catalogue.item("DB-REN").name in board and "后备干部不足。" in board


def test_re_rectification_keeps_each_copied_measure_on_its_problem(demo, plans):
    organizer, admin = demo.users["town_organizer"], demo.users["county_admin"]
    plan = plans[0]
    designation = plan.designation
    for user, action in ((organizer, "submit_plan"), (admin, "approve_plan")):
        designation = services.designation_transition(user=user, designation=designation, action=action)
    before = {m.title: m.problem_id for m in plan.measures.all()}
    cycle = cycle_reopen(user=admin, plan=plan, started_on=dt.date(YEAR, 12, 20), deadline=dt.date(YEAR + 1, 6, 30),
                         reason="满意率 70%")
    copied = {m.title: m.problem_id for m in Measure.objects.filter(cycle=cycle)}
    assert copied == before and all(copied.values())


# ------------------------------------------------------------------------------------------ demo


def test_every_demo_plan_lists_one_to_three_problems_of_its_categories_and_its_measures_answer_them(demo):
    plans = Plan.objects.filter(county=demo.county1).prefetch_related("problems", "designation__categories")
    assert plans.exists()
    for plan in plans:
        items = [p.item for p in plan.problems.all()]
        assert 1 <= len(items) <= 3, plan
        assert items[0] in {c.code for c in plan.designation.categories.all()}, plan
        assert all(p.cause_analysis for p in plan.problems.all()), plan
    assert not Measure.objects.filter(plan__county=demo.county1, problem__isnull=True).exists()
    assert not Measure.objects.filter(plan__county=demo.county1).exclude(problem__plan=F("plan")).exists()

"""The ledger API: the same journey, scoped ids, filters, 409 on a stale save, bounded queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Organization
from rectification import services
from rectification.models import Category, Designation, DesignationStatus, PlanStatus, Round, Task
from rectification.tests.plan_support import COMPLETE_PLAN, plan_started

pytestmark = pytest.mark.django_db

API = "/api/v1/ledger"
#: A complete plan (four essentials, four ones) as the plan API takes it.
API_PLAN = {**COMPLETE_PLAN, "deadline": "2099-12-31"}
YEAR = 2099


@pytest.fixture
def next_round(demo):
    return services.round_create(user=demo.users["county_admin"], county=demo.county1, year=YEAR)


def api(client, user):
    client.force_login(user)
    return client


def village_orgs(township, n=3):
    return list(Organization.objects.filter(township=township, village__isnull=False).order_by("pk")[:n])


def test_journey_through_the_api(client, demo, next_round, django_user_model):
    from django.test import Client

    organizer, admin = api(Client(), demo.users["town_organizer"]), api(Client(), demo.users["county_admin"])
    organization = village_orgs(demo.township_a)[0]
    response = organizer.post(f"{API}/designations/", {
        "round": next_round.pk, "organization": organization.pk, "categories": ["RSHS02", "rshs04"],
        "problems": "书记不胜任。"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "proposed" and sorted(body["categories"]) == ["RSHS02", "RSHS04"]
    pk = body["id"]
    allowed = admin.get(f"{API}/designations/{pk}/transition/").json()["allowed"]
    assert {a["action"] for a in allowed} == {"confirm", "withdraw"}
    assert organizer.get(f"{API}/designations/{pk}/transition/").json()["allowed"] == []
    response = organizer.post(f"{API}/designations/{pk}/transition/", {"action": "confirm"},
                              content_type="application/json")
    assert response.status_code == 403
    response = admin.post(f"{API}/designations/{pk}/transition/", {"action": "approve_plan"},
                          content_type="application/json")
    assert response.status_code == 400 and response.json()
    response = admin.post(f"{API}/designations/{pk}/transition/", {"action": "confirm"},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "designated"

    designation = Designation.objects.get(pk=pk)
    plan = services.plan_ensure(user=demo.users["town_organizer"], designation=designation)
    response = organizer.get(f"{API}/plans/{plan.pk}/")
    assert response.status_code == 200 and response.json()["cycles"][0]["number"] == 1
    version = response.json()["version"]
    response = organizer.patch(f"{API}/plans/{plan.pk}/", {"version": version, **API_PLAN, "objectives": "配齐班子"},
                               content_type="application/json")
    assert response.status_code == 200 and response.json()["objectives"] == "配齐班子"
    response = organizer.post(f"{API}/plan-problems/", {"plan": plan.pk, "item": "RSHS01", "description": "班子不全。",
                                                        "cause_analysis": "后备力量不足。"},
                              content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["group"] == "党组织涣散" and response.json()["label"].startswith("党组织涣散 · RSHS01")
    problem = response.json()["id"]
    response = organizer.post(f"{API}/measures/", {"plan": plan.pk, "title": "选优配强书记", "family": "team",
                                                   "problem": problem}, content_type="application/json")
    assert response.status_code == 201, response.content
    measure = response.json()["id"]
    response = organizer.post(f"{API}/tasks/", {"measure": measure, "title": "物色人选", "owner_name": "黄丽华",
                                                "deadline": f"{YEAR}-06-30"}, content_type="application/json")
    assert response.status_code == 201, response.content
    task = response.json()
    for user_client, action, comment in ((organizer, "submit_plan", ""), (admin, "return_plan", ""),
                                         (admin, "return_plan", "再细化"), (organizer, "submit_plan", ""),
                                         (admin, "approve_plan", "")):
        response = user_client.post(f"{API}/designations/{pk}/transition/", {"action": action, "comment": comment},
                                    content_type="application/json")
        if action == "return_plan" and not comment:
            assert response.status_code == 400 and "comment" in response.json()
        else:
            assert response.status_code == 200, (action, response.content)
    assert response.json()["status"] == DesignationStatus.RECTIFYING
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    response = organizer.patch(f"{API}/tasks/{task['id']}/", {"version": task["version"], "progress": 50},
                               content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"


def test_stale_saves_are_409_with_the_changes(client, demo, next_round):
    from django.test import Client

    organization = village_orgs(demo.township_a)[0]
    admin_user = demo.users["county_admin"]
    designation = services.designation_confirm(user=admin_user, designation=services.designation_propose(
        user=admin_user, round=next_round, organization=organization,
        categories=list(Category.objects.filter(code="RSHS01", county__isnull=True)), problems="班子不全"))
    plan = plan_started(admin_user, designation)
    measure = services.measure_add(user=admin_user, plan=plan, title="措施")
    task = services.task_add(user=admin_user, measure=measure, title="任务", owner_name="甲",
                             deadline=dt.date(YEAR, 1, 1))
    first, second = api(Client(), demo.users["town_organizer"]), api(Client(), admin_user)
    v = second.get(f"{API}/plans/{plan.pk}/").json()["version"]
    assert first.patch(f"{API}/plans/{plan.pk}/", {"version": v, "objectives": "甲的目标"},
                       content_type="application/json").status_code == 200
    response = second.patch(f"{API}/plans/{plan.pk}/", {"version": v, "objectives": "乙的目标"},
                            content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    plan.refresh_from_db()
    assert plan.objectives == "甲的目标" and body["current_version"] == plan.version
    assert any(change["new"] == "甲的目标" for change in body["changes"])
    assert second.patch(f"{API}/plans/{plan.pk}/", {"objectives": "乙的目标"},
                        content_type="application/json").status_code == 400  # the version is required
    tv = task.version
    assert first.patch(f"{API}/tasks/{task.pk}/", {"version": tv, "progress": 30},
                       content_type="application/json").status_code == 200
    response = second.patch(f"{API}/tasks/{task.pk}/", {"version": tv, "progress": 80},
                            content_type="application/json")
    assert response.status_code == 409 and any(c["new"] == "30" for c in response.json()["changes"])
    task.refresh_from_db()
    assert task.progress == 30


def test_foreign_ids_are_400_and_lists_are_scoped(client, demo, next_round):
    organizer = api(client, demo.users["town_organizer"])
    other = village_orgs(demo.township_b, 1)[0]
    count = Designation.objects.count()
    response = organizer.post(f"{API}/designations/", {
        "round": next_round.pk, "organization": other.pk, "categories": ["RSHS01"], "problems": "越权"},
        content_type="application/json")
    assert response.status_code == 400 and "organization" in response.json()
    response = organizer.post(f"{API}/designations/", {
        "round": next_round.pk, "organization": village_orgs(demo.township_a, 1)[0].pk,
        "categories": ["NOPE"], "problems": "x"}, content_type="application/json")
    assert response.status_code == 400 and "categories" in response.json()
    assert Designation.objects.count() == count
    rows = organizer.get(f"{API}/designations/", {"page_size": 500}).json()["results"]
    expected = set(Designation.objects.filter(township=demo.township_a).values_list("pk", flat=True))
    assert {row["id"] for row in rows} == expected
    rounds = organizer.get(f"{API}/rounds/").json()["results"]
    assert {r["id"] for r in rounds} == set(Round.objects.filter(county=demo.county1).values_list("pk", flat=True))
    assert organizer.post(f"{API}/rounds/", {"county": demo.county1.pk, "year": 2095},
                          content_type="application/json").status_code == 403
    admin = api(client, demo.users["other_county_admin"])
    assert admin.post(f"{API}/rounds/", {"county": demo.county1.pk, "year": 2095},
                      content_type="application/json").status_code == 400


def test_filters_overdue_status_township(client, demo, next_round):
    admin_user = demo.users["county_admin"]
    late_org, ok_org = village_orgs(demo.township_a, 2)
    made = {}
    for organization, deadline in ((late_org, dt.date(2000, 1, 1)), (ok_org, dt.date(YEAR, 1, 1))):
        designation = services.designation_confirm(user=admin_user, designation=services.designation_propose(
            user=admin_user, round=next_round, organization=organization,
            categories=list(Category.objects.filter(code="RSHS07", county__isnull=True)), problems="x"))
        plan = plan_started(admin_user, designation)
        measure = services.measure_add(user=admin_user, plan=plan, title="措施")
        services.task_add(user=admin_user, measure=measure, title="任务", owner_name="甲", deadline=deadline)
        made[organization.pk] = designation
    client = api(client, admin_user)
    rows = client.get(f"{API}/designations/", {"round": next_round.pk, "overdue": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [made[late_org.pk].pk] and rows[0]["overdue_count"] == 1
    response = client.get(f"{API}/designations/", {"round": next_round.pk, "category": "RSHS07"})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert {r["id"] for r in rows} == {d.pk for d in made.values()}
    rows = client.get(f"{API}/designations/", {"round": next_round.pk, "township": demo.township_b.pk}).json()
    assert rows["count"] == 0
    tasks = client.get(f"{API}/tasks/", {"round": next_round.pk, "overdue": "true"}).json()["results"]
    assert [t["plan"] for t in tasks] == [made[late_org.pk].plan.pk]
    assert client.get(f"{API}/tasks/", {"round": next_round.pk, "status": "pending"}).json()["count"] == 2
    organizer = api(client, demo.users["town_organizer"])
    response = organizer.get(f"{API}/tasks/", {"township": demo.township_b.pk})
    assert response.status_code == 400 or response.json()["count"] == 0


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_api_list_queries_do_not_grow(client, demo, next_round):
    admin_user = demo.users["county_admin"]
    client = api(client, admin_user)

    def add(organizations):
        for organization in organizations:
            designation = services.designation_confirm(user=admin_user, designation=services.designation_propose(
                user=admin_user, round=next_round, organization=organization,
                categories=list(Category.objects.filter(code__in=["RSHS01", "RSHS02"], county__isnull=True)),
                problems="x"))
            plan = plan_started(admin_user, designation)
            measure = services.measure_add(user=admin_user, plan=plan, title="措施")
            services.task_add(user=admin_user, measure=measure, title="任务", owner_name="甲",
                              deadline=dt.date(2000, 1, 1))

    organizations = village_orgs(demo.township_a, 10)
    add(organizations[:2])
    urls = [f"{API}/designations/", f"{API}/tasks/", f"{API}/plans/", f"{API}/measures/", f"{API}/rounds/"]
    before = [_queries(client, url) for url in urls]
    add(organizations[2:])
    assert Task.objects.filter(plan__designation__round=next_round).count() == 10
    assert [_queries(client, url) for url in urls] == before


def test_the_plan_api_shows_the_four_ones_read_only(client, demo, next_round):
    """The contact leader, first secretary and helping unit are the cadres records: the plan API shows them (read
    only, from the "four ones" provider) and neither the service, the API nor the page writes them."""
    from django.urls import reverse

    from .publishing_support import add_four_ones

    organization = village_orgs(demo.township_a)[0]
    designation = services.designation_propose(
        user=demo.users["county_admin"], round=next_round, organization=organization,
        categories=list(Category.objects.filter(code="RSHS01", county__isnull=True)), problems="班子不全。")
    designation = services.designation_confirm(user=demo.users["county_admin"], designation=designation)
    plan = services.plan_ensure(user=demo.users["town_organizer"], designation=designation)
    add_four_ones(organization, contact_leader=("测试领导", "副县长"), first_secretary=("测试书记", "县审计局"),
                  helping_unit="县测试局")
    with pytest.raises(TypeError):
        services.plan_update(user=demo.users["town_organizer"], plan=plan, expected_version=plan.version,
                             contact_leader=demo.users["county_leader"])
    organizer = api(client, demo.users["town_organizer"])
    data = organizer.get(f"{API}/plans/{plan.pk}/").json()
    # (the demo may have paired others with this village too)
    assert "测试领导（副县长）" in [p["label"] for p in data["four_ones"]["contact_leaders"]]
    assert "测试书记（县审计局）" in [p["label"] for p in data["four_ones"]["first_secretaries"]]
    assert "县测试局" in [p["name"] for p in data["four_ones"]["helping_units"]]
    assert data["four_ones"]["missing"] == []
    response = organizer.patch(f"{API}/plans/{plan.pk}/", {"version": plan.version, "helping_unit": "别的单位",
                                                           "township_leader": "李乡长"},
                               content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["township_leader"] == "李乡长" and "helping_unit" not in response.json()
    page = organizer.get(reverse("rectification:plan", args=[plan.pk])).content.decode()
    assert 'name="helping_unit"' not in page and 'name="first_secretary"' not in page
    assert "测试书记（县审计局）" in page and "测试领导（副县长）" in page and "县测试局" in page

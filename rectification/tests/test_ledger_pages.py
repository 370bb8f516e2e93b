"""The ledger pages through HTTP: the township organizer's journey, lifecycle messages, no lost updates,
scoped choices, role home pages and bounded query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Organization
from rectification import services
from rectification.models import (
    Category,
    Designation,
    DesignationStatus,
    Plan,
    PlanStatus,
    StatusChange,
    TaskStatus,
)
from rectification.tests.plan_support import PLAN_FORM, plan_started

pytestmark = pytest.mark.django_db

YEAR = 2099


@pytest.fixture
def next_round(demo):
    return services.round_create(user=demo.users["county_admin"], county=demo.county1, year=YEAR)


def village_orgs(township, n=3):
    return list(Organization.objects.filter(township=township, village__isnull=False).order_by("pk")[:n])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version_in(response) -> str:
    return re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)


def designate(demo, round_, organization, codes=("RSHS01",)):
    designation = services.designation_propose(
        user=demo.users["county_admin"], round=round_, organization=organization,
        categories=list(Category.objects.filter(code__in=codes, county__isnull=True)), problems="班子不全。")
    return services.designation_confirm(user=demo.users["county_admin"], designation=designation)


def plan_with_task(demo, designation, deadline):
    admin = demo.users["county_admin"]
    plan = plan_started(admin, designation)
    measure = services.measure_add(user=admin, plan=plan, title="选优配强书记", family="team")
    task = services.task_add(user=admin, measure=measure, title="物色人选", owner_name="黄丽华", deadline=deadline)
    return plan, task


def test_township_organizer_journey(demo, next_round):
    organizer, admin = client_for(demo.users["town_organizer"]), client_for(demo.users["county_admin"])
    organization = village_orgs(demo.township_a)[0]
    categories = Category.objects.filter(code__in=["RSHS02", "RSHS04"], county__isnull=True)

    # The organizer proposes.
    response = organizer.post(reverse("rectification:designation-propose"), {
        "round": next_round.pk, "organization": organization.pk, "categories": [c.pk for c in categories],
        "problems": "书记不胜任，组织生活不正常。"})
    designation = Designation.objects.get(round=next_round, organization=organization)
    assert response.status_code == 302 and response["Location"] == reverse("rectification:designation",
                                                                           args=[designation.pk])
    assert designation.status == DesignationStatus.PROPOSED
    assert designation.proposed_by == demo.users["town_organizer"]
    page = organizer.get(response["Location"]).content.decode()
    assert "RSHS02" in page and "书记不胜任" in page
    assert 'value="confirm"' not in page  # only the county confirms

    # The county confirms.
    page = admin.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    assert 'value="confirm"' in page
    admin.post(reverse("rectification:designation-transition", args=[designation.pk]), {"action": "confirm"})
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.DESIGNATED and designation.confirmed_by == demo.users[
        "county_admin"]

    # The organizer writes the plan, a measure and a task.
    response = organizer.post(reverse("rectification:designation", args=[designation.pk]))
    plan = Plan.objects.get(designation=designation)
    assert response["Location"] == reverse("rectification:plan", args=[plan.pk])
    plan_url = response["Location"]
    page = organizer.get(plan_url)
    response = organizer.post(plan_url, {"form": "plan", "version": version_in(page), **PLAN_FORM,
                                         "objectives": "配齐配强班子",
                                         "deadline": f"{YEAR}-12-31", "responsible_person": "黄丽华",
                                         "township_leader": "陈书记"})
    assert response.status_code == 302, response.context["plan_form"].errors
    response = organizer.post(plan_url, {"form": "problem", "item": "RSHS02", "description": "书记能力不足。",
                                         "cause_analysis": "选任把关不严。"})
    assert response.status_code == 302
    organizer.post(plan_url, {"form": "measure", "title": "选优配强村党组织书记", "family": "team",
                              "problem": plan.problems.get().pk})
    measure = plan.measures.get()
    organizer.post(plan_url, {"form": "task", "measure": measure.pk, "title": "物色书记人选", "owner_name": "黄丽华",
                              "deadline": f"{YEAR}-06-30"})
    task = plan.tasks.get()
    assert task.owner_name == "黄丽华" and task.cycle.number == 1

    # Submit; the county returns it with a comment.
    organizer.post(reverse("rectification:designation-transition", args=[designation.pk]), {"action": "submit_plan"})
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.PLAN_REVIEW
    response = admin.post(reverse("rectification:designation-transition", args=[designation.pk]),
                          {"action": "return_plan", "comment": ""})
    assert response.status_code == 400  # the form again, with the reason it was refused
    refused = " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)
    assert "Give a reason" in refused or "请说明理由" in refused
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.PLAN_REVIEW  # nothing changed without the reason
    admin.post(reverse("rectification:designation-transition", args=[designation.pk]),
               {"action": "return_plan", "comment": "目标要量化到月"})
    designation.refresh_from_db()
    plan.refresh_from_db()
    assert designation.status == DesignationStatus.DESIGNATED and plan.status == PlanStatus.RETURNED

    # The organizer fixes the plan and submits again; the county approves.
    page = organizer.get(plan_url)
    assert "目标要量化到月" in page.content.decode()
    organizer.post(plan_url, {"form": "plan", "version": version_in(page), "objectives": "6月底前配齐书记",
                              "deadline": f"{YEAR}-12-31", "responsible_person": "黄丽华", **PLAN_FORM})
    plan.refresh_from_db()
    assert plan.objectives == "6月底前配齐书记"
    organizer.post(reverse("rectification:designation-transition", args=[designation.pk]), {"action": "submit_plan"})
    admin.post(reverse("rectification:designation-transition", args=[designation.pk]), {"action": "approve_plan"})
    designation.refresh_from_db()
    plan.refresh_from_db()
    assert designation.status == DesignationStatus.RECTIFYING and plan.status == PlanStatus.APPROVED

    # Task progress.
    task_url = reverse("rectification:task", args=[task.pk])
    page = organizer.get(task_url)
    response = organizer.post(task_url, {"version": version_in(page), "title": task.title, "owner_name": "黄丽华",
                                         "deadline": f"{YEAR}-06-30", "status": "in_progress", "progress": 60})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == 60 and task.status == TaskStatus.IN_PROGRESS

    # The history shows every step with who and the comment.
    page = admin.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    assert "目标要量化到月" in page
    assert list(StatusChange.objects.filter(designation=designation).values_list("action", flat=True)) == [
        "confirm", "submit_plan", "return_plan", "submit_plan", "approve_plan"]


def test_illegal_transitions_are_form_errors_not_server_errors(demo, next_round):
    organization = village_orgs(demo.township_a)[1]
    designation = services.designation_propose(
        user=demo.users["town_organizer"], round=next_round, organization=organization,
        categories=list(Category.objects.filter(code="RSHS01", county__isnull=True)), problems="班子不全。")
    url = reverse("rectification:designation-transition", args=[designation.pk])

    def refused(response):
        return response.status_code == 400 and response.context["form"].errors

    # An action the state does not allow.
    assert refused(client_for(demo.users["county_admin"]).post(url, {"action": "approve_plan"}))
    # A role that may not take it.
    assert refused(client_for(demo.users["town_organizer"]).post(url, {"action": "confirm"}))
    # Submitting a plan that does not exist yet.
    designation = services.designation_confirm(user=demo.users["county_admin"], designation=designation)
    assert refused(client_for(demo.users["town_organizer"]).post(url, {"action": "submit_plan"}))
    # An unknown action.
    assert refused(client_for(demo.users["county_admin"]).post(url, {"action": "explode"}))
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.DESIGNATED
    # The county leader (read only) sees no action button; posting one is refused outright (403).
    leader = client_for(demo.users["county_leader"])
    assert 'name="action"' not in leader.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    assert leader.post(url, {"action": "withdraw", "comment": "x"}).status_code == 403
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.DESIGNATED


def test_two_people_editing_the_same_plan(demo, next_round):
    designation = designate(demo, next_round, village_orgs(demo.township_a)[0])
    plan, _task = plan_with_task(demo, designation, dt.date(YEAR, 6, 30))
    url = reverse("rectification:plan", args=[plan.pk])
    first, second = client_for(demo.users["town_organizer"]), client_for(demo.users["county_admin"])
    v1, v2 = version_in(first.get(url)), version_in(second.get(url))
    assert v1 == v2
    assert first.post(url, {"form": "plan", "version": v1, "objectives": "第一人的目标",
                            "responsible_person": "黄丽华"}).status_code == 302
    response = second.post(url, {"form": "plan", "version": v2, "objectives": "第二人的目标",
                                 "responsible_person": "陈明"})
    assert response.status_code == 400  # refused: the form again with the conflict
    html = response.content.decode()
    plan.refresh_from_db()
    assert plan.objectives == "第一人的目标" and plan.responsible_person == "黄丽华"  # not overwritten
    conflict = html[html.index('class="conflict"'):html.index("</div>", html.index('class="conflict"'))]
    assert "第一人的目标" in conflict and "黄丽华" in conflict  # what the other person changed
    assert demo.users["town_organizer"].display_name in conflict  # and who
    assert "第二人的目标" in html and "陈明" in html  # the user's input is kept
    assert version_in(response) == str(plan.version)
    # A second, deliberate save goes through.
    response = second.post(url, {"form": "plan", "version": version_in(response), "objectives": "第二人的目标",
                                 "responsible_person": "陈明"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.objectives == "第二人的目标"


def test_two_people_editing_the_same_task(demo, next_round):
    designation = designate(demo, next_round, village_orgs(demo.township_a)[0])
    _plan, task = plan_with_task(demo, designation, dt.date(YEAR, 6, 30))
    url = reverse("rectification:task", args=[task.pk])
    first, second = client_for(demo.users["town_organizer"]), client_for(demo.users["county_admin"])
    v = version_in(first.get(url))
    second.get(url)
    data = {"title": task.title, "owner_name": task.owner_name, "deadline": f"{YEAR}-06-30", "status": "in_progress"}
    assert first.post(url, {**data, "version": v, "progress": 40}).status_code == 302
    response = second.post(url, {**data, "version": v, "progress": 70})
    assert response.status_code == 400 and 'class="conflict"' in response.content.decode()
    task.refresh_from_db()
    assert task.progress == 40
    assert 'value="70"' in response.content.decode()


def test_the_conflict_box_names_statuses_by_their_labels(demo, next_round):
    """Issue 12: the box read "状态：done（修改前：in_progress）"; it reads the labels, as the history does."""
    designation = designate(demo, next_round, village_orgs(demo.township_a)[0])
    _plan, task = plan_with_task(demo, designation, dt.date(YEAR, 6, 30))
    before = TaskStatus(task.status)
    url = reverse("rectification:task", args=[task.pk])
    first, second = client_for(demo.users["town_organizer"]), client_for(demo.users["county_admin"])
    v = version_in(first.get(url))
    data = {"title": task.title, "owner_name": task.owner_name, "deadline": f"{YEAR}-06-30", "version": v}
    assert second.post(url, {**data, "progress": 100, "status": "done"}).status_code == 302
    response = first.post(url, {**data, "progress": 40, "status": "in_progress"})
    html = response.content.decode()
    assert response.status_code == 400
    conflict = html[html.index('class="conflict"'):html.index("</div>", html.index('class="conflict"'))]
    assert str(TaskStatus.DONE.label) in conflict and str(before.label) in conflict
    assert f"：{before.value}" not in conflict and ">done<" not in conflict and "：done" not in conflict


def test_propose_offers_only_organizations_in_scope(demo, next_round):
    client = client_for(demo.users["town_organizer"])
    url = reverse("rectification:designation-propose")
    page = client.get(url).content.decode()
    mine, other = village_orgs(demo.township_a, 1)[0], village_orgs(demo.township_b, 1)[0]
    assert f'value="{mine.pk}"' in page and other.name not in page
    count = Designation.objects.count()
    response = client.post(url, {"round": next_round.pk, "organization": other.pk,
                                 "categories": [Category.objects.get(code="RSHS01", county__isnull=True).pk],
                                 "problems": "越权提名"})
    assert response.status_code == 400 and response.context["form"].errors.get("organization")
    assert Designation.objects.count() == count
    # An organization of another county, even for the county admin of county 1.
    foreign = Organization.objects.filter(county=demo.county2).first()
    response = client_for(demo.users["county_admin"]).post(url, {
        "round": next_round.pk, "organization": foreign.pk,
        "categories": [Category.objects.get(code="RSHS01", county__isnull=True).pk], "problems": "外县"})
    assert response.status_code == 400 and response.context["form"].errors.get("organization")
    assert Designation.objects.count() == count
    # Roles that may not propose do not get the page.
    assert client_for(demo.users["county_leader"]).get(url).status_code == 404


def test_rounds_list_and_create(demo):
    admin = client_for(demo.users["county_admin"])
    url = reverse("rectification:rounds")
    response = admin.post(url, {"county": demo.county1.pk, "year": 2098, "name": ""})
    assert response.status_code == 302
    assert "2098" in admin.get(url).content.decode()
    response = admin.post(url, {"county": demo.county1.pk, "year": 2098, "name": ""})
    assert response.status_code == 400 and response.context["form"].errors
    response = admin.post(url, {"county": demo.county2.pk, "year": 2097, "name": ""})
    assert response.status_code == 400 and response.context["form"].errors.get("county")
    organizer = client_for(demo.users["town_organizer"])
    page = organizer.get(url).content.decode()
    assert "2098" in page and 'name="year"' not in page  # sees the county's rounds, may not create
    assert organizer.post(url, {"county": demo.county1.pk, "year": 2096}).status_code == 404


def test_ledger_page_rows_overdue_and_repeat_listing(demo, next_round, make_persona):
    organization_late, organization_ok = village_orgs(demo.township_a, 2)
    late = designate(demo, next_round, organization_late)
    plan_with_task(demo, late, dt.date(2000, 1, 1))
    on_time = designate(demo, next_round, organization_ok)
    plan_with_task(demo, on_time, dt.date(YEAR, 6, 30))
    earlier_round = services.round_create(user=demo.users["county_admin"], county=demo.county1, year=2090)
    earlier = designate(demo, earlier_round, organization_late)
    client = client_for(demo.users["town_organizer"])
    response = client.get(reverse("rectification:ledger"), {"round": next_round.pk})
    rows = {d.pk: d for d in response.context["object_list"]}
    assert rows[late.pk].overdue_count == 1 and rows[on_time.pk].overdue_count == 0
    assert rows[on_time.pk].next_deadline == dt.date(YEAR, 6, 30)
    for designation in (late, on_time):
        expected = Designation.objects.filter(organization=designation.organization, round__year__lt=YEAR).count()
        assert rows[designation.pk].earlier_count == expected
    assert rows[late.pk].earlier_count >= 1
    html = response.content.decode()
    row_late = html[html.index(reverse("rectification:designation", args=[late.pk])) - 400:]
    assert 'class="overdue"' in row_late[:400]
    response = client.get(reverse("rectification:ledger"), {"round": next_round.pk, "overdue": "true"})
    assert [d.pk for d in response.context["object_list"]] == [late.pk]
    response = client.get(reverse("rectification:ledger"), {"q": organization_ok.name, "round": next_round.pk})
    assert [d.pk for d in response.context["object_list"]] == [on_time.pk]
    # The earlier round is one click away from the designation page.
    page = client.get(reverse("rectification:designation", args=[late.pk])).content.decode()
    assert reverse("rectification:designation", args=[earlier.pk]) in page
    # Another township's organizer does not see them; the county does.
    other = client_for(make_persona("organizer_b", role="township_organizer", division=demo.township_b))
    response = other.get(reverse("rectification:ledger"), {"round": next_round.pk})
    assert response.context["paginator"].count == 0
    assert reverse("rectification:designation", args=[late.pk]) not in response.content.decode()
    county = client_for(demo.users["county_admin"])
    assert county.get(reverse("rectification:ledger"), {"round": next_round.pk}).context["paginator"].count == 2


def test_my_ledger_by_role(demo, next_round):
    a1, a2 = village_orgs(demo.township_a, 2)
    proposed = services.designation_propose(
        user=demo.users["town_organizer"], round=next_round, organization=a1,
        categories=list(Category.objects.filter(code="RSHS01", county__isnull=True)), problems="班子不全。")
    late = designate(demo, next_round, a2)
    _plan, task = plan_with_task(demo, late, dt.date(2000, 1, 1))
    url = reverse("rectification:my-ledger")
    county = client_for(demo.users["county_admin"]).get(url).context["county"]
    assert proposed in county["proposals"] and task in county["overdue"]
    assert late not in county["plans_to_approve"]
    sections = client_for(demo.users["town_organizer"]).get(url).context["sections"]
    ids = {d.pk for _title, rows in sections for d in rows}
    assert {proposed.pk, late.pk} <= ids
    assert all(d.township_id == demo.township_a.pk for _t, rows in sections for d in rows)
    secretary = client_for(demo.users["village_secretary"]).get(url)
    ids = {d.organization.division_id for _t, rows in secretary.context["sections"] for d in rows}
    assert ids == {demo.village_a.pk}
    contact = client_for(demo.users["contact_leader"]).get(url)
    assert contact.status_code == 200 and all(rows for _t, rows in contact.context["sections"])


def _count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_ledger_page_queries_do_not_grow(demo, next_round):
    client = client_for(demo.users["county_admin"])
    organizations = village_orgs(demo.township_a, 12)
    for organization in organizations[:2]:
        plan_with_task(demo, designate(demo, next_round, organization), dt.date(2000, 1, 1))
    url = reverse("rectification:ledger")
    small = _count_queries(client, url)
    mine_small = _count_queries(client, reverse("rectification:my-ledger"))
    for organization in organizations[2:]:
        plan_with_task(demo, designate(demo, next_round, organization, codes=("RSHS01", "RSHS02")),
                       dt.date(2000, 1, 1))
    assert _count_queries(client, url) == small
    assert _count_queries(client, reverse("rectification:my-ledger")) == mine_small


def test_above_county_the_round_and_township_choices_follow_the_chosen_county(login, demo):
    """A city or province reviewer sees hundreds of rounds and thousands of townships: the ledger's filter offers
    those of the chosen county (and the chosen round or township); a chosen round is accepted without a county.
    A county admin is offered all of its own."""
    from organizations.models import Division
    from organizations.roles import Level
    from rectification.models import Round

    def choices(client, query=""):
        response = client.get(f"{reverse('rectification:ledger')}{query}")
        assert response.status_code == 200
        fields = response.context["filter"].form.fields
        return response, set(fields["round"].queryset), set(fields["township"].queryset)

    client = login("city_reviewer")
    _response, rounds, townships = choices(client)
    assert rounds == set() and townships == set()
    county_rounds = set(Round.objects.filter(county=demo.county1))
    assert county_rounds
    _response, rounds, townships = choices(client, f"?county={demo.county1.pk}")
    assert rounds == county_rounds
    assert townships == set(Division.objects.filter(parent=demo.county1, level=Level.TOWNSHIP))
    chosen = Round.objects.filter(county=demo.county1).order_by("year").first()
    response, rounds, _townships = choices(client, f"?round={chosen.pk}")
    assert rounds == {chosen}
    rows = list(response.context["object_list"])
    assert rows and all(row.round_id == chosen.pk for row in rows)
    assert "请先选择县（市、区），再选择其整顿批次（或按年度筛选）。" in response.content.decode()

    _response, rounds, _townships = choices(login("county_admin"))
    assert rounds == county_rounds

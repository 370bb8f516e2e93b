"""The lifecycle table enforced in services: designation to close-out, re-rectification, conflicts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organizations.models import Organization
from organizations.services.common import ConflictError
from rectification import services
from rectification.lifecycle import TRANSITIONS, allowed_transitions, transition_for
from rectification.models import Category, Designation, DesignationStatus, PlanStatus, StatusChange
from rectification.tests.plan_support import complete_plan, finish_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_round(demo):
    return services.round_create(user=demo.users["county_admin"], county=demo.county1, year=2099)


@pytest.fixture
def proposed(demo, next_round):
    organization = Organization.objects.filter(township=demo.township_a, village__isnull=False).exclude(
        division=demo.village_a).first()
    return services.designation_propose(
        user=demo.users["town_organizer"], round=next_round, organization=organization,
        categories=list(Category.objects.filter(code__in=["RSHS01", "RSHS04"])), problems="班子不全，组织生活不正常。")


def _planned(demo, designation):
    organizer = demo.users["town_organizer"]
    plan = services.plan_ensure(user=organizer, designation=designation)
    plan = complete_plan(organizer, plan, deadline=dt.date(2099, 12, 31), objectives="配齐班子",
                         responsible_person="黄丽华")
    measure = services.measure_add(user=organizer, plan=plan, title="选优配强村党组织书记", family="team",
                                   problem=plan.problems.first())
    services.task_add(user=organizer, measure=measure, title="物色书记人选", owner_name="黄丽华",
                      deadline=dt.date(2099, 6, 30))
    finish_tasks(organizer, plan)  # done early: acceptance may be applied for whenever a test walks there
    return plan


#: Acceptance opens at the year end of the round (policy acceptance_window_months).
YEAR_END = dt.date(2099, 12, 1)


def _acceptance_met(demo, designation):
    """The year-end acceptance meeting passed: the satisfaction evaluation may open."""
    from rectification.services.checks import acceptance_record

    acceptance_record(user=demo.users["county_admin"], designation=designation, held_on=dt.date.today(),
                      members="县委组织部验收组", opinions="同意进行满意度测评。", result="passed")


def _walk(demo, designation, *actions, user="county_admin", **kwargs):
    for action in actions:
        designation = services.designation_transition(user=demo.users[user], designation=designation,
                                                      action=action, **kwargs)
    return designation


def test_from_proposal_to_close_out_with_every_step_recorded(demo, proposed):
    admin, organizer = demo.users["county_admin"], demo.users["town_organizer"]
    assert proposed.status == DesignationStatus.PROPOSED and proposed.proposed_by == organizer
    designation = services.designation_confirm(user=admin, designation=proposed)
    assert designation.confirmed_by == admin
    plan = _planned(demo, designation)
    designation = services.designation_transition(user=organizer, designation=designation, action="submit_plan")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    designation = _walk(demo, designation, "approve_plan")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.reviewed_by == admin
    designation = services.designation_transition(user=organizer, designation=designation,
                                                  action="request_acceptance", today=YEAR_END)
    _acceptance_met(demo, designation)
    designation = services.evaluation_open(user=admin, designation=designation)
    designation = services.evaluation_accept(user=admin, designation=designation, today=dt.date(2099, 12, 20))
    assert designation.status == DesignationStatus.CONSOLIDATING and designation.is_rectified
    assert designation.closed_out_on == dt.date(2099, 12, 20)
    assert designation.consolidation_until == dt.date(2100, 12, 20)  # 12 months by default policy
    changes = list(StatusChange.objects.filter(designation=designation).values_list("from_status", "to_status"))
    assert [c[1] for c in changes] == ["designated", "plan_review", "rectifying", "acceptance_requested",
                                       "evaluating", "consolidating"]
    assert all(c.user is not None for c in StatusChange.objects.filter(designation=designation))


def test_consolidation_period_follows_the_policy(demo, proposed):
    from organizations import services as org_services

    org_services.policy_set(user=demo.users["county_admin"], division=demo.township_a, key="consolidation_months",
                            value=6)
    designation = _walk(demo, proposed, "confirm")
    _planned(demo, designation)
    designation = _walk(demo, designation, "submit_plan", "approve_plan", "request_acceptance", today=YEAR_END)
    _acceptance_met(demo, designation)
    designation = services.evaluation_open(user=demo.users["county_admin"], designation=designation)
    designation = services.evaluation_accept(user=demo.users["county_admin"], designation=designation,
                                             today=dt.date(2099, 12, 20))
    assert designation.consolidation_until == dt.date(2100, 6, 20)


def test_re_rectification_opens_a_new_cycle_and_keeps_the_old(demo, proposed):
    designation = _walk(demo, proposed, "confirm")
    plan = _planned(demo, designation)
    designation = _walk(demo, designation, "submit_plan", "approve_plan", "request_acceptance", today=YEAR_END)
    _acceptance_met(demo, designation)
    designation = services.evaluation_open(user=demo.users["county_admin"], designation=designation)
    designation = services.evaluation_re_rectify(user=demo.users["county_admin"], designation=designation,
                                                 comment="满意率 76%", new_deadline=dt.date(2100, 6, 30),
                                                 today=dt.date(2099, 12, 20))
    assert designation.status == DesignationStatus.RECTIFYING
    cycles = list(plan.cycles.order_by("number"))
    assert [c.number for c in cycles] == [1, 2]
    assert cycles[0].closed_on == dt.date(2099, 12, 20) and cycles[0].tasks.count() == 1
    assert cycles[1].deadline == dt.date(2100, 6, 30) and cycles[1].reason == "满意率 76%"
    measure = services.measure_add(user=demo.users["town_organizer"], plan=plan, title="第二轮：规范组织生活",
                                   problem=plan.problems.first())
    assert measure.cycle == cycles[1]


@pytest.mark.parametrize("action", ["approve_plan", "accept", "request_acceptance", "complete_consolidation"])
def test_illegal_transitions_get_a_message(demo, proposed, action):
    with pytest.raises(ValidationError) as excinfo:
        services.designation_transition(user=demo.users["county_admin"], designation=proposed, action=action)
    assert excinfo.value.messages and "proposed" not in excinfo.value.messages[0]
    proposed.refresh_from_db()
    assert proposed.status == DesignationStatus.PROPOSED


@pytest.mark.parametrize("username", ["town_organizer", "county_leader", "city_reviewer", "village_secretary"])
def test_only_the_county_confirms(demo, proposed, username):
    with pytest.raises((PermissionDenied, Designation.DoesNotExist)):
        services.designation_confirm(user=demo.users[username], designation=proposed)


def test_other_county_sees_nothing(demo, proposed):
    with pytest.raises(Designation.DoesNotExist):
        services.designation_confirm(user=demo.users["other_county_admin"], designation=proposed)


def test_returning_a_plan_needs_a_reason_and_reopens_editing(demo, proposed):
    designation = _walk(demo, proposed, "confirm")
    plan = _planned(demo, designation)
    designation = _walk(demo, designation, "submit_plan")
    with pytest.raises(ValidationError):
        services.plan_update(user=demo.users["town_organizer"], plan=plan, expected_version=None, objectives="x")
    with pytest.raises(ValidationError):
        _walk(demo, designation, "return_plan")
    designation = _walk(demo, designation, "return_plan", comment="措施不具体")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    services.plan_update(user=demo.users["town_organizer"], plan=plan, expected_version=plan.version,
                         objectives="配齐配强班子")


def test_submitting_a_plan_without_tasks_is_refused(demo, proposed):
    designation = _walk(demo, proposed, "confirm")
    services.plan_ensure(user=demo.users["town_organizer"], designation=designation)
    with pytest.raises(ValidationError):
        services.designation_transition(user=demo.users["town_organizer"], designation=designation,
                                        action="submit_plan")


def test_second_save_of_a_plan_is_refused_and_shows_what_changed(demo, proposed):
    designation = _walk(demo, proposed, "confirm")
    plan = _planned(demo, designation)
    loaded_by_both = plan.version
    services.plan_update(user=demo.users["county_admin"], plan=plan, expected_version=loaded_by_both,
                         objectives="县委组织部修改的目标")
    with pytest.raises(ConflictError) as excinfo:
        services.plan_update(user=demo.users["town_organizer"], plan=plan, expected_version=loaded_by_both,
                             objectives="乡镇的修改")
    plan.refresh_from_db()
    assert plan.objectives == "县委组织部修改的目标"
    changed = {label: (old, new) for label, old, new in excinfo.value.changes}
    assert any(new == "县委组织部修改的目标" for _old, new in changed.values())
    assert "陈志远" in excinfo.value.messages[0]  # who saved in between


def test_second_save_of_a_task_is_refused(demo, proposed):
    designation = _walk(demo, proposed, "confirm")
    plan = _planned(demo, designation)
    task = plan.tasks.get()
    services.task_update(user=demo.users["town_organizer"], task=task, expected_version=task.version, progress=50)
    with pytest.raises(ConflictError):
        services.task_update(user=demo.users["county_admin"], task=task, expected_version=task.version,
                             progress=20)
    task.refresh_from_db()
    assert task.progress == 50 and task.status == "in_progress"


def test_allowed_transitions_follow_the_table(demo, proposed):
    actions = {t.action for t in allowed_transitions(demo.users["county_admin"], proposed)}
    assert actions == {t.action for t in TRANSITIONS if t.state == DesignationStatus.PROPOSED}
    assert allowed_transitions(demo.users["town_organizer"], proposed) == []
    assert transition_for(DesignationStatus.CONSOLIDATED, "accept") is None


def test_acceptance_is_decided_only_through_the_satisfaction_evaluation(demo, proposed, client):
    """Opening the evaluation, accepting and rectifying again are not generic buttons or API actions."""
    admin, organizer = demo.users["county_admin"], demo.users["town_organizer"]
    designation = services.designation_confirm(user=admin, designation=proposed)
    _planned(demo, designation)
    designation = services.designation_transition(user=organizer, designation=designation, action="submit_plan")
    designation = _walk(demo, designation, "approve_plan")
    designation = services.designation_transition(user=organizer, designation=designation,
                                                  action="request_acceptance", today=YEAR_END)
    with pytest.raises(ValidationError):
        services.designation_transition(user=admin, designation=designation, action="open_evaluation")
    assert "open_evaluation" not in {t.action for t in allowed_transitions(admin, designation)}
    client.force_login(admin)
    url = f"/api/v1/ledger/designations/{designation.pk}/transition/"
    assert "open_evaluation" not in {a["action"] for a in client.get(url).json()["allowed"]}
    response = client.post(url, {"action": "open_evaluation"}, content_type="application/json")
    assert response.status_code == 400
    _acceptance_met(demo, designation)
    designation = services.evaluation_open(user=admin, designation=designation)
    for action in ("accept", "re_rectify"):
        response = client.post(url, {"action": action, "comment": "直接销号"}, content_type="application/json")
        assert response.status_code == 400, action
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.EVALUATING

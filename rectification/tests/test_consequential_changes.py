"""Issue 12 item 7: feedback where it matters on the ledger. Applying for acceptance with tasks open asks for a
confirmation naming them; the status history shows what happened (a new cycle's plan approved, not "整顿中 →
整顿中"); the people concerned are told when a nomination is confirmed and a plan approved or returned."""

import datetime as dt

import pytest
from django.urls import reverse

from organizations.history import _TYPES, history_entries
from organizations.models import Notification, Organization
from rectification import services
from rectification.models import DesignationStatus, StatusChange, TaskStatus
from rectification.tests.test_plan_gates import (  # noqa: F401  (the fixture and the walk of those tests)
    _december_of_the_round,
    _put_in,
    _rectifying,
    client_for,
    designated,
)

pytestmark = pytest.mark.django_db


def _transition_url(designation):
    return reverse("rectification:designation-transition", args=[designation.pk])


def _with_open_task_excepted(demo, designated):  # noqa: F811
    """In rectification with its one task open and the county's exception for the acceptance application."""
    designation, plan = _rectifying(demo, designated)
    services.acceptance_exception_record(user=demo.users["county_admin"], designation=designation,
                                         reason="村“两委”换届推迟，任务待换届后完成。")
    return designation, plan


def test_applying_for_acceptance_with_tasks_open_asks_first_and_names_them(demo, designated):  # noqa: F811
    designation, plan = _with_open_task_excepted(demo, designated)
    organizer = client_for(demo.users["town_organizer"])
    # the one-tap button of the designation page leads to the confirmation, nothing is applied for yet
    page = organizer.post(_transition_url(designation), {"action": "request_acceptance", "comment": "已基本完成"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "物色书记人选" in text and "1 项" in text and 'name="confirmed"' in text and "已基本完成" in text
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.RECTIFYING
    # the page reached by its link (?action=) says the same
    assert "物色书记人选" in organizer.get(_transition_url(designation) + "?action=request_acceptance").content.decode()
    # confirmed: applied for
    done = organizer.post(_transition_url(designation), {"action": "request_acceptance", "confirmed": "1"})
    assert done.status_code == 302
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.ACCEPTANCE_REQUESTED


def test_no_confirmation_when_every_task_is_done(demo, designated):  # noqa: F811
    from rectification.tests.plan_support import finish_tasks

    designation, plan = _rectifying(demo, designated)
    finish_tasks(demo.users["town_organizer"], plan)
    response = client_for(demo.users["town_organizer"]).post(_transition_url(designation),
                                                             {"action": "request_acceptance"})
    assert response.status_code == 302
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.ACCEPTANCE_REQUESTED


def test_a_new_cycles_plan_approved_again_reads_as_what_happened(demo, designated):  # noqa: F811
    """Re-rectification: the new cycle's plan is approved while the organization stays 整顿中. The history says
    "审批新一轮整顿方案", never "整顿中 → 整顿中", and the designation's audit trail has no empty change."""
    designation, plan = _with_open_task_excepted(demo, designated)
    designation = services.designation_transition(user=demo.users["town_organizer"], designation=designation,
                                                  action="request_acceptance")
    designation = _put_in(designation, DesignationStatus.EVALUATING)
    designation = services.evaluation_re_rectify(user=demo.users["county_admin"], designation=designation,
                                                 comment="满意率 60%", today=dt.date(2099, 12, 20))
    assert plan.tasks.filter(cycle__number=2).exclude(status=TaskStatus.DONE).exists()  # the open task carried over
    audit_rows = designation.history.count()
    admin = client_for(demo.users["county_admin"])
    response = admin.post(_transition_url(designation), {"action": "approve_plan", "comment": "同意新一轮方案"})
    assert response.status_code == 302, response.content.decode()[:3000]
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.RECTIFYING
    assert designation.history.count() == audit_rows  # the status did not change: no empty audit row
    change = StatusChange.objects.filter(designation=designation).latest("pk")
    assert (change.action, change.from_status, change.to_status) == ("approve_plan", "rectifying", "rectifying")
    page = admin.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    assert "审批新一轮整顿方案" in page and "整顿中 → 整顿中" not in page
    assert "待审批 → 整顿中" not in page  # nothing made up either
    for entry in history_entries(designation):
        assert entry.changes or entry.reason or entry.action != str(_TYPES["~"])
        assert all(str(old) != str(new) for _label, old, new in entry.changes)


# ---------------------------------------------------------------------------------------------- notifications


def _told(**filters):
    """username -> (title, body, url) of the notifications sent, in id order."""
    rows = Notification.objects.filter(**filters).select_related("user").order_by("pk")
    return {n.user.username: (n.title, n.body, n.url) for n in rows}


def test_confirming_a_nomination_tells_the_township_organizer_and_the_village_secretary(demo):
    from rectification.models import Category, Round

    admin = demo.users["county_admin"]
    round_ = Round.objects.filter(county=demo.county1, year=2099).first() or services.round_create(
        user=admin, county=demo.county1, year=2099)
    dongshan = Organization.objects.filter(division=demo.village_a).order_by("pk").first()
    designation = services.designation_propose(
        user=demo.users["town_organizer"], round=round_, organization=dongshan, problems="组织生活不正常。",
        categories=list(Category.objects.filter(code="RSHS04", county__isnull=True)))
    mark = _mark()
    services.designation_transition(user=admin, designation=designation, action="confirm", comment="常委会已研究")
    told = _told(pk__gt=mark)
    assert set(told) >= {"town_organizer", "village_secretary"}
    assert "county_admin" not in told and "contact_leader" not in told and "other_county_admin" not in told
    title, body, url = told["village_secretary"]
    assert dongshan.name in title and "常委会已研究" in body
    assert url == reverse("rectification:designation", args=[designation.pk])
    # every recipient holds a township organizer's or village secretary's role over 东山村
    assert all(username in ("town_organizer", "village_secretary") or _holds(username, dongshan) for username in told)


def test_approving_and_returning_a_plan_tell_its_author_and_the_township_with_the_comment(demo, designated):  # noqa: F811
    organizer, admin = demo.users["town_organizer"], demo.users["county_admin"]
    plan, designation = _submitted(organizer, designated)
    mark = _mark()
    designation = services.designation_transition(user=admin, designation=designation, action="return_plan",
                                                  comment="责任人不明确，请补充。")
    returned = _told(pk__gt=mark)
    assert "town_organizer" in returned and "county_admin" not in returned
    title, body, url = returned["town_organizer"]
    assert "退回" in title and "责任人不明确，请补充。" in body and url == reverse("rectification:plan", args=[plan.pk])
    assert "village_secretary" not in returned and "contact_leader" not in returned
    mark = _mark()
    designation = services.designation_transition(user=organizer, designation=designation, action="submit_plan")
    assert not Notification.objects.filter(pk__gt=mark).exists()  # submitting tells nobody here
    services.designation_transition(user=admin, designation=designation, action="approve_plan", comment="同意。")
    approved = _told(pk__gt=mark)
    assert set(approved) == set(returned)
    title, body, _url = approved["town_organizer"]
    assert "审批通过" in title and "同意。" in body


def test_the_author_of_the_plan_is_told_even_from_the_county(demo, designated, make_persona):  # noqa: F811
    """A plan submitted by a township secretary (not an organizer): its author hears the review too."""
    from organizations.roles import Role

    secretary = make_persona("township_secretary_a", role=Role.TOWNSHIP_SECRETARY, division=demo.township_a)
    _plan, designation = _submitted(secretary, designated)
    mark = _mark()
    services.designation_transition(user=demo.users["county_admin"], designation=designation, action="return_plan",
                                    comment="请细化任务。")
    told = _told(pk__gt=mark)
    assert {"township_secretary_a", "town_organizer"} <= set(told) and "请细化任务。" in told["township_secretary_a"][1]


def _submitted(author, designation):
    """A complete plan written and submitted to the county by ``author``."""
    from rectification.tests.plan_support import complete_plan

    plan = services.plan_ensure(user=author, designation=designation)
    measure = services.measure_add(user=author, plan=plan, title="选优配强村党组织书记", family="team")
    services.task_add(user=author, measure=measure, title="物色书记人选", owner_name="黄丽华",
                      deadline=dt.date(2099, 12, 20))
    complete_plan(author, plan, deadline=dt.date(2099, 12, 31))
    return plan, services.designation_transition(user=author, designation=designation, action="submit_plan")


def _mark() -> int:
    """The newest notification's id (the tests read what was sent after it)."""
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _holds(username, organization) -> bool:
    from organizations.models import User
    from organizations.services.notifications import role_holders

    return User.objects.get(username=username) in role_holders(
        organization, ("township_organizer", "village_secretary"))

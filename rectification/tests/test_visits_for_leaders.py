"""Visits entered for contact leaders without an account (issue 11 item 6): a township organizer or the county
admin chooses the leader among those paired with the village (cadres records, through the kernel's leader
directory), who entered it is kept; the monthly requirement stops at close-out unless the policy says
otherwise; visits that solved no problem are flagged and counted apart; a monthly history per leader."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.models import ContactLeader, Pairing
from organizations import services as org_services
from rectification.models import ContactVisit, Designation, DesignationStatus

from .progress_support import make_rectifying_plan

pytestmark = pytest.mark.django_db
API = "contact-visit-list"


@pytest.fixture
def plan(demo):
    return make_rectifying_plan(demo)


def _leader(demo, organization, name, *, since=None):
    leader = ContactLeader.objects.create(division=demo.county1, name=name, post="县人大常委会副主任")
    if organization is not None:
        Pairing.objects.create(organization=organization, contact_leader=leader, county_id=organization.county_id,
                               township_id=organization.township_id,
                               started_on=since or timezone.localdate() - dt.timedelta(days=90))
    return leader


@pytest.fixture
def leader(demo, plan):
    """A contact leader paired with the plan's village, without a portal account."""
    return _leader(demo, plan.organization, "林志远")


def _post(client, plan, **data):
    return client.post(reverse("rectification:visit-add", args=[plan.pk]), {
        "visited_on": timezone.localdate().isoformat(), "discussed": "听取整顿进展汇报", "problems_solved": "",
        "problems_solved_count": "0", **data})


def test_township_organizer_records_a_visit_for_a_leader_without_account(demo, plan, leader, login):
    assert leader.user_id is None
    stranger = _leader(demo, None, "赵某某")  # a county leader not paired with this village
    client = login("town_organizer")
    form = client.get(reverse("rectification:visit-add", args=[plan.pk]))
    assert form.status_code == 200
    page = form.content.decode()
    assert f'value="{leader.pk}"' in page and "林志远" in page and f'value="{stranger.pk}"' not in page
    response = _post(client, plan, leader_key=str(leader.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = ContactVisit.objects.get(plan=plan)
    organizer = demo.users["town_organizer"]
    assert (visit.leader_id, visit.leader_key, visit.entered_by, visit.problems_solved_count) == (
        None, leader.pk, organizer, 0)
    assert "林志远" in visit.leader_name
    assert visit.history.get().history_user == organizer  # audited: who entered it
    # A leader who is not paired with the village, or none, is refused; nothing saved.
    assert _post(client, plan, leader_key=str(stranger.pk)).status_code == 400
    assert _post(client, plan).status_code == 400
    assert ContactVisit.objects.filter(plan=plan).count() == 1
    # The township B organizer cannot reach this village's form at all.
    assert login("other_county_admin").get(reverse("rectification:visit-add", args=[plan.pk])).status_code == 404


def test_visits_without_a_solved_problem_are_flagged_and_counted_apart(demo, plan, leader, login):
    client = login("town_organizer")
    assert _post(client, plan, leader_key=str(leader.pk)).status_code == 302
    assert _post(client, plan, leader_key=str(leader.pk), problems_solved="协调解决村部维修资金",
                 problems_solved_count="2").status_code == 302
    page = client.get(reverse("rectification:visits"), {"q": plan.organization.name}).content.decode()
    visible = ContactVisit.objects.visible_to(demo.users["town_organizer"]).filter(
        organization__name__icontains=plan.organization.name)
    want = f'data-visit-counts="{visible.count()}/{visible.filter(problems_solved_count=0).count()}"'
    assert want in page
    assert page.count('data-flag="solved-nothing"') == visible.filter(problems_solved_count=0).count() >= 1
    row = re.search(rf'<tr[^>]*data-plan="{plan.pk}"[^>]*>.*?</tr>', page, re.S).group(0)
    assert 'data-solved-nothing="1"' in row
    # The list links the leader's monthly history.
    assert f'{reverse("rectification:visit-history")}?leader={leader.pk}' in page


def test_county_admin_records_through_the_api(demo, plan, leader, login):
    client = login("county_admin")
    today = timezone.localdate().isoformat()
    response = client.post(reverse(API), {"plan": plan.pk, "leader_key": leader.pk, "visited_on": today,
                                          "discussed": "座谈", "problems_solved_count": 0},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["leader"], body["leader_key"], body["entered_by"], body["solved_nothing"]) == (
        None, leader.pk, demo.users["county_admin"].pk, True)
    assert "林志远" in body["leader_name"]
    # The admin is not a contact leader: without a leader the visit would be the admin's own, refused.
    own = client.post(reverse(API), {"plan": plan.pk, "visited_on": today, "discussed": "座谈"},
                      content_type="application/json")
    assert own.status_code == 403
    flagged = client.get(reverse(API), {"plan": plan.pk, "solved_nothing": "true"}).json()["results"]
    assert [r["id"] for r in flagged] == [body["id"]]
    assert client.get(reverse(API), {"plan": plan.pk, "solved_nothing": "false"}).json()["results"] == []
    # A village secretary may not enter visits for anybody.
    assert login("village_secretary").post(reverse(API), {
        "plan": plan.pk, "leader_key": leader.pk, "visited_on": today, "discussed": "x"},
        content_type="application/json").status_code in (403, 404)


def _month_row(page, month: dt.date) -> dict[str, int]:
    match = re.search(rf'data-month="{month:%Y-%m}" data-visits="(\d+)" data-required="(\d+)" '
                      rf'data-solved="(\d+)" data-solved-nothing="(\d+)"', page)
    assert match, f"no row for {month:%Y-%m}"
    return dict(zip(("visits", "required", "solved", "solved_nothing"), map(int, match.groups()), strict=True))


def test_monthly_history_per_leader_and_the_requirement_stops_at_close_out(demo, plan, leader, login):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    client = login("town_organizer")
    for day, count in ((today, 0), (today, 2), (last_month, 1)):
        response = _post(client, plan, leader_key=str(leader.pk), visited_on=day.isoformat(),
                         problems_solved="解决问题" if count else "", problems_solved_count=str(count))
        assert response.status_code == 302
    url = f'{reverse("rectification:visit-history")}?leader={leader.pk}'
    page = client.get(url).content.decode()
    assert "林志远" in page
    assert _month_row(page, this_month) == {"visits": 2, "required": 3, "solved": 2, "solved_nothing": 1}
    assert _month_row(page, last_month) == {"visits": 1, "required": 3, "solved": 1, "solved_nothing": 0}
    # The leader's page (cadres) links the history; the index lists the leader.
    assert url in login("county_admin").get(reverse("cadres:contact-leader", args=[leader.pk])).content.decode()
    assert url in client.get(reverse("rectification:visit-history")).content.decode()
    # Outside the scope: 404.
    assert login("other_county_admin").get(url).status_code == 404
    assert client.get(f'{reverse("rectification:visit-history")}?leader=x').status_code == 404

    # Closed out before this month: no visits required any more (the list and the history agree)...
    Designation.objects.filter(pk=plan.designation_id).update(
        status=DesignationStatus.CONSOLIDATING, closed_out_on=last_month + dt.timedelta(days=3))
    client = login("town_organizer")
    page = client.get(url).content.decode()
    assert _month_row(page, this_month)["required"] == 0 and _month_row(page, last_month)["required"] == 3
    listing = client.get(reverse("rectification:visits")).content.decode()
    assert f'data-plan="{plan.pk}" data-done="2" data-required="0"' in listing
    # ... unless the county's policy keeps requiring them after close-out.
    org_services.policy_set(user=demo.users["county_admin"], division=demo.county1, key="visits_after_closeout",
                            value=True)
    assert _month_row(client.get(url).content.decode(), this_month)["required"] == 3
    listing = client.get(reverse("rectification:visits")).content.decode()
    assert f'data-plan="{plan.pk}" data-done="2" data-required="3"' in listing

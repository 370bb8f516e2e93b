"""Contact-leader visits: only the assigned contact leader logs them; this month's count against policy."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from organizations import services as org_services
from organizations.models import ObjectAssignment
from organizations.roles import Role
from rectification.models import ContactVisit
from rectification.selectors.progress import visits_against_policy, visits_this_month
from rectification.services import visit_log

from .progress_support import make_rectifying_plan

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 23)


@pytest.fixture
def plan(demo):
    return make_rectifying_plan(demo)


def _log(user, plan, day, count=1, today=TODAY):
    return visit_log(user=user, plan=plan, visited_on=day, discussed="研究村部选址", problems_solved="协调用地" if count else "",
                     problems_solved_count=count, today=today)


def test_the_assigned_contact_leader_logs_visits(demo, plan):
    leader = demo.users["contact_leader"]
    assert ObjectAssignment.objects.filter(user=leader, role=Role.CONTACT_LEADER,
                                           organization=plan.organization).exists()
    visit = _log(leader, plan, D(2026, 11, 3), count=2)
    assert (visit.leader, visit.problems_solved_count, visit.organization_id, visit.township_id) == (
        leader, 2, plan.organization_id, plan.township_id)


@pytest.mark.parametrize("username", ["town_organizer", "county_admin", "village_secretary", "county_leader",
                                      "other_county_admin"])
def test_nobody_else_logs_visits(demo, plan, username):
    with pytest.raises(PermissionDenied):
        _log(demo.users[username], plan, D(2026, 11, 3))
    assert not ContactVisit.objects.filter(plan=plan).exists()


def test_a_contact_leader_of_other_villages_cannot_log_here(demo):
    from organizations.models import Organization

    leader = demo.users["contact_leader"]
    organization = Organization.objects.filter(township=demo.township_b, village__isnull=False).exclude(
        pk__in=ObjectAssignment.objects.filter(user=leader).values("organization_id")).first()
    other_plan = make_rectifying_plan(demo, organization=organization)
    assert not ObjectAssignment.objects.filter(user=leader, organization=other_plan.organization).exists()
    with pytest.raises(PermissionDenied):
        _log(leader, other_plan, D(2026, 11, 3))


@pytest.mark.parametrize("kwargs,field", [
    ({"visited_on": D(2026, 11, 24)}, "visited_on"),
    ({"discussed": "  "}, "discussed"),
    ({"problems_solved_count": -1}, "problems_solved_count"),
    ({"problems_solved_count": 2, "problems_solved": ""}, "problems_solved"),
])
def test_bad_visits_are_refused(demo, plan, kwargs, field):
    data = {"visited_on": D(2026, 11, 3), "discussed": "x", "problems_solved": "y", "problems_solved_count": 1,
            **kwargs}
    with pytest.raises(ValidationError) as excinfo:
        visit_log(user=demo.users["contact_leader"], plan=plan, today=D(2026, 11, 23), **data)
    assert field in excinfo.value.message_dict
    assert not ContactVisit.objects.filter(plan=plan).exists()


def test_visits_this_month_against_the_policy(demo, plan):
    leader = demo.users["contact_leader"]
    _log(leader, plan, D(2026, 10, 30))  # last month: not counted
    _log(leader, plan, D(2026, 11, 1))
    _log(leader, plan, D(2026, 11, 20))
    tally = visits_this_month(demo.users["county_admin"], plan, today=D(2026, 11, 23))
    assert (tally.done, tally.required, tally.short, tally.met) == (2, 3, 1, False)
    org_services.policy_set(user=demo.users["county_admin"], division=demo.township_a,
                            key="contact_visits_per_month", value=2)
    tally = visits_this_month(demo.users["county_admin"], plan, today=D(2026, 11, 23))
    assert (tally.done, tally.required, tally.met) == (2, 2, True)
    assert visits_this_month(demo.users["county_admin"], plan, today=D(2026, 10, 5)).done == 1
    rows = {r.plan.pk: r for r in visits_against_policy(demo.users["contact_leader"], today=D(2026, 11, 23))}
    assert (rows[plan.pk].done, rows[plan.pk].required, rows[plan.pk].can_log) == (2, 2, True)
    # The organizer sees the same count and may enter visits for the village's contact leaders.
    rows = {r.plan.pk: r for r in visits_against_policy(demo.users["town_organizer"], today=D(2026, 11, 23))}
    assert (rows[plan.pk].done, rows[plan.pk].can_log) == (2, True)
    rows = {r.plan.pk: r for r in visits_against_policy(demo.users["village_secretary"], today=D(2026, 11, 23))}
    assert not rows.get(plan.pk) or not rows[plan.pk].can_log
    # Another county sees nothing of it.
    assert plan.pk not in {r.plan.pk for r in visits_against_policy(demo.users["other_county_admin"],
                                                                    today=D(2026, 11, 23))}


def test_visit_pages(demo, plan, login):
    client = login("contact_leader")
    url = reverse("rectification:visit-add", args=[plan.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"visited_on": "2026-11-02", "discussed": "听取整顿进展汇报",
                                 "problems_solved": "落实活动场所资金", "problems_solved_count": "1"})
    assert response.status_code == 302
    visit = ContactVisit.objects.get(plan=plan)
    assert visit.leader == demo.users["contact_leader"]
    listing = client.get(reverse("rectification:visits"))
    assert listing.status_code == 200 and "听取整顿进展汇报" in listing.content.decode()
    bad = client.post(url, {"visited_on": "2099-01-01", "discussed": "x", "problems_solved_count": "0"})
    assert bad.status_code == 400 and ContactVisit.objects.filter(plan=plan).count() == 1
    # Other roles: the form is forbidden (visible plan) or missing (outside the scope); the township organizer
    # gets the form that enters a visit for one of the village's contact leaders.
    assert login("town_organizer").get(url).status_code == 200
    assert login("village_secretary").get(url).status_code in (403, 404)
    assert login("other_county_admin").get(url).status_code == 404
    assert login("other_county_admin").post(url, {"visited_on": "2026-11-02", "discussed": "x"}).status_code == 404
    assert ContactVisit.objects.filter(plan=plan).count() == 1


def test_visits_api(demo, plan, login):
    client = login("contact_leader")
    response = client.post(reverse("contact-visit-list"), {
        "plan": plan.pk, "visited_on": "2026-11-02", "discussed": "座谈", "problems_solved": "",
        "problems_solved_count": 0}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["leader"] == demo.users["contact_leader"].pk
    rows = client.get(reverse("contact-visit-list"), {"plan": plan.pk}).json()["results"]
    assert [r["id"] for r in rows] == [response.json()["id"]]
    organizer = login("town_organizer")
    assert organizer.post(reverse("contact-visit-list"), {
        "plan": plan.pk, "visited_on": "2026-11-02", "discussed": "x"}, content_type="application/json"
    ).status_code == 403
    outsider = login("other_county_admin")
    assert outsider.post(reverse("contact-visit-list"), {
        "plan": plan.pk, "visited_on": "2026-11-02", "discussed": "x"}, content_type="application/json"
    ).status_code in (400, 403)
    assert ContactVisit.objects.filter(plan=plan).count() == 1

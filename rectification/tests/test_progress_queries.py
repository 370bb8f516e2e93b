"""Query counts of the progress area do not grow with the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import ObjectAssignment, Organization
from organizations.scoping import forget_grants
from rectification import services
from rectification.models import Designation

from .progress_support import JPEG, make_rectifying_plan, media_dir, upload

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def plan(demo):
    return make_rectifying_plan(demo)


@pytest.fixture
def media(settings, tmp_path):
    return media_dir(settings, tmp_path)


def grow(demo, plan, count=4):
    """``count`` more plans of township A (in the plan's round) and, on each and the plan, entries with
    evidence, reports and visits."""
    organizer, leader = demo.users["town_organizer"], demo.users["contact_leader"]
    taken = Designation.objects.filter(round=plan.designation.round).values("organization_id")
    organizations = list(Organization.objects.filter(township=demo.township_a, village__isnull=False).exclude(
        pk__in=taken).order_by("division__code")[:count])
    plans = [plan] + [make_rectifying_plan(demo, organization=o) for o in organizations]
    for p in plans:
        ObjectAssignment.objects.get_or_create(user=leader, role="contact_leader", organization=p.organization)
        forget_grants(leader)
        for day in (D(2026, 9, 3), D(2026, 10, 4), D(2026, 11, 5)):
            services.progress_entry_add(user=organizer, plan=p, happened_on=day, content="工作", today=day,
                                        files=[upload("a.jpg", JPEG), upload("b.jpg", JPEG)])
            services.visit_log(user=leader, plan=p, visited_on=day, discussed="座谈", today=day)
        services.reports_ensure(plan=p)
    return plans


def count(client, url, params=None):
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


@pytest.mark.parametrize("username,route,params", [
    ("county_admin", "rectification:reports", {}),
    ("town_organizer", "rectification:reports", {"flag": "missing"}),
    ("contact_leader", "rectification:visits", {}),
    ("town_organizer", "period-report-list", {"page_size": 500}),
    ("town_organizer", "progress-entry-list", {"page_size": 500}),
    ("county_admin", "evidence-file-list", {"page_size": 500}),
    ("county_admin", "contact-visit-list", {"page_size": 500}),
])
def test_list_queries_are_bounded(demo, plan, media, client, username, route, params):
    client.force_login(demo.users[username])
    grow(demo, plan, count=1)
    small = count(client, reverse(route), params)
    assert len(grow(demo, plan, count=4)) == 5
    assert count(client, reverse(route), params) == small


def test_plan_pages_queries_are_bounded(demo, plan, media, client):
    client.force_login(demo.users["town_organizer"])
    services.progress_entry_add(user=demo.users["town_organizer"], plan=plan, happened_on=D(2026, 9, 3),
                                content="x", today=D(2026, 9, 3), files=[upload("a.jpg", JPEG)])
    urls = [reverse("rectification:plan-progress", args=[plan.pk])]
    small = [count(client, url) for url in urls]
    grow(demo, plan, count=0)
    for day in range(1, 20):
        services.progress_entry_add(user=demo.users["town_organizer"], plan=plan, happened_on=D(2026, 11, day),
                                    content="y", today=D(2026, 11, 23), files=[upload("a.jpg", JPEG)])
    assert [count(client, url) for url in urls] == small

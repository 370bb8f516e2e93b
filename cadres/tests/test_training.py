"""Training: events and attendance (services, pages, API by role) and the untrained village secretaries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadres.models import SECRETARY_POSTS, Cadre, TrainingAttendance, TrainingEvent
from cadres.selectors.training import secretary_rows, untrained_secretaries, untrained_summary
from cadres.services.training import (
    attendance_add,
    attendance_add_township_secretaries,
    training_event_create,
)
from organizations.services import policy_set


def township_secretaries(township):
    return list(Cadre.objects.filter(township=township, post__in=SECRETARY_POSTS, post_ended_on__isnull=True,
                                     organization__category__in=["village", "community"]).order_by("pk"))


@pytest.fixture
def roster(demo):
    if not township_secretaries(demo.township_a):
        pytest.skip("the roster demo is not installed")
    return township_secretaries(demo.township_a)


def test_untrained_follow_the_policy(demo, roster):
    admin = demo.users["county_admin"]
    year = 2030  # no training held that year: every secretary is untrained
    rows = secretary_rows(admin, year, township=demo.township_a)
    assert {r.cadre_id for r in rows} == {c.pk for c in roster}
    assert all(r.is_untrained and r.trainings == 0 and r.required == 1 for r in rows)
    policy_set(user=admin, division=demo.township_a, key="secretary_trainings_per_year", value=0)
    assert untrained_secretaries(admin, year, township=demo.township_a) == []
    assert untrained_secretaries(admin, year, township=demo.township_b)  # the county's rule still applies there


def test_a_training_makes_secretaries_trained_and_the_policy_can_ask_for_two(demo, roster):
    organizer = demo.users["town_organizer"]
    event = training_event_create(user=organizer, division=demo.township_a, title="林安镇村书记轮训",
                                  held_on=dt.date(2030, 3, 2), ends_on=dt.date(2030, 3, 3), hours=12)
    made = attendance_add_township_secretaries(user=organizer, event=event, township=demo.township_a)
    assert {a.cadre_id for a in made} == {c.pk for c in roster}
    assert all(a.township_id == demo.township_a.pk for a in made)
    # Adding again changes nothing.
    assert attendance_add_township_secretaries(user=organizer, event=event, township=demo.township_a) == []
    failed = TrainingAttendance.objects.get(event=event, cadre=roster[0])
    failed.passed = False
    failed.save()
    untrained = untrained_secretaries(organizer, 2030)
    assert [r.cadre_id for r in untrained] == [roster[0].pk]
    policy_set(user=demo.users["county_admin"], division=demo.township_a, key="secretary_trainings_per_year", value=2)
    assert len(untrained_secretaries(organizer, 2030)) == len(roster)
    summary = untrained_summary(organizer, 2030)
    assert summary["totals"] == {"secretaries": len(roster), "trained": 0, "untrained": len(roster)}


def test_attendance_is_limited_to_the_writable_scope(demo, roster):
    organizer = demo.users["town_organizer"]
    event = training_event_create(user=organizer, division=demo.township_a, title="培训", held_on=dt.date(2026, 9, 1))
    other = township_secretaries(demo.township_b)[0]
    with pytest.raises(ValidationError):
        attendance_add(user=organizer, event=event, cadres=[other])
    with pytest.raises(PermissionDenied):
        training_event_create(user=organizer, division=demo.county1, title="越级", held_on=dt.date(2026, 9, 1))
    with pytest.raises(PermissionDenied):
        training_event_create(user=demo.users["county_leader"], division=demo.county1, title="只读",
                              held_on=dt.date(2026, 9, 1))
    with pytest.raises(ValidationError):
        training_event_create(user=demo.users["county_admin"], division=demo.county1, title="倒序",
                              held_on=dt.date(2026, 9, 2), ends_on=dt.date(2026, 9, 1))


def test_summary_is_bounded(demo, django_assert_max_num_queries):
    admin = demo.users["county_admin"]
    untrained_summary(admin, 2026)
    with django_assert_max_num_queries(3):
        summary = untrained_summary(admin, 2026)
    assert summary["totals"]["secretaries"] == summary["totals"]["trained"] + summary["totals"]["untrained"]
    assert sum(t["untrained"] for t in summary["townships"]) == summary["totals"]["untrained"]


def test_demo_trainings(demo, roster):
    summary = untrained_summary(demo.users["county_admin"], 2026)
    assert TrainingEvent.objects.filter(division=demo.county1, held_on__year=2026, for_secretaries=True).exists()
    assert 0 < summary["totals"]["untrained"] < summary["totals"]["trained"]


def test_pages_by_role(login, demo, roster):
    county_event = TrainingEvent.objects.filter(division=demo.county1).first()
    client = login("county_leader")
    assert client.get(reverse("cadres:training-list")).status_code == 200
    assert client.get(reverse("cadres:training-add")).status_code == 404
    assert client.get(reverse("cadres:training-detail", args=[county_event.pk])).status_code == 200
    assert client.post(reverse("cadres:training-edit", args=[county_event.pk])).status_code == 403
    assert client.post(reverse("cadres:training-attendance-add", args=[county_event.pk])).status_code == 403
    client = login("other_county_admin")
    assert client.get(reverse("cadres:training-detail", args=[county_event.pk])).status_code == 404
    assert client.post(reverse("cadres:training-attendance-add", args=[county_event.pk])).status_code == 404
    client = login("town_organizer")
    assert client.get(reverse("cadres:training-detail", args=[county_event.pk])).status_code == 404
    response = client.post(reverse("cadres:training-add"), {
        "division": demo.township_a.pk, "title": "林安镇书记培训", "held_on": "2026-10-10", "hours": "6",
        "for_secretaries": "on"})
    assert response.status_code == 302
    event = TrainingEvent.objects.get(title="林安镇书记培训")
    response = client.post(reverse("cadres:training-attendance-add", args=[event.pk]),
                           {"township": demo.township_a.pk, "passed": "on"})
    assert response.status_code == 302
    assert TrainingAttendance.objects.filter(event=event).count() == len(roster)
    response = client.post(reverse("cadres:training-attendance-add", args=[event.pk]),
                           {"cadres": [township_secretaries(demo.township_b)[0].pk]})
    assert response.status_code == 400
    row = TrainingAttendance.objects.filter(event=event).first()
    assert client.post(reverse("cadres:training-attendance-remove", args=[row.pk])).status_code == 302
    response = client.get(reverse("cadres:training-untrained"), {"year": 2026})
    assert response.status_code == 200
    assert {r.township_id for r in response.context["rows"]} <= {demo.township_a.pk}
    response = client.get(reverse("cadres:training-untrained-export"), {"year": 2026})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]


def test_api(login, demo, roster):
    client = login("town_organizer")
    response = client.post("/api/v1/cadres/training-events/", {
        "division": demo.township_a.pk, "title": "接口培训", "held_on": "2026-10-11"}, content_type="application/json")
    assert response.status_code == 201, response.content
    event_id = response.json()["id"]
    response = client.post("/api/v1/cadres/training-attendance/", {"event": event_id, "cadre": roster[0].pk},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    row_id = response.json()["id"]
    response = client.patch(f"/api/v1/cadres/training-attendance/{row_id}/", {"passed": False},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["passed"] is False
    foreign = township_secretaries(demo.township_b)[0]
    response = client.post("/api/v1/cadres/training-attendance/", {"event": event_id, "cadre": foreign.pk},
                           content_type="application/json")
    assert response.status_code == 400
    response = client.get(f"/api/v1/cadres/training-events/{event_id}/secretaries/")
    assert response.status_code == 200
    assert [r["id"] for r in response.json() if r["attending"]] == [roster[0].pk]
    response = client.post(f"/api/v1/cadres/training-events/{event_id}/secretaries/", {
        "township": demo.township_a.pk}, content_type="application/json")
    assert response.status_code == 201 and len(response.json()) == len(roster) - 1
    response = client.get("/api/v1/cadres/untrained-secretaries/", {"year": 2030})
    assert response.status_code == 200 and response.json()["count"] == len(roster)
    county_event = TrainingEvent.objects.filter(division=demo.county1).first()
    assert client.get(f"/api/v1/cadres/training-events/{county_event.pk}/").status_code == 404
    reader = login("county_leader")
    assert reader.post("/api/v1/cadres/training-events/", {
        "division": demo.county1.pk, "title": "x", "held_on": "2026-10-11"},
        content_type="application/json").status_code == 403
    assert reader.delete(f"/api/v1/cadres/training-events/{county_event.pk}/").status_code == 403

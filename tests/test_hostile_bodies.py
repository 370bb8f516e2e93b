"""Hostile values in API request bodies: a 400 with a message, never a server error.

One test per root cause the write fuzzer (tests/test_api_fuzz.py) found; the caller is the demo county admin.
"""

from __future__ import annotations

import pytest

from organizations.dates import LATEST

OUT_OF_RANGE = ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"]


def _first(client, url):
    return client.get(url, {"page_size": 1}).json()["results"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("day", OUT_OF_RANGE)
def test_a_first_secretary_term_beyond_the_calendar_is_a_400(login, day):
    """The default term end is term start + the policy's months: 9999-12-31 overflowed (a 500)."""
    client = login("county_admin")
    client.raise_request_exception = False
    secretary = _first(client, "/api/v1/cadres/first-secretaries/")
    body = {key: secretary[key] for key in ("organization", "name", "sex", "dispatching_unit")}
    response = client.post("/api/v1/cadres/first-secretaries/", {**body, "term_start": day},
                           content_type="application/json")
    assert response.status_code == 400, response.content
    assert "term_start" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("field, day", [("term_end", "9999-12-31"), ("term_start", "0001-01-01")])
def test_model_dates_in_any_serializer_are_range_checked(login, field, day):
    client = login("county_admin")
    client.raise_request_exception = False
    secretary = _first(client, "/api/v1/cadres/first-secretaries/")
    response = client.patch(f"/api/v1/cadres/first-secretaries/{secretary['id']}/", {field: day},
                            content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.django_db
def test_the_last_day_of_the_range_is_accepted(login):
    client = login("county_admin")
    secretary = _first(client, "/api/v1/cadres/first-secretaries/")
    response = client.patch(f"/api/v1/cadres/first-secretaries/{secretary['id']}/",
                            {"term_end": LATEST.isoformat()}, content_type="application/json")
    assert response.status_code == 200, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("final", [{"abc": 1}, {"-1": 1}, {"99999999999999999999": 1}, {"": 1}])
def test_member_sheet_final_stars_keyed_by_what_is_not_an_id_is_a_400(login, demo, final):
    """``final`` maps member ids to stars: a key that is not an id failed in the service's ``int()`` (a 500)."""
    client = login("county_admin")
    client.raise_request_exception = False
    organization = demo.org_in(demo.county1)
    response = client.post(f"/api/v1/evaluations/member-sheets/{organization.pk}/finalize/",
                           {"year": 2026, "final": final}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "final" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("aspect_stars", [["political"], "x", {"political": "x"}, {"political": 1.5},
                                          {"political": 99999999999999999999}, {"political": True}])
def test_stars_per_aspect_that_are_not_stars_are_a_400(login, aspect_stars):
    """The service read ``aspect_stars.get(...)`` and ``int(...)``: a list or a word failed there (a 500)."""
    from evaluations.models import AssessmentStatus, MemberAssessment, PartyMember
    from organizations.models import User

    client = login("county_admin")
    client.raise_request_exception = False
    settled = MemberAssessment.objects.filter(
        year=2026, status__in=[AssessmentStatus.PUBLIC_NOTICE, AssessmentStatus.FINAL]).values("member")
    member = (PartyMember.objects.visible_to(User.objects.get(username="county_admin"))
              .filter(exempt=False).exclude(pk__in=settled).order_by("pk").first())
    assert member is not None
    response = client.post("/api/v1/evaluations/member-assessments/",
                           {"member": member.pk, "year": 2026, "aspect_stars": aspect_stars},
                           content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert "aspect_stars" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_web_forms_refuse_dates_beyond_the_range_with_a_field_error(login, demo, day):
    """The pages' write path (``organizations.web.base.submit``) checks every date input like the API: a first
    secretary stationed from 9999-12-31 through the page overflowed the default term end (a 500)."""
    from django.urls import reverse

    from organizations.models import Organization

    village = Organization.objects.filter(township_id=demo.township_a.pk, village__isnull=False).order_by(
        "division__code").first()
    client = login("county_admin")
    client.raise_request_exception = False
    response = client.post(reverse("cadres:first-secretary-add", args=[village.pk]), {
        "name": "越界书记", "dispatching_unit": "县委办", "term_start": day, "days_in_village": 0})
    assert response.status_code == 400
    assert "term_start" in response.context["form"].errors

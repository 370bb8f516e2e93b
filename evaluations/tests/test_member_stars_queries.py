"""Query counts of the star management pages do not grow with the members and ratings shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import AssessmentKind, MemberCategory, MemberCommitment, PartyMember
from evaluations.services import members as services

pytestmark = pytest.mark.django_db


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_pages_do_not_grow_with_members(demo, login):
    organization = demo.org_in(demo.village_a)
    client = login("village_secretary")
    pages = [
        (reverse("evaluations:organization-members", args=[organization.pk]), {}),
        (reverse("evaluations:assessment-sheet", args=[organization.pk]), {"year": 2025}),
        (reverse("evaluations:assessment-sheet", args=[organization.pk]), {"year": 2026, "kind": "half_year"}),
        (reverse("evaluations:commitment-board", args=[organization.pk]), {"year": 2026}),
        (reverse("evaluations:member-list"), {}),
        (reverse("evaluations:rating-list"), {}),
        (reverse("evaluations:screening"), {}),
    ]
    before = [_count(client, url, params) for url, params in pages]
    organizer = demo.users["town_organizer"]
    for i in range(15):
        member = services.member_create(user=organizer, organization=organization, name=f"加测{i}",
                                        category=MemberCategory.IN_VILLAGE)
        services.commitment_save(user=organizer, member=member, year=2026, goals={"political": 2})
        services.assessment_record(user=organizer, member=member, year=2026, kind=AssessmentKind.HALF_YEAR,
                                   self_stars=5, preliminary_stars=5)
    assert PartyMember.objects.filter(organization=organization).count() > 30
    assert MemberCommitment.objects.filter(organization=organization, year=2026).count() > 30
    after = [_count(client, url, params) for url, params in pages]
    assert after == before
    assert max(after) <= 30

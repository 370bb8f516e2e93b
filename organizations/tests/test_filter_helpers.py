"""The kernel's filter helpers: one text search and one organization search for every app's filter sets."""

from __future__ import annotations

from django.db.models import Q

from organizations.filters import organization_search, text_search
from organizations.models import Division, ObjectAssignment


def test_text_search_matches_any_field_and_an_empty_box_filters_nothing(demo):
    search = text_search("name", "code__startswith")
    divisions = Division.objects.all()
    assert search(None, divisions, "q", "  ").count() == divisions.count()
    by_name = search(None, divisions, "q", demo.township_a.name)
    assert demo.township_a in by_name
    by_code = search(None, divisions, "q", demo.township_a.code[:9])
    assert set(by_code) == set(Division.objects.filter(code__startswith=demo.township_a.code[:9]))
    assert not search(None, divisions, "q", demo.township_a.code[3:9]).exists()  # startswith, not contains


def test_organization_search_finds_rows_by_their_organization_or_its_division(demo):
    assignments = ObjectAssignment.objects.all()
    assert assignments.exists()
    target = assignments.select_related("organization__division").first()
    by_division = organization_search("")(None, assignments, "q", target.organization.division.name)
    assert target in by_division
    assert set(by_division) == set(assignments.filter(
        Q(organization__name__icontains=target.organization.division.name)
        | Q(organization__division__name__icontains=target.organization.division.name)))

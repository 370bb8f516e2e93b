"""Filters of the tree: the organization list page, its export and the API share one definition."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Division, Organization, OrganizationCategory, OrganizationType
from ..roles import Level
from .base import BoundedFilterSet, ScopedFilterSet, text_search, visible_counties, visible_townships


class OrganizationFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county",
                                              queryset=visible_counties, empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=OrganizationCategory.choices,
                                          empty_label=_("All"))
    org_type = django_filters.ChoiceFilter(label=_("Organization type"), choices=OrganizationType.choices,
                                          empty_label=_("All"))
    division_code = django_filters.CharFilter(label=_("Division code starts with"), field_name="division__code",
                                              lookup_expr="startswith")

    class Meta:
        model = Organization
        fields = ["q", "county", "township", "category", "org_type", "division_code"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(secretary_name__icontains=value) | Q(division__name__icontains=value)
            | Q(division__code__startswith=value)
        )


class DivisionFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All"))
    parent = django_filters.NumberFilter(label=_("Parent division"), field_name="parent_id")
    code = django_filters.CharFilter(label=_("Code starts with"), field_name="code", lookup_expr="startswith")

    class Meta:
        model = Division
        fields = ["q", "level", "parent", "code"]

    filter_search = text_search("name", "code__startswith")

"""Filters of star management: the rating and member lists, their exports, the screening page and the API.

County, township and organization choices are the user's scope (``organizations.filters``); above county
level the township list is narrowed to the chosen county (``ScopedFilterSet``).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from organizations.filters import (
    BooleanWidget,
    BoundedFilterSet,
    ScopedFilterSet,
    organization_search,
    text_search,
    visible_counties,
    visible_organizations,
    visible_townships,
)

from ..models import (
    AssessmentKind,
    AssessmentStatus,
    ContactHousehold,
    MemberAssessment,
    MemberBulletin,
    MemberCategory,
    MemberCommitment,
    OrganizationRating,
    PartyMember,
    RatingStep,
)

STAR_CHOICES = [(str(s), str(s)) for s in range(5, -1, -1)]


class RatingFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    year = django_filters.NumberFilter(label=_("Year"))
    step = django_filters.ChoiceFilter(label=_("Step"), choices=RatingStep.choices, empty_label=_("All"))
    stars = django_filters.ChoiceFilter(label=_("Stars"), choices=STAR_CHOICES, empty_label=_("All"))
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties,
                                              empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(label=_("Party organization"), field_name="organization",
                                                    queryset=visible_organizations,
                                                    widget=django_filters.widgets.forms.HiddenInput)

    class Meta:
        model = OrganizationRating
        fields = ["q", "year", "step", "stars", "county", "township", "organization"]

    filter_q = organization_search()


class ScreeningFilter(ScopedFilterSet):
    """The screening-candidates page and its export (applied by the selector): county, township and search."""

    q = django_filters.CharFilter(label=_("Search"))
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties,
                                              empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), queryset=visible_townships,
                                                empty_label=_("All"))

    class Meta:
        model = OrganizationRating
        fields = ["q", "county", "township"]


class MemberFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties,
                                              empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(label=_("Party organization"), field_name="organization",
                                                    queryset=visible_organizations, empty_label=_("All"))
    category = django_filters.ChoiceFilter(label=_("Member category"), choices=MemberCategory.choices,
                                           empty_label=_("All"))
    exempt = django_filters.BooleanFilter(label=_("Exempt from rating"), widget=BooleanWidget)

    class Meta:
        model = PartyMember
        fields = ["q", "county", "township", "organization", "category", "exempt"]

    filter_q = text_search("name", "organization__name")


class _ByOrganization(BoundedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    township = django_filters.ModelChoiceFilter(field_name="township", queryset=visible_townships)
    organization = django_filters.NumberFilter(field_name="organization_id")

    filter_q = organization_search()


class HouseholdFilter(_ByOrganization):
    member = django_filters.NumberFilter(field_name="member_id")

    class Meta:
        model = ContactHousehold
        fields = ["q", "township", "organization", "member"]


class CommitmentFilter(_ByOrganization):
    member = django_filters.NumberFilter(field_name="member_id")
    year = django_filters.NumberFilter()
    published = django_filters.BooleanFilter()

    class Meta:
        model = MemberCommitment
        fields = ["q", "township", "organization", "member", "year", "published"]


class BulletinFilter(_ByOrganization):
    year = django_filters.NumberFilter()
    quarter = django_filters.NumberFilter()

    class Meta:
        model = MemberBulletin
        fields = ["q", "township", "organization", "year", "quarter"]


class AssessmentFilter(_ByOrganization):
    member = django_filters.NumberFilter(field_name="member_id")
    year = django_filters.NumberFilter()
    kind = django_filters.ChoiceFilter(choices=AssessmentKind.choices)
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices)
    min_stars = django_filters.NumberFilter(field_name="final_stars", lookup_expr="gte")

    class Meta:
        model = MemberAssessment
        fields = ["q", "township", "organization", "member", "year", "kind", "status", "min_stars"]

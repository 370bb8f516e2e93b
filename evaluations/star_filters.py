"""Filters of star management pages, exports and API (township choices limited to the user's scope)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Division, Organization
from organizations.roles import Level
from rectification.filters import BooleanWidget

from .models import (
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


def _visible_townships(request):
    if request is None:
        return Division.objects.none()
    return Division.objects.visible_to(request.user).filter(level=Level.TOWNSHIP).order_by("code")


def _visible_organizations(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user)


def _search(prefix: str = ""):
    def method(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(**{f"{prefix}organization__name__icontains": value})
                               | Q(**{f"{prefix}organization__division__name__icontains": value}))

    return method


class RatingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    year = django_filters.NumberFilter(label=_("Year"))
    step = django_filters.ChoiceFilter(label=_("Step"), choices=RatingStep.choices, empty_label=_("All"))
    stars = django_filters.ChoiceFilter(label=_("Stars"), choices=STAR_CHOICES, empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=_visible_townships, empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(label=_("Party organization"), field_name="organization",
                                                    queryset=_visible_organizations,
                                                    widget=django_filters.widgets.forms.HiddenInput)

    class Meta:
        model = OrganizationRating
        fields = ["q", "year", "step", "stars", "township", "organization"]

    filter_q = _search()


class ScreeningFilter(django_filters.FilterSet):
    """The screening-candidates page (applied by the selector): township and search."""

    q = django_filters.CharFilter(label=_("Search"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), queryset=_visible_townships,
                                                empty_label=_("All"))

    class Meta:
        model = OrganizationRating
        fields = ["q", "township"]


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=_visible_townships, empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(label=_("Party organization"), field_name="organization",
                                                    queryset=_visible_organizations, empty_label=_("All"))
    category = django_filters.ChoiceFilter(label=_("Member category"), choices=MemberCategory.choices,
                                           empty_label=_("All"))
    exempt = django_filters.BooleanFilter(label=_("Exempt from rating"), widget=BooleanWidget)

    class Meta:
        model = PartyMember
        fields = ["q", "township", "organization", "category", "exempt"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(organization__name__icontains=value))


class _ByOrganization(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    township = django_filters.ModelChoiceFilter(field_name="township", queryset=_visible_townships)
    organization = django_filters.NumberFilter(field_name="organization_id")

    filter_q = _search()


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

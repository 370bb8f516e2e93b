"""Filters of the recognition lists, their exports and the API (choices from the user's scope)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from organizations.filters import (
    BooleanWidget,
    ScopedFilterSet,
    organization_search,
    text_search,
    visible_counties,
    visible_organizations,
    visible_townships,
)

from ..models import (
    Commendation,
    CommendationList,
    CommendationListStatus,
    CommendationOccasion,
    Exemplar,
    ExemplarKind,
    ExemplarStatus,
    MemberPlaque,
)


class ExemplarFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    year = django_filters.NumberFilter(label=_("Year"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ExemplarKind.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ExemplarStatus.choices, empty_label=_("All"))
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties,
                                              empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(label=_("Party organization"), field_name="organization",
                                                    queryset=visible_organizations,
                                                    widget=django_filters.widgets.forms.HiddenInput)

    class Meta:
        model = Exemplar
        fields = ["q", "year", "kind", "status", "county", "township", "organization"]

    filter_q = text_search("title", "subject", "organization__name", "organization__division__name")


class CommendationListFilter(ScopedFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    occasion = django_filters.ChoiceFilter(label=_("Occasion"), choices=CommendationOccasion.choices,
                                           empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CommendationListStatus.choices,
                                         empty_label=_("All"))

    class Meta:
        model = CommendationList
        fields = ["year", "occasion", "status"]


class CommendationFilter(ScopedFilterSet):
    """The API's commended members: by list, organization, inclusion."""

    commendation_list = django_filters.NumberFilter(label=_("Commendation list"))
    organization = django_filters.ModelChoiceFilter(label=_("Party organization"), field_name="organization",
                                                    queryset=visible_organizations)
    included = django_filters.BooleanFilter(label=_("Commended"), widget=BooleanWidget)

    class Meta:
        model = Commendation
        fields = ["commendation_list", "organization", "included"]


class PlaqueFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    hung = django_filters.BooleanFilter(label=_("Plaque hung"), field_name="removed_on", lookup_expr="isnull",
                                        widget=BooleanWidget)
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties,
                                              empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(label=_("Party organization"), field_name="organization",
                                                    queryset=visible_organizations, empty_label=_("All"))

    class Meta:
        model = MemberPlaque
        fields = ["q", "hung", "county", "township", "organization"]

    filter_q = organization_search()

"""Filters of the satisfaction evaluations: shared by the list page, its Excel export and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from organizations.filters import (
    BoundedFilterSet,
    ScopedFilterSet,
    text_search,
    visible_counties,
    visible_townships,
)

from ..models import Ballot, Choice, Decision, Evaluation, EvaluationStatus, VoterGroup, VoterGroupKind

DECISION_CHOICES = [c for c in Decision.choices if c[0]]


class EvaluationFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EvaluationStatus.choices, empty_label=_("All"))
    decision = django_filters.ChoiceFilter(label=_("Decision"), choices=DECISION_CHOICES, empty_label=_("All"))
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county",
                                              queryset=visible_counties, empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    year = django_filters.NumberFilter(label=_("Year"), field_name="held_on", lookup_expr="year")

    class Meta:
        model = Evaluation
        fields = ["q", "status", "decision", "county", "township", "year"]

    filter_search = text_search("organization__name", "organization__division__name", "title")


class VoterGroupFilter(BoundedFilterSet):
    evaluation = django_filters.NumberFilter(label=_("Evaluation"), field_name="evaluation_id")
    kind = django_filters.ChoiceFilter(label=_("Voter group"), choices=VoterGroupKind.choices)

    class Meta:
        model = VoterGroup
        fields = ["evaluation", "kind"]


class BallotFilter(BoundedFilterSet):
    evaluation = django_filters.NumberFilter(label=_("Evaluation"), field_name="evaluation_id")
    group = django_filters.NumberFilter(label=_("Voter group"), field_name="group_id")
    choice = django_filters.ChoiceFilter(label=_("Choice"), choices=Choice.choices)

    class Meta:
        model = Ballot
        fields = ["evaluation", "group", "choice"]

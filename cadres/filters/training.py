"""Filters of training: the event list page and API, attendance (API), and the form of the untrained page.

Choices are the user's scope (``organizations.filters``); above county level the township list is
narrowed to the chosen county (``ScopedFilterSet``, ``CountyTownshipForm``).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.filters import (
    BooleanWidget,
    BoundedFilterSet,
    ScopedFilterSet,
    text_search,
    visible_counties,
    visible_townships,
)

from ..models import TrainingAttendance, TrainingEvent
from .scope import CountyTownshipForm


class TrainingEventFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    year = django_filters.NumberFilter(label=_("Year"), field_name="held_on", lookup_expr="year")
    for_secretaries = django_filters.BooleanFilter(label=_("Rotation training of village secretaries"),
                                                  widget=BooleanWidget)

    class Meta:
        model = TrainingEvent
        fields = ["q", "year", "for_secretaries"]

    filter_q = text_search("title", "organizer", "location", "division__name")


class TrainingAttendanceFilter(ScopedFilterSet):
    event = django_filters.NumberFilter(field_name="event_id", label=_("Training"))
    cadre = django_filters.NumberFilter(field_name="cadre_id", label=_("Cadre"))
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties)
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships)
    year = django_filters.NumberFilter(label=_("Year"), field_name="event__held_on", lookup_expr="year")
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = TrainingAttendance
        fields = ["event", "cadre", "county", "township", "passed", "year", "q"]

    filter_q = text_search("name", "organization__name")


class YearForm(CountyTownshipForm):
    """Year and scope of the untrained-secretaries page and its export."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    field_order = ["year", "county", "township", "q"]

    def year_value(self) -> int:
        """The chosen year (of a validated form), else this year."""
        return getattr(self, "cleaned_data", {}).get("year") or timezone.localdate().year

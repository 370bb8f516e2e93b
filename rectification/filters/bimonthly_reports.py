"""Filters of the bimonthly progress reports (page and API): period, level, county."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from organizations.filters import BoundedFilterSet, visible_counties
from organizations.roles import Level

from ..models import SummaryReport

LEVEL_CHOICES = [(Level.COUNTY.value, Level.COUNTY.label), (Level.TOWNSHIP.value, Level.TOWNSHIP.label)]


class SummaryReportFilter(BoundedFilterSet):
    period = django_filters.DateFilter(field_name="period_start", label=_("Period starting"))
    year = django_filters.NumberFilter(field_name="period_start__year", label=_("Year"))
    level = django_filters.ChoiceFilter(field_name="division__level", choices=LEVEL_CHOICES, label=_("Level"))
    county = django_filters.ModelChoiceFilter(field_name="county", queryset=visible_counties, label=_("County"))

    class Meta:
        model = SummaryReport
        fields = ["period", "year", "level", "county"]

"""Filters of the escalations (page, export and API): open or resolved, rung, cause, township, past deadline."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.filters import BoundedFilterSet, visible_counties, visible_townships
from organizations.filters.base import BooleanWidget

from ..models import Cause, Escalation, Rung

STATE_CHOICES = [("open", _("Open")), ("listed", _("Listed for supervision (挂牌督办)")), ("resolved", _("Resolved"))]


class EscalationFilter(BoundedFilterSet):
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, method="filter_state", label=_("State"),
                                        empty_label=_("All"))
    rung = django_filters.ChoiceFilter(choices=Rung.choices, label=_("Rung"), empty_label=_("All"))
    cause = django_filters.ChoiceFilter(choices=Cause.choices, label=_("Cause"), empty_label=_("All"))
    county = django_filters.ModelChoiceFilter(field_name="county", queryset=visible_counties, label=_("County"))
    township = django_filters.ModelChoiceFilter(field_name="township", queryset=visible_townships,
                                                label=_("Township"))
    past_deadline = django_filters.BooleanFilter(method="filter_past_deadline", label=_("Past its deadline"),
                                               widget=BooleanWidget)

    class Meta:
        model = Escalation
        fields = ["state", "rung", "cause", "county", "township", "past_deadline"]

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(resolved_on__isnull=True)
        if value == "listed":
            return queryset.filter(resolved_on__isnull=True).exclude(rung=Rung.REMINDER)
        if value == "resolved":
            return queryset.filter(resolved_on__isnull=False)
        return queryset

    def filter_past_deadline(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"resolved_on__isnull": True, "deadline__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)

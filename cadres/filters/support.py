"""Filters of the support pages, their exports and the API: first secretaries, contact leaders, helping
units, pairings, "four ones" coverage.

County and township choices are the user's scope (``organizations.filters``: a foreign id is invalid);
above county level the township list is narrowed to the chosen county (``ScopedFilterSet``).
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.filters import (
    BoundedFilterSet,
    ScopedFilterSet,
    organization_search,
    text_search,
    visible_counties,
    visible_townships,
)
from rectification.models import Designation

from ..models import ContactLeader, FirstSecretary, HelpingUnit, Pairing, UnitKind
from ..selectors import support as selectors

STATE_CHOICES = [(selectors.SERVING, _("Serving")), (selectors.UPCOMING, _("Not yet started")),
                 (selectors.ENDED, _("Term ended")), (selectors.RECALLED, _("Recalled / ended")),
                 ("current", _("Serving or not yet started"))]


def _today(filterset) -> dt.date:
    return getattr(filterset, "today", None) or timezone.localdate()


class FirstSecretaryFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    search = django_filters.CharFilter(label=_("Search"), method="filter_q")
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county",
                                              queryset=visible_counties, empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    dispatching_unit = django_filters.CharFilter(label=_("Dispatching unit"), field_name="dispatching_unit",
                                                 lookup_expr="icontains")
    state = django_filters.ChoiceFilter(label=_("Status"), choices=STATE_CHOICES, method="filter_state",
                                        empty_label=_("All"))
    expiring = django_filters.NumberFilter(label=_("Term ends within (days)"), method="filter_expiring",
                                           min_value=0, max_value=3650)

    class Meta:
        model = FirstSecretary
        fields = ["q", "county", "township", "dispatching_unit", "state", "expiring"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(organization__name__icontains=value)
                               | Q(organization__division__name__icontains=value)
                               | Q(dispatching_unit__icontains=value)).distinct()

    def filter_state(self, queryset, name, value):
        today = _today(self)
        if value == selectors.SERVING:
            return queryset.filter(selectors.serving_q(today))
        if value == selectors.UPCOMING:
            return queryset.filter(recalled_on__isnull=True, term_start__gt=today)
        if value == selectors.ENDED:
            return queryset.filter(recalled_on__isnull=True, term_end__lt=today)
        if value == selectors.RECALLED:
            return queryset.filter(recalled_on__isnull=False)
        if value == "current":
            return queryset.filter(recalled_on__isnull=True, term_end__gte=today)
        return queryset

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(selectors.expiring_q(_today(self), int(value)))


class ContactLeaderFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    search = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = ContactLeader
        fields = ["q"]

    filter_q = text_search("name", "post")


class HelpingUnitFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    search = django_filters.CharFilter(label=_("Search"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices, empty_label=_("All"))

    class Meta:
        model = HelpingUnit
        fields = ["q", "kind"]

    filter_q = text_search("name", "contact_name")


PAIRING_KIND_CHOICES = [("contact_leader", _("Contact leaders")), ("helping_unit", _("Helping units"))]
PAIRING_STATE_CHOICES = [("running", _("Running")), ("ended", _("Ended"))]


class PairingFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    search = django_filters.CharFilter(label=_("Search"), method="filter_q")
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county",
                                              queryset=visible_counties, empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Paired with"), choices=PAIRING_KIND_CHOICES, method="filter_kind",
                                       empty_label=_("All"))
    state = django_filters.ChoiceFilter(label=_("Status"), choices=PAIRING_STATE_CHOICES, method="filter_state",
                                        empty_label=_("All"))
    contact_leader = django_filters.NumberFilter(label=_("Contact leader"), field_name="contact_leader_id")
    helping_unit = django_filters.NumberFilter(label=_("Helping unit"), field_name="helping_unit_id")

    class Meta:
        model = Pairing
        fields = ["q", "county", "township", "kind", "state", "contact_leader", "helping_unit"]

    filter_q = organization_search()

    def filter_kind(self, queryset, name, value):
        if value == "contact_leader":
            return queryset.filter(contact_leader__isnull=False)
        if value == "helping_unit":
            return queryset.filter(helping_unit__isnull=False)
        return queryset

    def filter_state(self, queryset, name, value):
        if value == "running":
            return queryset.filter(ended_on__isnull=True)
        if value == "ended":
            return queryset.filter(ended_on__isnull=False)
        return queryset


class CoverageFilter(ScopedFilterSet):
    """Weak organizations of the current rounds; ``missing`` picks those lacking one of the "four ones"."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county",
                                              queryset=visible_counties, empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    missing = django_filters.ChoiceFilter(label=pgettext_lazy("four ones", "Missing"), choices=selectors.MISSING_CHOICES,
                                          method="filter_missing", empty_label=_("All"))

    class Meta:
        model = Designation
        fields = ["q", "county", "township", "missing"]

    filter_q = organization_search()

    def filter_missing(self, queryset, name, value):
        return selectors.coverage_filter(queryset, value)

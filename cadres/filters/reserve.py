"""Filters of the reserve cadre pool (list page, export and API) and the form of the shortfall page.

Choices are the user's scope (``organizations.filters``); above county level the township list is
narrowed to the chosen county (``ScopedFilterSet``, ``CountyTownshipForm``).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.filters import ScopedFilterSet, text_search, visible_counties, visible_townships
from organizations.models import Organization

from ..models import ReserveCadre, ReserveReview, ReserveStatus, ReserveType, Track
from ..selectors.reserve import ABOVE_MAX, NO_STUDENT, POOL_CATEGORIES, SHORT
from .scope import CountyTownshipForm


def visible_villages(request):
    """Village and community organizations in the user's scope (the ones that keep a reserve pool)."""
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user).filter(category__in=POOL_CATEGORIES).order_by(
        "division__code", "name")


class ReserveCadreFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county",
                                              queryset=visible_counties, empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(label=_("Village"), field_name="organization",
                                                    queryset=visible_villages, empty_label=_("All"))
    reserve_type = django_filters.ChoiceFilter(label=_("Type"), choices=ReserveType.choices, empty_label=_("All"))
    track = django_filters.ChoiceFilter(label=_("Development track"), choices=Track.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReserveStatus.choices, empty_label=_("All"))

    class Meta:
        model = ReserveCadre
        fields = ["q", "county", "township", "organization", "reserve_type", "track", "status"]

    filter_q = text_search("name", "organization__name", "mentor", "current_post")


class ReserveReviewFilter(ScopedFilterSet):
    reserve = django_filters.NumberFilter(field_name="reserve_id", label=_("Reserve cadre"))
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties)
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships)
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = ReserveReview
        fields = ["reserve", "year", "county", "township", "result", "q"]

    filter_q = text_search("reserve__name", "organization__name")


FLAG_CHOICES = [(SHORT, _("Below the minimum")), (ABOVE_MAX, _("Above the maximum")),
                (NO_STUDENT, _("No university-student village official"))]


class ShortfallForm(CountyTownshipForm):
    """Filters of the shortfall page (rows are computed, not a queryset)."""

    flag = forms.ChoiceField(label=_("Show"), choices=FLAG_CHOICES + [("all", _("All villages"))], required=False)

    field_order = ["county", "township", "flag", "q"]

    def flag_value(self) -> str | None:
        flag = self.cleaned_data.get("flag") or SHORT
        return None if flag == "all" else flag

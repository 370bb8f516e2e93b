"""Filters of the reserve pool and training (pages and API); choices limited to the user's scope."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Division, Organization
from organizations.roles import Level

from .models import (
    ReserveCadre,
    ReserveReview,
    ReserveStatus,
    ReserveType,
    Track,
    TrainingAttendance,
    TrainingEvent,
)
from .selectors.reserve import ABOVE_MAX, NO_STUDENT, POOL_CATEGORIES, SHORT


def _user(request):
    return getattr(request, "user", None)


def visible_townships(request):
    if request is None:
        return Division.objects.none()
    return Division.objects.visible_to(request.user).filter(level=Level.TOWNSHIP).order_by("code")


def visible_counties(request):
    if request is None:
        return Division.objects.none()
    return Division.objects.visible_to(request.user).filter(level=Level.COUNTY).order_by("code")


def visible_villages(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user).filter(category__in=POOL_CATEGORIES).order_by(
        "division__code", "name")


class ReserveCadreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(label=_("Village"), field_name="organization",
                                                    queryset=visible_villages, empty_label=_("All"))
    reserve_type = django_filters.ChoiceFilter(label=_("Type"), choices=ReserveType.choices, empty_label=_("All"))
    track = django_filters.ChoiceFilter(label=_("Development track"), choices=Track.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReserveStatus.choices, empty_label=_("All"))

    class Meta:
        model = ReserveCadre
        fields = ["q", "township", "organization", "reserve_type", "track", "status"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(organization__name__icontains=value)
                               | Q(mentor__icontains=value) | Q(current_post__icontains=value))


class ReserveReviewFilter(django_filters.FilterSet):
    reserve = django_filters.NumberFilter(field_name="reserve_id", label=_("Reserve cadre"))
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships)
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = ReserveReview
        fields = ["reserve", "year", "township", "result", "q"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(reserve__name__icontains=value) | Q(organization__name__icontains=value))


class TrainingEventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    year = django_filters.NumberFilter(label=_("Year"), field_name="held_on", lookup_expr="year")
    for_secretaries = django_filters.BooleanFilter(label=_("Rotation training of village secretaries"))

    class Meta:
        model = TrainingEvent
        fields = ["q", "year", "for_secretaries"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(organizer__icontains=value)
                               | Q(location__icontains=value) | Q(division__name__icontains=value))


class TrainingAttendanceFilter(django_filters.FilterSet):
    event = django_filters.NumberFilter(field_name="event_id", label=_("Training"))
    cadre = django_filters.NumberFilter(field_name="cadre_id", label=_("Cadre"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships)
    year = django_filters.NumberFilter(label=_("Year"), field_name="event__held_on", lookup_expr="year")
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = TrainingAttendance
        fields = ["event", "cadre", "township", "passed", "year", "q"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(organization__name__icontains=value))


FLAG_CHOICES = [(SHORT, _("Below the minimum")), (ABOVE_MAX, _("Above the maximum")),
                (NO_STUDENT, _("No university-student village official"))]


class ShortfallForm(forms.Form):
    """Filters of the shortfall page and endpoint (rows are computed, not a queryset)."""

    county = forms.ModelChoiceField(label=_("County"), queryset=Division.objects.none(), required=False,
                                    empty_label=_("All"))
    township = forms.ModelChoiceField(label=_("Township"), queryset=Division.objects.none(), required=False,
                                      empty_label=_("All"))
    flag = forms.ChoiceField(label=_("Show"), choices=FLAG_CHOICES + [("all", _("All villages"))], required=False)
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = visible_counties(request)
        self.fields["township"].queryset = visible_townships(request)

    def flag_value(self) -> str | None:
        flag = self.cleaned_data.get("flag") or SHORT
        return None if flag == "all" else flag


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    county = forms.ModelChoiceField(label=_("County"), queryset=Division.objects.none(), required=False,
                                    empty_label=_("All"))
    township = forms.ModelChoiceField(label=_("Township"), queryset=Division.objects.none(), required=False,
                                      empty_label=_("All"))
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = visible_counties(request)
        self.fields["township"].queryset = visible_townships(request)

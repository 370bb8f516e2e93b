"""Filters of the progress area: the report-flags page (over plans) and the reports API (over report rows)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.filters import (
    BooleanWidget,
    BoundedFilterSet,
    ScopedFilterSet,
    organization_search,
    visible_counties,
    visible_townships,
)

from ..models import (
    ContactVisit,
    Designation,
    EvidenceFile,
    PeriodReport,
    Plan,
    ProgressEntry,
    ReportStatus,
    Round,
)

FLAG_CHOICES = [("missing", pgettext_lazy("report", "Missing")), ("late", _("Submitted late")), ("on_time", _("Submitted on time")),
                ("open", _("Not yet due"))]

REPORT_VIEW_CHOICES = [("to_submit", _("To submit (period ended)")), *FLAG_CHOICES[:2],
                       ("late_or_missing", _("Late or missing")), *FLAG_CHOICES[2:], ("all", _("All periods"))]


def _visible_rounds(request):
    """Rounds of the designations the user sees (a township's users see no Round row by themselves)."""
    if request is None:
        return Round.objects.none()
    return Round.objects.filter(pk__in=Designation.objects.visible_to(request.user).values("round_id")).order_by(
        "-year", "county__code")


class ReportPlanFilter(ScopedFilterSet):
    """The report-flags page: narrows the plans; ``flag`` is applied by the selector."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties,
                                              empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    round = django_filters.ModelChoiceFilter(label=_("Rectification round"), field_name="designation__round",
                                             queryset=_visible_rounds, empty_label=_("All"))
    # The reports page's views (rectification.selectors.report_list.VIEWS), applied by the selector.
    flag = django_filters.ChoiceFilter(label=_("Reports to show"), choices=REPORT_VIEW_CHOICES,
                                       empty_label=_("This period's reports"), method="filter_noop")

    class Meta:
        model = Plan
        fields = ["q", "county", "township", "round", "flag"]

    filter_q = organization_search("")

    def filter_noop(self, queryset, name, value):
        return queryset


class PeriodReportFilter(ScopedFilterSet):
    """The reports API. ``missing``: a draft past its due date (the daily job drafts every expected period)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    plan = django_filters.NumberFilter(field_name="plan_id")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    township = django_filters.ModelChoiceFilter(field_name="township", queryset=visible_townships)
    county = django_filters.ModelChoiceFilter(field_name="county", queryset=visible_counties)
    round = django_filters.ModelChoiceFilter(field_name="plan__designation__round", queryset=_visible_rounds)
    late = django_filters.BooleanFilter(method="filter_late", label=_("Submitted after the due date"))
    missing = django_filters.BooleanFilter(method="filter_missing", label=_("Past due and not submitted"))
    period_start = django_filters.DateFilter()

    class Meta:
        model = PeriodReport
        fields = ["q", "plan", "status", "township", "county", "round", "late", "missing", "period_start"]

    filter_q = organization_search("")

    def filter_late(self, queryset, name, value):
        from django.db.models import F
        from django.db.models.functions import TruncDate

        late = Q(status=ReportStatus.SUBMITTED) & Q(submitted_date__gt=F("due_on"))
        queryset = queryset.annotate(submitted_date=TruncDate("submitted_at"))
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_missing(self, queryset, name, value):
        missing = Q(status=ReportStatus.DRAFT, due_on__lt=timezone.localdate())
        return queryset.filter(missing) if value else queryset.exclude(missing)


class ProgressEntryFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    plan = django_filters.NumberFilter(field_name="plan_id")
    task = django_filters.NumberFilter(field_name="task_id")
    township = django_filters.ModelChoiceFilter(field_name="township", queryset=visible_townships)
    happened_after = django_filters.DateFilter(field_name="happened_on", lookup_expr="gte")
    happened_before = django_filters.DateFilter(field_name="happened_on", lookup_expr="lte")

    class Meta:
        model = ProgressEntry
        fields = ["q", "plan", "task", "township", "happened_after", "happened_before"]

    filter_q = organization_search("")


class EvidenceFileFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    entry = django_filters.NumberFilter(field_name="entry_id")
    plan = django_filters.NumberFilter(field_name="entry__plan_id")

    class Meta:
        model = EvidenceFile
        fields = ["q", "entry", "plan"]

    filter_q = organization_search("")


class ContactVisitFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    plan = django_filters.NumberFilter(field_name="plan_id")
    leader = django_filters.NumberFilter(field_name="leader_id")
    leader_key = django_filters.NumberFilter(field_name="leader_key")
    solved_nothing = django_filters.BooleanFilter(label=_("Solved no problem"), method="filter_solved_nothing",
                                                  widget=BooleanWidget)
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties,
                                              empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    visited_after = django_filters.DateFilter(label=_("Visited on or after"), field_name="visited_on",
                                              lookup_expr="gte")
    visited_before = django_filters.DateFilter(label=_("Visited on or before"), field_name="visited_on",
                                               lookup_expr="lte")

    class Meta:
        model = ContactVisit
        fields = ["q", "plan", "leader", "leader_key", "county", "township", "visited_after", "visited_before",
                  "solved_nothing"]

    filter_q = organization_search("")

    def filter_solved_nothing(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(problems_solved_count=0) if value else queryset.filter(problems_solved_count__gt=0)

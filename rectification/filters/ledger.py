"""The ledger's filters, shared by the ledger page, its export, the dashboard and the API (one definition)."""

from __future__ import annotations

from types import SimpleNamespace

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.filters import (
    BooleanWidget,
    ScopedFilterSet,
    text_search,
    visible_counties,
    visible_townships,
)

from ..models import Category, Designation, DesignationStatus, Task, TaskStatus


def _rounds(request):
    from ..selectors.ledger import rounds_visible

    if request is None:
        from ..models import Round

        return Round.objects.none()
    return rounds_visible(request.user).order_by("-year", "county__code")


def category_choices(user) -> list[tuple[str, str]]:
    """National categories and those of the counties the user sees (by code; codes repeat across counties)."""
    from ..selectors.ledger import rounds_visible

    counties = rounds_visible(user).values("county_id") if user is not None else []
    rows = (Category.objects.filter(Q(county__isnull=True) | Q(county_id__in=counties)).filter(is_active=True)
            .order_by("county_id", "sort_order", "code").values_list("code", "name"))
    seen: dict[str, str] = {}
    for code, name in rows:
        seen.setdefault(code, f"{code} {name}")
    return list(seen.items())


class DesignationFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    round = django_filters.ModelChoiceFilter(label=_("Rectification round"), queryset=_rounds, empty_label=_("All"))
    year = django_filters.NumberFilter(label=_("Year"), field_name="round__year")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DesignationStatus.choices, empty_label=_("All"))
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties,
                                              empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    category = django_filters.ChoiceFilter(label=_("Weak-and-lax category"), method="filter_category",
                                           choices=[], empty_label=_("All"))
    overdue = django_filters.BooleanFilter(label=_("Has overdue tasks"), method="filter_overdue",
                                          widget=BooleanWidget)
    counted = django_filters.ChoiceFilter(label=_("Counted as"), method="filter_counted", empty_label=_("All"),
                                          choices=[("current", _("Weak organizations this round")),
                                                   ("confirmed", _("Confirmed, not withdrawn"))])

    #: Above county level the rounds of the chosen county (and the chosen round) are the choices.
    county_narrowed = {"round": _("Choose a county first to pick one of its rounds (or filter by year).")}

    class Meta:
        model = Designation
        fields = ["q", "round", "year", "status", "county", "township", "category", "overdue", "counted"]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        category = self.filters["category"]
        category.extra["choices"] = category_choices(user) if user is not None else []
        category.__dict__.pop("_field", None)  # a field built earlier (e.g. for the schema) holds old choices

    filter_search = text_search("organization__name", "organization__division__name",
                                "organization__division__code__startswith")

    def filter_category(self, queryset, name, value: str):
        if not value:
            return queryset
        return queryset.filter(pk__in=Designation.categories.through.objects.filter(category__code=value)
                               .values("designation_id"))

    def filter_overdue(self, queryset, name, value):
        from ..selectors.ledger import has_overdue_task

        if value is None:
            return queryset
        return queryset.filter(has_overdue_task()) if value else queryset.exclude(has_overdue_task())

    def filter_counted(self, queryset, name, value):
        """The counting rule (``selectors.counting``): "current" is the current round of each county."""
        from ..selectors.counting import counted

        if not value:
            return queryset
        return counted(queryset, current_round=value == "current")


class TaskFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    round = django_filters.ModelChoiceFilter(label=_("Rectification round"), field_name="plan__designation__round",
                                             queryset=_rounds, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TaskStatus.choices, empty_label=_("All"))
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county", queryset=visible_counties,
                                              empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    plan = django_filters.NumberFilter(label=_("Plan"), field_name="plan_id")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue", widget=BooleanWidget)

    class Meta:
        model = Task
        fields = ["q", "round", "status", "county", "township", "plan", "overdue"]

    filter_search = text_search("organization__name", "title")

    def filter_overdue(self, queryset, name, value):
        from ..selectors.ledger import overdue_tasks_q

        if value is None:
            return queryset
        return queryset.filter(overdue_tasks_q()) if value else queryset.exclude(overdue_tasks_q())


def designation_filter_for(user, data: dict | None, queryset=None) -> DesignationFilter:
    """The ledger's filter for ``user`` outside a request (a selector): the same choices and validation as the
    ledger page's, whose filter reads only ``request.user``."""
    if queryset is None:
        queryset = Designation.objects.visible_to(user)
    return DesignationFilter(data or None, queryset=queryset, request=SimpleNamespace(user=user))

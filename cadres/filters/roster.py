"""Filters of the cadre roster: the list page, its Excel export and the API share ``CadreFilter``.

County, township and organization choices are the user's scope (``organizations.filters``); above county
level the township list is narrowed to the chosen county (``ScopedFilterSet``).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from organizations.filters import (
    ScopedFilterSet,
    text_search,
    visible_counties,
    visible_organizations,
    visible_townships,
)

from ..models import Cadre, Post

CURRENT, FORMER, ALL = "current", "former", "all"
STATUS_CHOICES = [(CURRENT, _("In post")), (FORMER, _("Former")), (ALL, _("All"))]


class CadreFilter(ScopedFilterSet):
    """``q`` (name of the person or of the organization), county, township, organization, post, status (default in post)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q",
                                  help_text=_("Name of the person or of the organization"))
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county",
                                              queryset=visible_counties, empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(label=_("Party organization"), field_name="organization",
                                                    queryset=visible_organizations, empty_label=_("All"))
    post = django_filters.ChoiceFilter(label=_("Post"), choices=Post.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, empty_label=None,
                                         method="filter_status")

    class Meta:
        model = Cadre
        fields = ["q", "county", "township", "organization", "post", "status"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = CURRENT
        super().__init__(data, *args, **kwargs)

    filter_q = text_search("name", "organization__name", "organization__division__name")

    def filter_status(self, queryset, name, value):
        if value == FORMER:
            return queryset.filter(post_ended_on__isnull=False)
        if value == ALL:
            return queryset
        return queryset.filter(post_ended_on__isnull=True)

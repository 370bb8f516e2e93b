"""Filters of the cadre roster (page, export and API share them). Reserve and support filters live next to it."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Division, Organization
from organizations.roles import Level

from .models import Cadre, Post

CURRENT, FORMER, ALL = "current", "former", "all"
STATUS_CHOICES = [(CURRENT, _("In post")), (FORMER, _("Former")), (ALL, _("All"))]


def visible_townships(request):
    if request is None:
        return Division.objects.none()
    return Division.objects.visible_to(request.user).filter(level=Level.TOWNSHIP).order_by("code")


def visible_organizations(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user).filter(is_active=True).order_by("division__code", "name")


class CadreFilter(django_filters.FilterSet):
    """``q`` (name of the person or of the organization), township, organization, post, status (default in post)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q",
                                  help_text=_("Name of the person or of the organization"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=visible_townships, empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(label=_("Party organization"), field_name="organization",
                                                    queryset=visible_organizations, empty_label=_("All"))
    post = django_filters.ChoiceFilter(label=_("Post"), choices=Post.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, empty_label=None,
                                         method="filter_status")

    class Meta:
        model = Cadre
        fields = ["q", "township", "organization", "post", "status"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = CURRENT
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(organization__name__icontains=value)
                               | Q(organization__division__name__icontains=value))

    def filter_status(self, queryset, name, value):
        if value == FORMER:
            return queryset.filter(post_ended_on__isnull=False)
        if value == ALL:
            return queryset
        return queryset.filter(post_ended_on__isnull=True)

"""Filters of the guarantee ledger list (rows are computed, not a queryset): year, county, township, shortfall."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..selectors.guarantee import FLAG_CHOICES
from .scope import CountyTownshipForm


class GuaranteeFilterForm(CountyTownshipForm):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    flag = forms.ChoiceField(label=_("Shortfall"), choices=[("", _("All organizations")), *FLAG_CHOICES],
                             required=False)

    field_order = ["year", "county", "township", "flag", "q"]

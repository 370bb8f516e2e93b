"""Forms of the planning ledger: the plan, a year's goal, a planned organization, rolling a year forward."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .check_forms import DateInput


class MultiYearPlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    first_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)
    overall_goal = forms.CharField(label=_("Overall goal"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    adopted_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=60)


class PlanYearGoalForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    goal = forms.CharField(label=_("Goal of the year"), widget=forms.Textarea(attrs={"rows": 3}))
    target_transformed = forms.IntegerField(label=_("Organizations to transform"), min_value=0, max_value=100000)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]


class PlanEntryForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Party organization"), queryset=Organization.objects.none())
    year = forms.TypedChoiceField(label=_("Planned year"), coerce=int)
    goal = forms.CharField(label=_("Goal for the organization"), required=False, max_length=500)
    reason = forms.CharField(label=_("Why it is planned"), required=False, max_length=500)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in plan.years]
        self.fields["organization"].queryset = (Organization.objects.filter(county_id=plan.division_id,
                                                                           is_active=True)
                                                .select_related("division").order_by("division__code"))


class RollForwardForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year to roll forward"), coerce=int)
    confirm = forms.BooleanField(label=_("Carry the year's organizations that were not transformed, or relapsed, "
                                         "and those designated outside the plan and still open, into the next "
                                         "year."))

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]


class ConfirmRemoveForm(forms.Form):
    confirm = forms.BooleanField(label=_("Take this organization off the plan's year (the audit trail keeps it)."))

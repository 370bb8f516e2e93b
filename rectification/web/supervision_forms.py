"""Forms of the supervision teams and their inspections."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Division, Organization

from ..models import FindingAction, Measure
from .check_forms import DateInput


class SupervisionTeamForm(forms.Form):
    name = forms.CharField(label=_("Team"), max_length=100)
    leader = forms.CharField(label=_("Team leader"), max_length=100)
    members = forms.CharField(label=_("Members"), widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("One member a line: name and post."))
    townships = forms.ModelMultipleChoiceField(label=_("Townships assigned"), queryset=Division.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].queryset = townships


class TeamActiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False,
                             help_text=_("e.g. the supervision of this round is over"))


class InspectionForm(forms.Form):
    township = forms.ModelChoiceField(label=_("Township"), queryset=Division.objects.none())
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DateInput())
    notes = forms.CharField(label=_("Overall findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships


class FindingForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Party organization"), queryset=Organization.objects.none())
    finding = forms.CharField(label=_("Inspection finding"), widget=forms.Textarea(attrs={"rows": 3}))
    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=100, required=False)
    action = forms.ChoiceField(label=_("Follow-up"), choices=FindingAction.choices, initial=FindingAction.NONE)
    measure = forms.ModelChoiceField(label=_("Measure to rectify"), queryset=Measure.objects.none(), required=False)
    rectify_by = forms.DateField(label=_("Rectify by"), required=False, widget=DateInput())

    def __init__(self, *args, organizations, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["measure"].queryset = measures
        self.fields["measure"].label_from_instance = lambda m: f"{m.organization.name} · {m.title}"

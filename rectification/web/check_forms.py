"""Forms of the check records: the six-monthly check, the year-end acceptance meeting, the follow-up review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AcceptanceResult, CheckGrade, FollowUpFinding


class DateInput(forms.DateInput):
    input_type = "date"


class CheckForm(forms.Form):
    checked_on = forms.DateField(label=_("Check date"), widget=DateInput())
    checkers = forms.CharField(label=_("Checkers"), max_length=300)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=100, required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=CheckGrade.choices)
    rectification_demanded = forms.CharField(label=_("Rectification demanded"), required=False,
                                             widget=forms.Textarea(attrs={"rows": 2}))
    rectify_by = forms.DateField(label=_("Rectify by"), required=False, widget=DateInput())

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.measure_fields = []
        for measure in measures:
            name = f"measure_{measure.pk}"
            self.fields[name] = forms.CharField(label=measure.title, required=False,
                                                widget=forms.Textarea(attrs={"rows": 2}))
            self.measure_fields.append((measure.pk, name))

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        findings = {pk: data.pop(name, "") for pk, name in self.measure_fields}
        return {**data, "measure_findings": findings}

    def measure_bound_fields(self):
        return [self[name] for _pk, name in self.measure_fields]


class AcceptanceForm(forms.Form):
    held_on = forms.DateField(label=_("Meeting date"), widget=DateInput())
    members = forms.CharField(label=_("Acceptance team members"), max_length=300)
    opinions = forms.CharField(label=_("Opinions"), widget=forms.Textarea(attrs={"rows": 4}))
    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=100, required=False)
    result = forms.ChoiceField(label=_("Acceptance result"), choices=AcceptanceResult.choices)


class FollowUpForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Follow-up review date"), widget=DateInput())
    reviewers = forms.CharField(label=_("Reviewers"), max_length=300)
    finding = forms.ChoiceField(label=_("Finding"), choices=FollowUpFinding.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Required for a relapse: the problems that came back."))


class DisciplineCaseForm(forms.Form):
    decided_on = forms.DateField(label=_("Investigated on"), widget=DateInput())
    handled_by = forms.CharField(label=_("Handled by"), max_length=100,
                                 help_text=_("e.g. the county commission for discipline inspection"))
    summary = forms.CharField(label=_("Case summary"), widget=forms.Textarea(attrs={"rows": 3}))

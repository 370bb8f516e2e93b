"""Forms of the ledger pages. Choices are scoped by the views (``restrict_form_fields`` or explicit querysets);
writes go through the services, which re-check everything."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Division, Organization
from organizations.roles import Level

from .. import problems as catalogue
from ..models import Category, Measure, MeasureFamily, Plan, PlanProblem, Round, Task, TaskStatus
from ..services.plans import PLAN_FIELDS


def _organization_label(organization: Organization) -> str:
    township = organization.township.name if organization.township_id else ""
    return f"{township} · {organization.name}（{organization.division.code}）" if township else organization.name


class RoundForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=Division.objects.filter(level=Level.COUNTY))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=100, required=False,
                           help_text=_("Leave empty for the usual name."))


class ProposeForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Rectification round"), queryset=Round.objects.none())
    organization = forms.ModelChoiceField(label=_("Party organization"), queryset=Organization.objects.none())
    categories = forms.ModelMultipleChoiceField(label=_("Weak-and-lax categories"), queryset=Category.objects.none(),
                                                widget=forms.CheckboxSelectMultiple)
    problems = forms.CharField(label=_("Problems found"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, rounds, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = _organization_label
        self.fields["categories"].queryset = Category.objects.filter(
            Q(county__isnull=True) | Q(county_id__in=rounds.values("county_id")), is_active=True)
        self.fields["categories"].label_from_instance = lambda c: f"{c.code} {c.name}"

    def clean(self):
        data = super().clean()
        round_, organization = data.get("round"), data.get("organization")
        if round_ and organization and organization.county_id != round_.county_id:
            self.add_error("organization", _("The organization is not in this round's county."))
        categories = data.get("categories") or []
        if round_ and any(c.county_id not in (None, round_.county_id) for c in categories):
            self.add_error("categories", _("Unknown category."))
        return data


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Plan
        fields = list(PLAN_FIELDS)
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "cause_analysis": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The causes are analysed per problem of the problem list; this box is the plan's optional summary.
        self.fields["cause_analysis"].label = _("Overall cause analysis (optional)")
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class ProblemForm(forms.Form):
    """A problem of the plan's problem list: an item of the catalogue, how it shows here, its cause."""

    item = forms.ChoiceField(label=_("Problem"), choices=catalogue.choices)
    description = forms.CharField(label=_("How it shows here"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    cause_analysis = forms.CharField(label=_("Cause analysis"), max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 3}))


def _problem_label(problem: PlanProblem) -> str:
    return problem.label


class MeasureForm(forms.Form):
    title = forms.CharField(label=_("Measure"), max_length=200)
    family = forms.ChoiceField(label=_("Kind of measure"), choices=MeasureFamily.choices, initial=MeasureFamily.OTHER)
    problem = forms.ModelChoiceField(label=_("Problem answered"), queryset=PlanProblem.objects.none(),
                                     help_text=_("Every measure answers one problem of the problem list."))

    def __init__(self, *args, problems, **kwargs):
        """``problems``: the plan's problems in the user's scope (a problem of another plan is refused)."""
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = problems
        self.fields["problem"].label_from_instance = _problem_label


class TaskAddForm(forms.Form):
    measure = forms.ModelChoiceField(label=_("Measure"), queryset=Measure.objects.none())
    title = forms.CharField(label=_("Task"), max_length=200)
    owner_name = forms.CharField(label=_("Owner"), max_length=50)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures


class TaskForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Task
        fields = ["title", "owner_name", "deadline", "status", "progress"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = TaskStatus.choices
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class DesignationImportForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Rectification round"), queryset=Round.objects.none())
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds


class CategoryForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=Division.objects.none())
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("For example RSHS11"))
    name = forms.CharField(label=_("Name"), max_length=200)

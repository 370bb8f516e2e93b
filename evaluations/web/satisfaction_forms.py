"""Forms of the satisfaction evaluation pages: they parse; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Choice, VoterGroup
from ..services.satisfaction import MAX_LINKS_PER_CALL


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _count(label, **kwargs):
    return forms.IntegerField(label=label, min_value=0, max_value=100000, initial=0, **kwargs)


class EvaluationOpenForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty for the default title."))
    party_members = _count(_("Party member representatives invited"))
    public = _count(_("Public representatives invited"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class GroupCountsForm(forms.Form):
    size = _count(_("Voters invited"), help_text=_("0: not checked against the counts."))
    satisfied = _count(_("Satisfied"))
    basically_satisfied = _count(_("Basically satisfied"))
    dissatisfied = _count(_("Dissatisfied"))
    abstained = _count(_("Abstained"))
    invalid = _count(_("Invalid ballots"))


class BallotForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Voter group"), queryset=VoterGroup.objects.none(), empty_label=None)
    choice = forms.ChoiceField(label=_("Choice"), choices=Choice.choices, widget=forms.RadioSelect)

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = VoterGroup.objects.filter(evaluation=evaluation).order_by("kind", "pk")


class LinksForm(forms.Form):
    count = forms.IntegerField(label=_("Number of links"), min_value=1, max_value=MAX_LINKS_PER_CALL, initial=15,
                               help_text=_("One link (and QR code) per voter; each casts one ballot."))


class DecideForm(forms.Form):
    new_deadline = forms.DateField(label=_("New deadline if rectified again"), widget=DateInput(), required=False,
                                   help_text=_("Leave empty for six months from today."))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your opinion of the rectification"), choices=Choice.choices,
                               widget=forms.RadioSelect)

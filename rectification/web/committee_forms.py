"""Forms of the Party committee study: a meeting, a secretary's contact village, the end of a contact."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Division, Organization

from .check_forms import DateInput


class CommitteeMeetingForm(forms.Form):
    division = forms.ModelChoiceField(label=_("Party committee of"), queryset=Division.objects.none())
    held_on = forms.DateField(label=_("Meeting date"), widget=DateInput())
    attendees = forms.CharField(label=_("Attendees"), max_length=500)
    topics = forms.CharField(label=_("Topics"), widget=forms.Textarea(attrs={"rows": 3}))
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 3}))
    organizations = forms.ModelMultipleChoiceField(label=_("Organizations discussed"), required=False,
                                                   queryset=Organization.objects.none(),
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, divisions=None, organizations=None, fixed_division=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions
        self.fields["organizations"].queryset = organizations
        if fixed_division:
            del self.fields["division"]


class SecretaryContactForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Village or community"), queryset=Organization.objects.none())
    secretary_name = forms.CharField(label=_("Township Party secretary"), max_length=50)
    started_on = forms.DateField(label=_("Contact since"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class ContactEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Contact ended on"), widget=DateInput())

"""Forms of the recognition pages (thin: the services validate the rules)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Division, Organization
from organizations.permissions import writable
from organizations.roles import Level

from ..models import CommendationOccasion, ExemplarKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _this_year() -> int:
    return timezone.localdate().year


class ExemplarForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Party organization"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=ExemplarKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=_this_year)
    title = forms.CharField(label=_("Title"), max_length=120)
    subject = forms.CharField(label=_("Name of the model"), max_length=80,
                              help_text=_("The organization's or the person's name; nothing else about a person."))
    summary = forms.CharField(label=_("Deeds or practice"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, user=None, with_organization=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_organization:
            self.fields["organization"].queryset = writable(
                Organization.objects.select_related("division").order_by("division__code"), user,
                "exemplar", "change")
        else:
            del self.fields["organization"]


class ExemplarActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("submit", _("Submit to the county")), ("return", _("Return for revision")),
                                        ("approve", _("Approve")), ("publish", _("Publish")),
                                        ("withdraw", _("Withdraw from the public page"))],
                               widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Review comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CommendationProposeForm(forms.Form):
    division = forms.ModelChoiceField(label=_("Area"), queryset=Division.objects.none(),
                                      help_text=_("A township proposes its own list; a county its own or a "
                                                  "township's."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=_this_year)
    occasion = forms.ChoiceField(label=_("Occasion"), choices=CommendationOccasion.choices)
    ratings_year = forms.IntegerField(label=_("Star ratings of"), min_value=2000, max_value=2100, required=False,
                                      help_text=_("Empty: last year's for July 1, this year's for the year end."))
    honour = forms.CharField(label=_("Honour"), max_length=60, required=False,
                             help_text=_("Empty: Outstanding Communist Party member (July 1) or Star Party "
                                         "member pacesetter (year end)."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = writable(
            Division.objects.filter(level__in=(Level.COUNTY, Level.TOWNSHIP)).order_by("code"), user,
            "commendation", "propose")


class CommendationEntryForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    included = forms.TypedChoiceField(label=_("Commended"), coerce=lambda v: v == "1",
                                      choices=[("1", _("Keep on the list")), ("0", _("Leave off the list"))])
    remark = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CommendationDecideForm(forms.Form):
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    decision_number = forms.CharField(label=_("Document number"), max_length=60,
                                      help_text=_("The number printed on the decision document."))


class PlaqueHangForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Party member"), queryset=None)
    hung_on = forms.DateField(label=_("Hung on"), widget=DATE)
    number = forms.CharField(label=_("Plaque number"), max_length=30, required=False,
                             help_text=_("Empty: the next number of this organization."))
    note = forms.CharField(label=_("Remarks"), max_length=200, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class PlaqueRemoveForm(forms.Form):
    removed_on = forms.DateField(label=_("Removed on"), widget=DATE)
    reason = forms.CharField(label=_("Reason for removal"), max_length=200)

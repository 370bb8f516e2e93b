"""Forms of the support pages: they parse; the services validate and write.

Edit forms never show a hidden number (ID number, mobile): the input starts empty with the masked value as
placeholder, and a blank input keeps the stored number (``HiddenNumbersMixin``); the full numbers are
shown only by the audited unmask action."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from ..models import ContactLeader, Education, HelpingUnit, PoliticalStatus, Sex, UnitKind
from .common import DateInput, HiddenNumbersMixin


class AccountField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Portal account (username)"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault("help_text", _("Optional. The account then sees the paired villages and its own workload."))
        super().__init__(**kwargs)


class FirstSecretaryForm(HiddenNumbersMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False, initial="汉族")
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Mobile"), max_length=11, required=False)
    education = forms.ChoiceField(label=_("Education"), choices=[("", "—"), *Education.choices], required=False)
    political_status = forms.ChoiceField(label=_("Political status"), choices=[("", "—"), *PoliticalStatus.choices],
                                         required=False)
    joined_party_on = forms.DateField(label=_("Joined the Party on"), required=False, widget=DateInput())
    dispatching_unit = forms.CharField(label=_("Dispatching unit"), max_length=100)
    post_in_unit = forms.CharField(label=_("Post in the dispatching unit"), max_length=100, required=False)
    team_name = forms.CharField(label=_("Village work team"), max_length=100, required=False)
    team_members = forms.CharField(label=_("Work team members"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    term_start = forms.DateField(label=_("Term start"), widget=DateInput())
    term_end = forms.DateField(label=_("Term end"), required=False, widget=DateInput(),
                               help_text=_("Leave empty: the term length of the county's settings applies."))
    days_in_village = forms.IntegerField(label=_("Days in the village"), min_value=0, initial=0)
    other_villages = forms.ModelMultipleChoiceField(label=_("Other villages served"),
                                                    queryset=Organization.objects.none(), required=False)
    account = AccountField(help_text=_("Optional. The account gets the first-secretary role on the villages served."))

    HIDDEN_NUMBERS = ("id_number", "phone", "birth_date")
    PERSON_FIELDS = ("name", "sex", "ethnicity", "birth_date", "id_number", "phone", "education",
                     "political_status", "joined_party_on")

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["other_villages"].queryset = organizations

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("other_villages")
        data.pop("account")
        return data


class RecallForm(forms.Form):
    recalled_on = forms.DateField(label=_("Service ended on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False,
                             help_text=_("E.g. term completed, recalled by the dispatching unit, promoted."))


class ContactLeaderForm(HiddenNumbersMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    post = forms.CharField(label=_("Post"), max_length=100, help_text=_("E.g. 县委常委、副县长"))
    phone = forms.CharField(label=_("Mobile"), max_length=11, required=False)
    account = AccountField()

    HIDDEN_NUMBERS = ("phone",)

    @classmethod
    def for_instance(cls, leader: ContactLeader, data=None):
        return cls(data, initial={"name": leader.name, "post": leader.post,
                                  "account": leader.user.username if leader.user_id else ""}).hide_numbers(leader)


class HelpingUnitForm(HiddenNumbersMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact mobile"), max_length=11, required=False)
    account = AccountField()

    HIDDEN_NUMBERS = ("contact_phone",)

    @classmethod
    def for_instance(cls, unit: HelpingUnit, data=None):
        return cls(data, initial={"name": unit.name, "kind": unit.kind, "contact_name": unit.contact_name,
                                  "account": unit.user.username if unit.user_id else ""}).hide_numbers(unit)


class PairingForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Village"), queryset=Organization.objects.none())
    started_on = forms.DateField(label=_("Since"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Remarks"), max_length=200, required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = (
            lambda o: f"{o.township.name} · {o.name}" if o.township_id else o.name)


class PairingEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput(), initial=timezone.localdate)

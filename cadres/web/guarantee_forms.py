"""Forms of the guarantee ledger pages: the year's venue and pay, a disbursement, a month's days in the village."""

from __future__ import annotations

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from ..models import FundSource, PresenceKind, Renovation, VenueCondition
from .common import DateInput

MONTH_CHOICES = list(MONTHS.items())


class LedgerForm(forms.Form):
    venue_area = forms.DecimalField(label=_("Venue area (m²)"), required=False, min_value=0, max_digits=7,
                                    decimal_places=1)
    venue_condition = forms.ChoiceField(label=_("Venue condition"), required=False,
                                        choices=[("", _("Not recorded")), *VenueCondition.choices])
    venue_renovation = forms.ChoiceField(label=_("Renovation"), required=False,
                                         choices=[("", _("Not recorded")), *Renovation.choices])
    venue_note = forms.CharField(label=_("Venue remarks"), required=False, max_length=200,
                                 help_text=_("e.g. what the renovation covers, its budget and completion date"))
    secretary_name = forms.CharField(label=_("Party secretary"), required=False, max_length=50)
    secretary_pay = forms.DecimalField(label=_("Secretary's pay this year (yuan)"), required=False, min_value=0,
                                       max_digits=10, decimal_places=2)
    note = forms.CharField(label=_("Remarks"), required=False, max_length=200)


class DisbursementForm(forms.Form):
    paid_on = forms.DateField(label=_("Date paid"), widget=DateInput())
    source = forms.ChoiceField(label=_("Source of funds"), choices=FundSource.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=12, decimal_places=2)
    use = forms.CharField(label=_("Use"), max_length=200)


class PresenceForm(forms.Form):
    """One month: its working days and the days of each resident cadre (``people``: ``[(kind, name,
    first_secretary or None, days entered or None)]``, one field ``days_<i>`` each)."""

    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=MONTH_CHOICES)
    working_days = forms.IntegerField(label=_("Working days of the month"), min_value=1, max_value=31,
                                      help_text=_("Monday to Friday by default; correct it for public holidays "
                                                  "and working weekends."))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        kinds = dict(PresenceKind.choices)
        for i, (kind, name, _fs, days) in enumerate(people):
            self.fields[f"days_{i}"] = forms.IntegerField(
                label=f"{name}（{kinds[kind]}）", min_value=0, max_value=31, required=False, initial=days)

    def entries(self) -> list[dict]:
        found = []
        for i, (kind, name, first_secretary, _days) in enumerate(self.people):
            value = self.cleaned_data.get(f"days_{i}")
            if value is not None:
                found.append({"kind": kind, "name": name, "first_secretary": first_secretary,
                              "days_in_village": value})
        return found

"""Forms of the cadre roster: they parse; the services validate and write.

The edit form never shows the full ID or mobile number: both inputs start empty (the masked value is
the placeholder) and an empty input keeps the stored number.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from organizations.permissions import writable

from ..models import Cadre
from .common import DateInput, HiddenNumbersMixin

PERSON_AND_POST = ["organization", "post", "post_started_on", "name", "sex", "ethnicity", "birth_date", "id_number",
                   "phone", "education", "political_status", "joined_party_on", "note"]



class CadreForm(HiddenNumbersMixin, forms.ModelForm):
    """Add or correct a cadre; the organization choices are the user's writable scope."""

    HIDDEN_NUMBERS = ("id_number", "phone", "birth_date")

    class Meta:
        model = Cadre
        fields = PERSON_AND_POST
        widgets = {"post_started_on": DateInput(), "birth_date": DateInput(), "joined_party_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = writable(
            Organization.objects.filter(is_active=True), user, "cadre", "change").order_by("division__code", "name")
        self.fields["organization"].label = _("Party organization")
        self.fields["birth_date"].help_text = _("Taken from the ID number when left empty.")
        self.fields["id_number"].help_text = _("18 characters; the last may be X.")
        if self.instance.pk:
            self.hide_numbers(self.instance)
            self.fields["birth_date"].help_text = _("Leave empty to keep it or take it from a new ID number.")
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})

    def _post_clean(self):
        """Validation is the service's (it also knows the post rules)."""

    def changes(self) -> dict:
        """Cleaned values for the service; on edit, empty number inputs mean "keep" (``HiddenNumbersMixin``)."""
        return {name: self.cleaned_data.get(name) for name in PERSON_AND_POST if name in self.cleaned_data}


class EndPostForm(forms.Form):
    ended_on = forms.DateField(label=_("Left the post on"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Remarks"), max_length=200, required=False,
                           help_text=_("For example: transferred, retired, not re-elected."))


class RosterImportForm(forms.Form):
    file = forms.FileField(label=_("Roster workbook (.xlsx) or CSV file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

"""Forms of the reserve pool pages: they parse; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from organizations.permissions import writable

from ..models import Post, ReserveCadre, ReserveStatus, ReviewResult
from ..selectors.reserve import POOL_CATEGORIES
from .common import DateInput, HiddenNumbersMixin


def writable_villages(user, resource: str = "reserve", action: str = "change"):
    """Village and community organizations the user may keep a reserve pool for."""
    return writable(Organization.objects.all(), user, resource, action).filter(
        category__in=POOL_CATEGORIES, is_active=True).order_by("township__code", "division__code", "name")


class ReserveCadreForm(HiddenNumbersMixin, forms.ModelForm):
    HIDDEN_NUMBERS = ("id_number", "phone", "birth_date")

    class Meta:
        model = ReserveCadre
        fields = ["organization", "name", "sex", "ethnicity", "birth_date", "id_number", "phone", "education",
                  "political_status", "joined_party_on", "reserve_type", "track", "current_post", "mentor",
                  "joined_on", "measures", "note", "source_member"]
        widgets = {"birth_date": DateInput(), "joined_party_on": DateInput(), "joined_on": DateInput(),
                   "measures": forms.Textarea(attrs={"rows": 3}), "source_member": forms.HiddenInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = forms.ModelChoiceField(
            label=_("Party organization"), queryset=writable_villages(user))
        self.fields["organization"].label_from_instance = lambda o: f"{o.township.name if o.township_id else ''} {o.name}"
        self.fields["organization"].queryset = self.fields["organization"].queryset.select_related("township")
        from evaluations.models.members import PartyMember

        self.fields["source_member"].queryset = PartyMember.objects.visible_to(user)
        self.fields["source_member"].required = False
        if not self.instance.pk:
            self.fields["joined_on"].initial = timezone.localdate()
        if self.instance.pk:
            self.hide_numbers(self.instance)  # never echo a stored full number or birth date into the page

    def _post_clean(self):
        # The services validate the model (with the role check); the form only parses.
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization")
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ReserveStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Remarks"), max_length=200, required=False)
    roster_post = forms.ChoiceField(
        label=_("Add to the cadre roster as"), required=False,
        choices=[("", _("Do not add to the roster"))] + [
            (p.value, p.label) for p in (Post.SECRETARY, Post.SECRETARY_DIRECTOR, Post.DEPUTY_SECRETARY,
                                         Post.DIRECTOR, Post.COMMITTEE_MEMBER)],
        help_text=_("Only when the person entered the two committees."))

    def __init__(self, *args, reserve=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        if reserve is not None:
            self.fields["status"].choices = [c for c in ReserveStatus.choices if c[0] != reserve.status]


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    result = forms.ChoiceField(label=_("Result"), choices=ReviewResult.choices)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class ReserveImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx) or CSV"))

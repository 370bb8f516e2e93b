"""Forms of the star management pages (thin: the services validate the rules)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Aspect, Grade, PartyMember
from ..services.members import MEMBER_FIELDS, STAR_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCORE = {"required": False, "min_value": 0, "max_value": 100, "decimal_places": 1, "max_digits": 5}


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SelfAssessForm(_Versioned):
    grade = forms.ChoiceField(label=_("Self-assessed grade"), choices=Grade.choices)
    score = forms.DecimalField(label=_("Self-assessment score"), **SCORE)
    summary = forms.CharField(label=_("Self-assessment summary"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)


class AppraiseForm(_Versioned):
    grade = forms.ChoiceField(label=_("Public appraisal grade"), choices=Grade.choices)
    score = forms.DecimalField(label=_("Public appraisal score"), **SCORE)
    notes = forms.CharField(label=_("Public appraisal notes"), widget=forms.Textarea(attrs={"rows": 3}),
                            required=False)


class ReviewForm(_Versioned):
    grade = forms.ChoiceField(label=_("Reviewed grade"), choices=Grade.choices)
    stars = forms.TypedChoiceField(label=_("Stars"), coerce=int, required=False, empty_value=None,
                                   choices=[("", _("As the grade allows"))] + [(s, str(s)) for s in range(5, -1, -1)],
                                   help_text=_("The policy allows these stars per grade: %(mapping)s"))
    score = forms.DecimalField(label=_("Review score"), **SCORE)
    opinion = forms.CharField(label=_("Review opinion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, mapping: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stars"].help_text = self.fields["stars"].help_text % {"mapping": mapping}


class NoticeForm(_Versioned):
    start = forms.DateField(label=_("Public notice from"), widget=DATE, initial=timezone.localdate)


class ApproveForm(_Versioned):
    pass


class StartForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)


class MemberForm(forms.ModelForm):
    class Meta:
        model = PartyMember
        fields = list(MEMBER_FIELDS)
        widgets = {"birth_date": DATE, "joined_party_on": DATE}


class HouseholdForm(forms.Form):
    head_name = forms.CharField(label=_("head of household"), max_length=50)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    since = forms.DateField(label=_("in contact since"), required=False, widget=DATE)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class CommitmentForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    pledges = forms.CharField(label=_("commitments"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    signed_on = forms.DateField(label=_("signed on"), required=False, widget=DATE)
    published = forms.BooleanField(label=_("publicly listed"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Aspect.choices:
            self.fields[f"goal_{value}"] = forms.IntegerField(label=label, min_value=0, max_value=10, initial=0,
                                                              required=False)

    def goals(self) -> dict:
        return {a: self.cleaned_data.get(f"goal_{a}") or 0 for a in Aspect.values}


class BulletinForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("quarter"), coerce=int, choices=[(q, str(q)) for q in (1, 2, 3, 4)])
    held_on = forms.DateField(label=_("held on"), widget=DATE)
    summary = forms.CharField(label=_("bulletin"), widget=forms.Textarea(attrs={"rows": 4}))


class AssessmentSheetForm(forms.Form):
    """The rating grid of an organization: one ``m<member id>-<field>`` number per member and column.

    The grid is drawn by its template; this form parses it: which button (save / notice / finalize), the
    notice start, and the stars typed (an empty cell clears a star when saving).
    """

    action = forms.ChoiceField(choices=[("save", "save"), ("notice", "notice"), ("finalize", "finalize")],
                               required=False)
    notice_start = forms.DateField(label=_("Public notice from"), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            for name in (*STAR_FIELDS, "final_stars"):
                self.fields[f"m{member.pk}-{name}"] = forms.IntegerField(
                    required=False, label=member.name, error_messages={"invalid": _("Stars are whole numbers.")})

    def rows(self) -> dict[int, dict]:
        """Member id → the stars typed on the sheet (only the cells it had)."""
        rows = {}
        for member in self.members:
            values = {name: self.cleaned_data.get(f"m{member.pk}-{name}") for name in STAR_FIELDS
                      if f"m{member.pk}-{name}" in self.data}
            if values:
                rows[member.pk] = values
        return rows

    def final(self) -> dict[int, int]:
        """Member id → final stars changed on the sheet (empty cells keep the branch's rating)."""
        return {member.pk: value for member in self.members
                if (value := self.cleaned_data.get(f"m{member.pk}-final_stars")) is not None}

"""Forms of the annual report: the text, the confirmation of the submission, the review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def _text(label, help_text=""):
    return forms.CharField(label=label, required=False, max_length=20000, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 6}))


class AnnualReportForm(forms.Form):
    """Every part may stay empty in a draft; submitting needs all four."""

    year = forms.IntegerField(widget=forms.HiddenInput())
    work_summary = _text(_("Summary of the work"))
    achievements = _text(_("Achievements"))
    problems = _text(_("Problems"))
    next_year_plan = _text(_("Plan for next year"))


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("I understand: the statistical form of the year is frozen with the report "
                                         "and the text can no longer be changed unless the level above returns it."))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("accept", _("Accept")), ("return", _("Return for revision"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Required when returning: say what is to be revised."))

"""Forms of the progress area: they parse; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..imports.evidence import MAX_FILES_PER_ENTRY
from ..models import Task


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos taken on a phone); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx",
                                                             "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [d for d in data if d]
        return [data] if data else []


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgressEntryForm(forms.Form):
    content = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    happened_on = forms.DateField(label=_("Date"), widget=DateInput())
    task = forms.ModelChoiceField(label=_("Task"), queryset=Task.objects.none(), required=False,
                                  empty_label=_("The plan as a whole"))
    photos = MultipleFileField(label=_("Photos"), widget=MultipleFileInput(attrs={
        "accept": "image/*", "multiple": True}),
        help_text=_("Take photos with the phone's camera or choose them from the album."))
    files = MultipleFileField(label=_("Documents"))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the request's language (at import time it froze the default language's words).
        self.fields["files"].help_text = _(
            "PDF, Word, Excel or PowerPoint; at most %(count)s files per entry, 10 MB each.") % {
            "count": MAX_FILES_PER_ENTRY}
        self.fields["task"].queryset = Task.objects.filter(plan=plan).select_related("cycle").order_by(
            "-cycle__number", "deadline", "pk")
        self.fields["task"].label_from_instance = lambda t: t.title
        self.fields["happened_on"].initial = timezone.localdate()


class ReportSubmitForm(forms.Form):
    summary = forms.CharField(label=_("Summary of the period"), widget=forms.Textarea(attrs={"rows": 5}),
                              max_length=5000)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visit date"), widget=DateInput())
    discussed = forms.CharField(label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 3}),
                                max_length=5000)
    problems_solved = forms.CharField(label=_("Problems solved"), widget=forms.Textarea(attrs={"rows": 3}),
                                      required=False, max_length=5000)
    problems_solved_count = forms.IntegerField(label=_("Number of problems solved"), min_value=0, max_value=50,
                                               initial=0)

    def __init__(self, *args, leaders=None, **kwargs):
        """``leaders`` (LeaderRef list): the visit is entered for one of them (the organizer's or the county's
        form); None: the leader logs their own visit."""
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()
        if leaders is not None:
            self.fields["leader_key"] = forms.TypedChoiceField(
                label=_("Contact leader"), coerce=int,
                choices=[("", "---------")] + [(ref.key, ref.label) for ref in leaders],
                help_text=_("The contact leaders paired with this village (cadres records); the visit is entered "
                            "for the leader, with your name as the one who entered it."))
            self.order_fields(["leader_key"])

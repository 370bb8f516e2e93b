"""Forms of the escalation ladder: a reminder raised by hand, the next rung, the resolution, an instruction, a
circular. They parse; the services (services/escalations.py) validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import RUNG_ORDER, Cause, Escalation, Rung
from ..models.escalations import rung_index
from .check_forms import DateInput


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class EscalationCreateForm(forms.Form):
    cause = forms.ChoiceField(label=_("Cause"), choices=Cause.choices, initial=Cause.OTHER)
    reason = forms.CharField(label=_("Reason"), widget=_text())
    owner_name = forms.CharField(label=_("Responsible"), max_length=100, required=False,
                                 help_text=_("Empty: the township's Party committee."))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput(),
                               help_text=_("Empty: the policy's deadline of a reminder."))


class EscalateForm(forms.Form):
    rung = forms.ChoiceField(label=_("Rung"))
    taken_on = forms.DateField(label=_("Date"), widget=DateInput())
    content = forms.CharField(label=_("Content"), widget=_text(4), help_text=_(
        "Supervision notice: what it requires. Interview: the problems raised. Accountability: the decision."))
    owner_name = forms.CharField(label=_("Responsible"), max_length=100, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput(),
                               help_text=_("Empty: the policy's deadline for this rung."))
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    interviewer = forms.CharField(label=_("Interviewer"), max_length=100, required=False)
    interviewee = forms.CharField(label=_("Interviewee"), max_length=100, required=False)
    commitments = forms.CharField(label=_("Commitments"), required=False, widget=_text(2))
    follow_up_on = forms.DateField(label=_("Follow-up date"), required=False, widget=DateInput())

    def __init__(self, *args, escalation: Escalation, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Rung.choices)
        # The circular rung is taken by issuing a circular (it lists several organizations).
        self.fields["rung"].choices = [(r, labels[r]) for r in RUNG_ORDER[rung_index(escalation.rung) + 1:]
                                       if r != Rung.CIRCULAR]


class ResolveForm(forms.Form):
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput())
    resolution = forms.CharField(label=_("Resolution"), widget=_text())


class InstructionForm(forms.Form):
    text = forms.CharField(label=_("Instruction"), widget=_text(4))


class CircularForm(forms.Form):
    number = forms.CharField(label=_("Document number"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=200)
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput())
    body = forms.CharField(label=_("Text"), required=False, widget=_text(5))
    escalations = forms.ModelMultipleChoiceField(label=_("Organizations circulated"),
                                                 queryset=Escalation.objects.none(),
                                                 widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, escalations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escalations"].queryset = escalations
        self.fields["escalations"].label_from_instance = lambda e: f"{e.organization.name} · " \
            f"{e.get_cause_display()} · {e.get_rung_display()}"

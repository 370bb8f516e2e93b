"""Forms of the training pages: they parse; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Division
from organizations.permissions import writable
from organizations.roles import Level

from ..models import Cadre, TrainingEvent
from .common import DateInput


def writable_training_divisions(user):
    return writable(Division.objects.all(), user, "training", "change").filter(
        level__in=(Level.COUNTY, Level.TOWNSHIP)).order_by("code")


class TrainingEventForm(forms.ModelForm):
    class Meta:
        model = TrainingEvent
        fields = ["division", "title", "held_on", "ends_on", "organizer", "location", "hours", "for_secretaries"]
        widgets = {"held_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"] = forms.ModelChoiceField(label=_("Kept by"),
                                                         queryset=writable_training_divisions(user))

    def _post_clean(self):
        pass


class AttendanceForm(forms.Form):
    cadres = forms.ModelMultipleChoiceField(label=_("Cadres"), queryset=Cadre.objects.none(),
                                            widget=forms.SelectMultiple(attrs={"size": 12}))
    passed = forms.BooleanField(label=_("Completed"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = writable(Cadre.objects.all(), user, "training", "change").filter(
            post_ended_on__isnull=True).select_related("organization").order_by(
            "township__code", "organization__name", "post", "name")
        self.fields["cadres"].label_from_instance = lambda c: f"{c.organization.name} {c.name}（{c.get_post_display()}）"


class BulkAttendanceForm(forms.Form):
    township = forms.ModelChoiceField(label=_("Township"), queryset=Division.objects.none(),
                                      help_text=_("Adds every current village Party secretary of the township."))
    passed = forms.BooleanField(label=_("Completed"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = writable(Division.objects.all(), user, "training", "change").filter(
            level=Level.TOWNSHIP).order_by("code")

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Division, Organization
from ..policies import JSON_KINDS
from ..roles import Level


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "org_type", "category", "division", "parent", "secretary_name", "member_count",
                  "population", "is_poverty_village", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.filter(
            level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]).select_related("parent").order_by("code")
        # Village names repeat across townships: show "township · village (code)".
        self.fields["division"].label_from_instance = _division_choice_label
        self.fields["parent"].queryset = Organization.objects.order_by("name")


def _division_choice_label(division: Division) -> str:
    if division.level == Level.VILLAGE and division.parent_id:
        return f"{division.parent.name} · {division.name}（{division.code}）"
    return f"{division.name}（{division.code}）"


class ImportUploadForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=Division.objects.filter(level=Level.COUNTY))
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class PolicyForm(forms.Form):
    """One field per policy; left empty, the value inherited from above applies."""

    def __init__(self, *args, policy, definitions, **kwargs):
        super().__init__(*args, **kwargs)
        import json

        for definition in definitions:
            source = policy.source(definition.key)
            own = source.source_division_id == policy.division_id
            initial = source.value if own else None
            if definition.kind in JSON_KINDS:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
                initial = json.dumps(initial, ensure_ascii=False) if initial is not None else ""
            elif definition.kind == "bool":
                field = forms.ChoiceField(choices=[("", _("Inherit")), ("true", _("Yes")), ("false", _("No"))],
                                          required=False)
                initial = "" if initial is None else ("true" if initial else "false")
            else:
                field = forms.CharField(required=False)
            if definition.kind in JSON_KINDS:
                field.widget.attrs["placeholder"] = json.dumps(definition.default, ensure_ascii=False)
            elif definition.kind != "bool":
                field.widget.attrs["placeholder"] = _("Empty: inherit")
                field.widget.attrs["inputmode"] = "decimal" if definition.kind == "percent" else "numeric"
            field.label = definition.label
            field.help_text = definition.help_text
            field.initial = initial
            field.definition = definition
            field.inherited = source
            self.fields[definition.key] = field

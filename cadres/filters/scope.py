"""The county / township / search form of the computed pages (reserve shortfall, untrained secretaries).

Those pages list rows computed in memory, not a queryset, so they take a plain form rather than a
FilterSet; its choices are the user's scope (``organizations.filters``) and, like ``ScopedFilterSet``,
the township list is narrowed to the chosen county for a user above county level.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.filters import visible_counties, visible_townships
from organizations.filters.base import sees_many_townships
from organizations.models import Division


class CountyTownshipForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=Division.objects.none(), required=False,
                                    empty_label=_("All"))
    township = forms.ModelChoiceField(label=_("Township"), queryset=Division.objects.none(), required=False,
                                      empty_label=_("All"))
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = visible_counties(request)
        townships = visible_townships(request)
        if sees_many_townships(request):
            q = Q(pk__in=[])
            for key, column in (("county", "county_id"), ("township", "pk")):
                value = str((self.data or {}).get(key) or "")
                if value.isdigit():
                    q |= Q(**{column: int(value)})
            townships = townships.filter(q)
            self.fields["township"].help_text = _("Choose a county first to pick one of its townships.")
        self.fields["township"].queryset = townships

    def scope(self) -> tuple[Division | None, Division | None, str]:
        """(county, township, search text) of a valid form; nothing chosen when unbound."""
        if not self.is_bound:
            return None, None, ""
        data = self.cleaned_data
        return data.get("county"), data.get("township"), (data.get("q") or "").strip()
